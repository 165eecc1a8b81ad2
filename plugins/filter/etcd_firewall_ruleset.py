# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_firewall_ruleset
short_description: The firewall rules that keep etcd's ports to the members and the declared networks
version_added: 0.1.0
description:
  - With O(firewall=nftables), an nftables file that replaces the table C(inet quorum_etcd) in one transaction
    (C(nft -f)). The peer ports are open to the members, the client ports to the members and O(client_networks),
    the metrics ports to the members and O(metrics_networks), all of them to the host itself (C(lo)); any other
    host gets a TCP reset on those ports. Other ports are left alone, and so are the host's own rules, which a
    packet must pass too.
  - With O(firewall=firewalld), the firewalld policy C(quorum-etcd) (firewalld 0.9 and later, in
    C(/etc/firewalld/policies)) that accepts the same hosts on the same ports before any zone's rules, for a host
    whose zones would turn them away. It only opens.
options:
  _input:
    description: The members, each with its C(address) (an IP address).
    type: list
    elements: dict
    required: true
  client_networks:
    description: Addresses or networks (CIDR) allowed to the client ports.
    type: list
    elements: str
    default: []
  metrics_networks:
    description: Addresses or networks (CIDR) allowed to the metrics ports.
    type: list
    elements: str
    default: []
  client_urls:
    description: etcd's C(listen-client-urls), whose ports are the client ports.
    type: list
    elements: str
    required: true
  peer_urls:
    description: etcd's C(listen-peer-urls), whose ports are the peer ports.
    type: list
    elements: str
    required: true
  metrics_urls:
    description: etcd's C(listen-metrics-urls), whose ports are the metrics ports.
    type: list
    elements: str
    default: []
  firewall:
    description: The firewall the rules are for.
    type: str
    choices: [nftables, firewalld]
    default: nftables
"""

EXAMPLES = r"""
- name: Write the rules
  ansible.builtin.copy:
    content: >-
      {{ [{'name': 'etcd-1', 'address': '10.0.0.11'}] | quorum.etcd.etcd_firewall_ruleset(
           client_networks=['10.1.0.0/16'], client_urls=['https://10.0.0.11:2379'], peer_urls=['https://10.0.0.11:2380']) }}
    dest: /etc/etcd/firewall.nft
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The nftables file, or the firewalld policy (XML).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.plugin_utils.firewall import firewalld_policy, ruleset

WRITERS = {"nftables": ruleset, "firewalld": firewalld_policy}


def etcd_firewall_ruleset(members, client_urls, peer_urls, client_networks=(), metrics_networks=(), metrics_urls=(),
                          firewall="nftables"):
    if firewall not in WRITERS:
        raise AnsibleFilterError("etcd_firewall_ruleset: firewall must be one of %s, not %r" % (", ".join(WRITERS), firewall))
    return WRITERS[firewall](members, client_networks, metrics_networks, client_urls, peer_urls, metrics_urls)


class FilterModule:
    def filters(self):
        return {"etcd_firewall_ruleset": etcd_firewall_ruleset}
