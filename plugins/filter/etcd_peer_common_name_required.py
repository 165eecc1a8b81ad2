# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_peer_common_name_required
short_description: Whether the members may require their peers' certificates to carry the members' common name
version_added: 0.1.0
description:
  - The members' peer port can accept only certificates with the common name of the members' peer certificates
    (etcd's C(allowed-cn)), so that a client's certificate from the same CA cannot act as a peer. A member
    restarted with that requirement refuses peers whose running certificate lacks it, so it is set only once every
    member runs a peer certificate with that name (or is new, and starts with one), and kept from then on.
  - Reads each member's C(_etcd_host), as M(quorum.etcd.etcd_host_info) returned it with
    O(quorum.etcd.etcd_host_info#module:peer_certificate) and O(quorum.etcd.etcd_host_info#module:config_file).
    A member not read in the play (C(--limit)) counts as not ready.
options:
  common_name:
    description: The common name of the members' peer certificates.
    type: str
    required: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.hosts
"""

EXAMPLES = r"""
- name: Whether the peer port may require the members' common name
  ansible.builtin.debug:
    msg: "{{ groups['etcd'] | quorum.etcd.etcd_peer_common_name_required(hostvars, 'etcd-cluster-peer') }}"
"""

RETURN = r"""
_value:
  description: Whether the requirement may be set.
  type: bool
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import peer_common_name_required


def etcd_peer_common_name_required(hosts, hostvars, common_name):
    return peer_common_name_required(hosts, hostvars, common_name)


class FilterModule:
    def filters(self):
        return {"etcd_peer_common_name_required": etcd_peer_common_name_required}
