#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_files
short_description: Put several files and directories on a host in one transfer, writing only what differs
version_added: 0.1.0
description:
  - Compares the wanted files and directories (content, mode, owner, group) with what the host has, sends the
    content of the files that differ to the host in one archive and writes them there atomically, each
    created with its owner and mode before it takes its place. Directories are created or corrected.
  - M(ansible.builtin.copy) and M(ansible.builtin.template) cost a stat, a transfer and a module run per file;
    this costs one module run to read and, when something differs, one transfer and one module run in all.
  - With O(paths) instead of O(files), it only reads those paths; give what it returns as O(current) to later
    calls, and they need no read of their own.
  - The quorum.etcd roles install the binaries, certificates, configuration and unit with it.
attributes:
  check_mode:
    support: full
    description: Reports the paths that would be written, without sending anything.
  diff_mode:
    support: partial
    description: Shows the old and new text of entries given by O(files[].content); files from O(files[].src),
      such as keys, show only their path.
options:
  files:
    description:
      - The files and directories to put on the host. Parent directories that are missing are created with mode
        C(0755), owned by root; list them first to give them other attributes.
    type: list
    elements: dict
    suboptions:
      path:
        description: Absolute path on the host.
        type: str
        required: true
      state:
        description: A regular file or a directory.
        type: str
        choices: [file, directory]
        default: file
      src:
        description: Path on the controller of the file's content. One of O(files[].src) or O(files[].content).
        type: str
      content:
        description: The file's content. One of O(files[].src) or O(files[].content).
        type: str
      mode:
        description: Mode, as an octal string like C('0640').
        type: str
        required: true
      owner:
        description: Owner name; the user must exist on the host.
        type: str
        default: root
      group:
        description: Group name; the group must exist on the host.
        type: str
        default: root
  current:
    description:
      - What the host has, as returned in RV(current) by an earlier call with O(paths). Saves the read when
        nothing since has written those paths.
      - Paths of O(files) that it does not cover are read first, all of them when it is not given.
    type: list
    elements: dict
  paths:
    description:
      - Only read these paths, changing nothing, and return them in RV(current). Missing paths are reported as
        C(absent).
    type: list
    elements: str
notes:
  - Symbolic links at a wanted path are replaced, not followed.
author:
  - quorum.etcd contributors
"""

EXAMPLES = r"""
- name: Install a certificate and its key, readable by etcd only
  quorum.etcd.etcd_files:
    files:
      - {path: /etc/ssl/etcd, state: directory, mode: "0750", group: etcd}
      - {path: /etc/ssl/etcd/etcd.pem, src: /srv/pki/etcd.pem, mode: "0644", group: etcd}
      - {path: /etc/ssl/etcd/etcd-key.pem, src: /srv/pki/etcd-key.pem, mode: "0600", owner: etcd, group: etcd}
  notify: restart etcd

- name: Read the paths once
  quorum.etcd.etcd_files:
    paths: [/etc/etcd, /etc/etcd/config.yaml]
  register: installed

- name: Write the configuration, deciding from that read
  quorum.etcd.etcd_files:
    files:
      - {path: /etc/etcd, state: directory, mode: "0755"}
      - {path: /etc/etcd/config.yaml, content: "{{ lookup('template', 'config.yaml.j2') }}", mode: "0640"}
    current: "{{ installed.current }}"
"""

RETURN = r"""
changed_paths:
  description: The paths written or corrected (or, in check mode, that would be).
  returned: with O(files)
  type: list
  elements: str
  sample: [/etc/ssl/etcd/etcd.pem]
current:
  description: What the host has at each of O(paths).
  returned: with O(paths)
  type: list
  elements: dict
  contains:
    path:
      description: The path.
      type: str
      sample: /etc/etcd/config.yaml
    state:
      description: C(file), C(directory), C(other) (a link or a device) or C(absent).
      type: str
      sample: file
    mode:
      description: Mode, as an octal string.
      type: str
      sample: "0640"
    owner:
      description: Owner name (the number when it has no name).
      type: str
      sample: root
    group:
      description: Group name (the number when it has no name).
      type: str
      sample: etcd
    checksum:
      description: SHA-1 of a regular file's content.
      type: str
      sample: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed
