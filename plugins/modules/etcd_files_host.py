#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_files_host
short_description: The host side of quorum.etcd.etcd_files
version_added: 0.1.0
description:
  - Internal to this collection. The M(quorum.etcd.etcd_files) action runs it on the host, first to read the
    paths it is to compare, then, when something differs, to write what it decided with the content it sent.
    Use M(quorum.etcd.etcd_files) instead.
attributes:
  check_mode:
    support: full
    description: Reports the paths that would be written, writing nothing.
  diff_mode:
    support: none
    description: The action makes the diff.
options:
  read:
    description:
      - Only read these paths, changing nothing, and return them in RV(current).
    type: list
    elements: str
  read_content:
    description:
      - Of the paths in O(read), those whose text is returned too (for the action's diff).
    type: list
    elements: str
    default: []
  write:
    description:
      - The entries to write or correct, as the action planned them.
    type: list
    elements: dict
    suboptions:
      path:
        description: As O(quorum.etcd.etcd_files#module:files[].path).
        type: str
        required: true
      state:
        description: As O(quorum.etcd.etcd_files#module:files[].state).
        type: str
        choices: [file, directory]
        default: file
      mode:
        description: As O(quorum.etcd.etcd_files#module:files[].mode).
        type: str
        required: true
      owner:
        description: As O(quorum.etcd.etcd_files#module:files[].owner).
        type: str
        default: root
      group:
        description: As O(quorum.etcd.etcd_files#module:files[].group).
        type: str
        default: root
      write_content:
        description: Whether the archive holds this file's content; without it only the attributes are set.
        type: bool
        default: false
  archive_path:
    description:
      - Path on the host of the tar archive holding the content of the entries with O(write[].write_content).
    type: path
  archive_data:
    description:
      - The same archive, base64-encoded, for small ones that travel with the arguments.
    type: str
notes:
  - Every owner and group is looked up before anything is written.
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Read two paths (what quorum.etcd.etcd_files does first)
  quorum.etcd.etcd_files_host:
    read: [/etc/etcd, /etc/etcd/config.yaml]
"""

RETURN = r"""
current:
  description: What the host has at each path of O(read), in the shape M(quorum.etcd.etcd_files) returns it.
  returned: with O(read)
  type: list
  elements: dict
  sample: [{path: /etc/etcd, state: directory, mode: "0755", owner: root, group: root}]
changed_paths:
  description: The paths written or corrected (or, in check mode, that would be).
  returned: with O(write)
  type: list
  elements: str
  sample: [/etc/etcd/config.yaml]
"""

import base64
import io
import tarfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.quorum.etcd.plugins.module_utils.member_files import ENTRY_SPEC, apply, read_path


def main():
    entry_spec = {key: ENTRY_SPEC[key] for key in ("path", "state", "mode", "owner", "group")}
    entry_spec["write_content"] = {"type": "bool", "default": False}
    module = AnsibleModule(
        argument_spec={
            "read": {"type": "list", "elements": "str"},
            "read_content": {"type": "list", "elements": "str", "default": []},
            "write": {"type": "list", "elements": "dict", "options": entry_spec},
            "archive_path": {"type": "path"},
            "archive_data": {"type": "str", "no_log": True},
        },
        mutually_exclusive=[("read", "write"), ("archive_path", "archive_data")],
        required_one_of=[("read", "write")],
        supports_check_mode=True,
    )
    if module.params["read"] is not None:
        with_content = set(module.params["read_content"])
        module.exit_json(changed=False, current=[read_path(path, path in with_content) for path in module.params["read"]])
    try:
        archive = module.params["archive_path"]
        if module.params["archive_data"] is not None:
            archive = io.BytesIO(base64.b64decode(module.params["archive_data"]))
        changed = apply(module, module.params["write"], archive)
    except (OSError, tarfile.TarError, KeyError) as error:
        module.fail_json(msg="writing the files failed: %s" % error)
    module.exit_json(changed=bool(changed), changed_paths=changed)


if __name__ == "__main__":
    main()
