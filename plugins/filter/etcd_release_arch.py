# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_release_arch
short_description: The architecture of etcd's release archive for a machine
version_added: 0.1.0
description:
  - Maps a machine name as Ansible reports it (C(ansible_architecture)) to the architecture in the names of etcd's
    release archives - C(x86_64) to C(amd64), C(aarch64) to C(arm64).
options:
  _input:
    description: The machine name.
    type: str
    required: true
  strict:
    description: Fail for a machine etcd publishes no release for; otherwise return an empty string.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: The archive of this member's release
  ansible.builtin.debug:
    msg: "etcd-v3.5.16-linux-{{ ansible_architecture | quorum.etcd.etcd_release_arch }}.tar.gz"
"""

RETURN = r"""
_value:
  description: C(amd64) or C(arm64); empty for other machines when O(strict=false).
  type: str
  sample: arm64
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.release import release_architecture


def etcd_release_arch(machine, strict=True):
    try:
        return release_architecture(machine, strict) or ""
    except ValueError as error:
        raise AnsibleFilterError("etcd_release_arch: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_release_arch": etcd_release_arch}
