# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_path_found
short_description: Whether a host has a path, of a kind and owner, in what was read of it
version_added: 0.1.0
description:
  - Looks a path up in what M(quorum.etcd.etcd_host_info) (RV(quorum.etcd.etcd_host_info#module:managed_paths)) or
    M(quorum.etcd.etcd_files) (RV(quorum.etcd.etcd_files#module:current)) read of a host.
options:
  _input:
    description: What was read, one entry per path.
    type: list
    elements: dict
    required: true
  path:
    description: The path looked for.
    type: str
    required: true
  state:
    description: What it must be.
    type: str
    choices: [file, directory]
    default: file
  owner:
    description: The owner it must have; any when not given.
    type: str
  group:
    description: The group it must have; any when not given.
    type: str
"""

EXAMPLES = r"""
- name: Tell whether the member trusts a CA already
  ansible.builtin.debug:
    msg: "{{ host.managed_paths | quorum.etcd.etcd_path_found('/etc/ssl/etcd/ca.pem') }}"
"""

RETURN = r"""
_value:
  description: Whether the path was read as asked; false for a path not read at all.
  type: bool
"""

from ansible_collections.quorum.etcd.plugins.module_utils.member_files import path_found


def etcd_path_found(current, path, state="file", owner=None, group=None):
    return path_found(current, path, state, owner, group)


class FilterModule:
    def filters(self):
        return {"etcd_path_found": etcd_path_found}
