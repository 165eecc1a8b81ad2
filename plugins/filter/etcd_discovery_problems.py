# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_discovery_problems
short_description: What keeps a cluster from finding its members by DNS SRV records, before a look at the DNS
version_added: 0.1.0
description:
  - The explicit records (C(etcd_discovery_srv_records)) - one per member, named after it, with a host name target,
    its peer port, and priority and weight from 0 to 65535 - a controller directory that is not absolute, name
    servers that are not IP addresses, and a member whose SRV target is no fully qualified host name. One sentence
    each, naming the variable and the fix.
options:
  _input:
    description: The members (C(quorum.etcd.etcd_members) with discovery V(srv)).
    type: list
    elements: dict
    required: true
  explicit:
    description: C(etcd_discovery_srv_records).
    type: raw
    required: true
  directory:
    description: C(etcd_discovery_dir).
    type: raw
    required: true
  nameservers:
    description: C(etcd_discovery_nameservers).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Refuse an SRV layout that cannot work
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    problems: >-
      {{ _etcd_members | quorum.etcd.etcd_discovery_problems(etcd_discovery_srv_records, etcd_discovery_dir,
                                                             etcd_discovery_nameservers) }}
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, none when the layout can work.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.discovery import discovery_problems


def etcd_discovery_problems(members, explicit, directory, nameservers):
    return discovery_problems(list(members), explicit, directory, nameservers)


class FilterModule:
    def filters(self):
        return {"etcd_discovery_problems": etcd_discovery_problems}
