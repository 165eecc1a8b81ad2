# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_initial_cluster
short_description: etcd's initial cluster string from a list of members
version_added: 0.1.0
description:
  - Joins members, as returned by the C(quorum.etcd.etcd_members) filter, into etcd's
    C(initial-cluster) value C(name=peer_url,...).
options:
  _input:
    description: Members, each with C(name) and C(peer_url).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: The initial cluster of the etcd group
  ansible.builtin.debug:
    msg: "{{ groups['etcd'] | quorum.etcd.etcd_members(hostvars) | quorum.etcd.etcd_initial_cluster }}"
"""

RETURN = r"""
_value:
  description: The initial cluster.
  type: str
  sample: etcd-1=https://10.0.1.10:2380,etcd-2=https://10.0.1.11:2380
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.topology import TopologyError, initial_cluster


def etcd_initial_cluster(members):
    try:
        return initial_cluster(list(members or []))
    except (TopologyError, KeyError, TypeError) as error:
        raise AnsibleFilterError("etcd_initial_cluster needs members with name and peer_url: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_initial_cluster": etcd_initial_cluster}
