# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_file_current
short_description: Whether a host already has a file as wanted, from what ansible.builtin.find read
version_added: 0.1.0
description:
  - Looks for O(path) among the files that M(ansible.builtin.find) returned with C(get_checksum=true),
    and says whether it has the wanted SHA-1 checksum and, when given, mode, owner and group.
  - One C(find) of a directory then spares a module run per file whose content is already right.
options:
  _input:
    description: The C(files) that M(ansible.builtin.find) returned.
    type: list
    elements: dict
    required: true
  path:
    description: Path of the file on the host.
    type: str
    required: true
  checksum:
    description: Wanted SHA-1 checksum of its content.
    type: str
    required: true
  mode:
    description: Wanted mode, like C(0600).
    type: str
  owner:
    description: Wanted owner name.
    type: str
  group:
    description: Wanted group name.
    type: str
"""

EXAMPLES = r"""
- name: Write the file only when it differs
  ansible.builtin.copy:
    src: ca.pem
    dest: /etc/ssl/etcd/ca.pem
    mode: "0644"
  when: >-
    not (installed.files | quorum.etcd.etcd_file_current('/etc/ssl/etcd/ca.pem',
         lookup('ansible.builtin.file', 'ca.pem', rstrip=false) | hash('sha1'), mode='0644'))
"""

RETURN = r"""
_value:
  description: True when the file is there with the wanted checksum and attributes.
  type: bool
"""


def etcd_file_current(files, path, checksum, mode=None, owner=None, group=None):
    wanted = {"checksum": checksum, "mode": mode, "pw_name": owner, "gr_name": group}
    wanted = {key: value for key, value in wanted.items() if value is not None}
    return any(
        found.get("path") == path and all(found.get(key) == value for key, value in wanted.items())
        for found in files or []
    )


class FilterModule:
    def filters(self):
        return {"etcd_file_current": etcd_file_current}
