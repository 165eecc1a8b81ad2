# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_srv_records
short_description: The DNS records of a cluster whose members find each other by SRV records
version_added: 0.1.0
description:
  - The SRV records etcd bootstraps from (C(_etcd-server-ssl._tcp.<domain>), each member's target and peer port)
    and those clients find the cluster by (C(_etcd-client-ssl._tcp.<domain>), each target and client port), and the
    address record of each target. A member's target, priority and weight are those of its entry in O(explicit),
    else its C(srv_target) (M(quorum.etcd.etcd_members) with discovery V(srv)), 0 and 10.
options:
  _input:
    description: The members (C(quorum.etcd.etcd_members) with discovery V(srv)).
    type: list
    elements: dict
    required: true
  domain:
    description: C(etcd_domain_name), the records' domain.
    type: str
    required: true
  srv_name:
    description: C(etcd_discovery_srv_name), etcd's C(discovery-srv-name); the services end in C(-<srv_name>).
    type: str
    default: ""
  explicit:
    description: C(etcd_discovery_srv_records).
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: Show the server records
  ansible.builtin.debug:
    msg: "{{ (_etcd_members | quorum.etcd.etcd_srv_records('example.com')).srv }}"
"""

RETURN = r"""
_value:
  description: The records.
  type: dict
  contains:
    srv:
      description: The SRV records, the servers' first, each with C(owner), C(member), C(target), C(port),
        C(priority) and C(weight).
      type: list
      elements: dict
    addresses:
      description: Each target's address record, C(name), C(member), C(address) and C(type) (A or AAAA), of members
        whose address is an IP address.
      type: list
      elements: dict
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.discovery import srv_records


def etcd_srv_records(members, domain, srv_name="", explicit=()):
    return srv_records(list(members), str(domain), str(srv_name or ""), explicit or ())


class FilterModule:
    def filters(self):
        return {"etcd_srv_records": etcd_srv_records}
