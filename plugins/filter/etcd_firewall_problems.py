# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_firewall_problems
short_description: Why the firewall rules for etcd's ports cannot be written
version_added: 0.1.0
description:
  - A declared network that is neither an IP address nor a network in CIDR notation, naming its variable, and a
    member whose address is a name, as nftables matches addresses.
options:
  _input:
    description: The members, each with its C(name) and C(address).
    type: list
    elements: dict
    required: true
  client_networks:
    description: The value of C(etcd_firewall_client_networks).
    type: list
    elements: str
    default: []
  metrics_networks:
    description: The value of C(etcd_firewall_metrics_networks).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Refuse a network given by name
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ [{'name': 'etcd-1', 'address': '10.0.0.11'}] | quorum.etcd.etcd_firewall_problems(client_networks=['office']) }}"
"""

RETURN = r"""
_value:
  description: One line per problem; empty when there is none.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.firewall import firewall_problems


def etcd_firewall_problems(members, client_networks=(), metrics_networks=()):
    return firewall_problems(members, client_networks, metrics_networks)


class FilterModule:
    def filters(self):
        return {"etcd_firewall_problems": etcd_firewall_problems}