"""

import base64
import grp
import io
import os
import pwd
import tarfile
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.quorum.etcd.plugins.module_utils.member_files import (
    ENTRY_SPEC,
    attributes_differ,
    normalized_mode,
    read_path,
)


def _ids(module, entry):
    try:
        uid = pwd.getpwnam(entry["owner"]).pw_uid
    except KeyError:
        module.fail_json(msg="%s: owner %s does not exist on the host; create the user first" % (entry["path"], entry["owner"]))
    try:
        gid = grp.getgrnam(entry["group"]).gr_gid
    except KeyError:
        module.fail_json(msg="%s: group %s does not exist on the host; create the group first" % (entry["path"], entry["group"]))
    return uid, gid


def _make_parents(path):
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        os.makedirs(parent, 0o755)


def _write(module, entry, bundle, uid, gid, mode):
    """Write the file's content from the bundle beside it, with its attributes, then move it into place."""
    _make_parents(entry["path"])
    source = bundle.extractfile(entry["path"].lstrip("/"))
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(entry["path"]), prefix=".etcd_files.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            while True:
                chunk = source.read(1024 * 1024)
                if not chunk:
                    break
                handle.write(chunk)
        os.chown(temporary, uid, gid)
        os.chmod(temporary, mode)
        os.replace(temporary, entry["path"])
    except Exception:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def apply(module, entries, archive):
    """Write the entries, taking content from archive: its path on the host, or the archive itself."""
    changed = []
    if archive is None:
        bundle = None
    elif isinstance(archive, str):
        bundle = tarfile.open(archive)
    else:
        bundle = tarfile.open(fileobj=archive)
    # Every owner and group is looked up before anything is written.
    ids = [_ids(module, entry) for entry in entries]
    try:
        for entry, (uid, gid) in zip(entries, ids):
            mode = int(normalized_mode(entry["mode"]), 8)
            found = read_path(entry["path"])
            if found["state"] not in ("absent", entry["state"]):
                if entry["state"] == "directory" or found["state"] == "directory":
                    module.fail_json(msg="%s is a %s on the host, not a %s; move it away first"
                                     % (entry["path"], found["state"], entry["state"]))
            write_content = entry["state"] == "file" and bundle is not None and entry["write_content"]
            if found["state"] == "absent" and entry["state"] == "file" and not write_content:
                module.fail_json(msg="%s is missing and its content was not sent" % entry["path"])
            if not (write_content or attributes_differ(entry, found)):
                continue
            changed.append(entry["path"])
            if module.check_mode:
                continue
            if write_content:
                _write(module, entry, bundle, uid, gid, mode)
            else:
                if entry["state"] == "directory" and found["state"] == "absent":
                    _make_parents(entry["path"])
                    os.mkdir(entry["path"], 0o700)
                os.chown(entry["path"], uid, gid, follow_symlinks=False)
                os.chmod(entry["path"], mode)
    finally:
        if bundle is not None:
            bundle.close()
    return changed


def main():
    entry_spec = dict(ENTRY_SPEC, write_content={"type": "bool", "default": True})
    module = AnsibleModule(
        argument_spec={
            "files": {"type": "list", "elements": "dict", "options": entry_spec},
            "paths": {"type": "list", "elements": "str"},
            "_with_content": {"type": "list", "elements": "str", "default": []},
            "current": {"type": "list", "elements": "dict"},
            "_bundle": {"type": "str"},
            "_bundle_data": {"type": "str", "no_log": True},
        },
        mutually_exclusive=[("files", "paths")],
        required_one_of=[("files", "paths")],
        supports_check_mode=True,
    )
    if module.params["paths"] is not None:
        with_content = set(module.params["_with_content"])
        module.exit_json(changed=False, current=[read_path(path, path in with_content) for path in module.params["paths"]])
    try:
        bundle = module.params["_bundle"]
        if module.params["_bundle_data"] is not None:
            bundle = io.BytesIO(base64.b64decode(module.params["_bundle_data"]))
        changed = apply(module, module.params["files"], bundle)
    except (OSError, tarfile.TarError, KeyError) as error:
        module.fail_json(msg="writing the files failed: %s" % error)
    module.exit_json(changed=bool(changed), changed_paths=changed)


if __name__ == "__main__":
    main()
