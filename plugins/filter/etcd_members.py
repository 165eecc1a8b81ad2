# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_members
short_description: The members of an etcd cluster, computed from an inventory group
version_added: 0.1.0
description:
  - Turns the hosts of an inventory group into a list of members with their name, address,
    client URL and peer URL.
  - Each host may set C(etcd_name), C(etcd_address), C(etcd_client_port), C(etcd_peer_port) and
    C(etcd_metrics_port).
    The address falls back to C(ansible_host), then to the inventory name.
    IPv6 addresses are put in brackets in the URLs.
  - Fails when two members share a name, a client URL, a peer URL or a metrics URL, naming them.
options:
  _input:
    description: The inventory host names of the members, in order.
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) magic variable.
    type: dict
    required: true
  client_port:
    description: Client port of hosts that do not set C(etcd_client_port).
    type: int
    default: 2379
  peer_port:
    description: Peer port of hosts that do not set C(etcd_peer_port).
    type: int
    default: 2380
  metrics_port:
    description: Metrics port of hosts that do not set C(etcd_metrics_port).
    type: int
    default: 2381
  metrics_scheme:
    description: URL scheme of the metrics URLs (C(etcd_metrics_scheme)).
    type: str
    default: http
    choices: [http, https]
  protocol:
    description: URL scheme of client and peer URLs.
    type: str
    default: https
    choices: [https, http]
  discovery:
    description:
      - How a new cluster's members find each other (C(etcd_discovery)). With V(srv), each member's peer URL names
        its SRV target, which etcd puts in the member list when it bootstraps from the records.
    type: str
    default: static
    choices: [static, srv]
  domain:
    description: The domain of hosts that do not set C(etcd_domain_name), for their SRV target.
    type: str
    default: ""
  srv_records:
    description:
      - C(etcd_discovery_srv_records), the explicit records; a member's target is that of the record named after it.
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: Client endpoints of the cluster, comma separated
  ansible.builtin.debug:
    msg: "{{ groups['etcd'] | quorum.etcd.etcd_members(hostvars) | map(attribute='client_url') | join(',') }}"
"""

RETURN = r"""
_value:
  description: One entry per member, in inventory order.
  type: list
  elements: dict
  contains:
    host:
      description: Inventory host name.
      type: str
      sample: etcd-1
    name:
      description: etcd member name.
      type: str
      sample: etcd-prod-1
    address:
      description: Address the member listens and advertises on, without brackets.
      type: str
      sample: 10.0.1.10
    client_url:
      description: Client URL.
      type: str
      sample: https://10.0.1.10:2379
    peer_url:
      description: Peer URL, as the member advertises it and the cluster lists it.
      type: str
      sample: https://10.0.1.10:2380
    peer_listen_url:
      description: Peer URL the member binds to (its address); the peer URL unless discovery is V(srv).
      type: str
      sample: https://10.0.1.10:2380
    srv_target:
      description: With discovery V(srv), the target of the member's SRV records; else empty.
      type: str
      sample: etcd-prod-1.company.com
    metrics_url:
      description: Metrics URL (plain HTTP, C(/metrics) and C(/health) only).
      type: str
      sample: http://10.0.1.10:2381
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.topology import TopologyError, cluster_members


def etcd_members(hosts, hostvars, client_port=2379, peer_port=2380, protocol="https", metrics_port=2381,
                 metrics_scheme="http", discovery="static", domain="", srv_records=()):
    try:
        return cluster_members(list(hosts or []), hostvars, client_port, peer_port, protocol, metrics_port,
                               metrics_scheme, discovery, domain, srv_records)
    except TopologyError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"etcd_members": etcd_members}
