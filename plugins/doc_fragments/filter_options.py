# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # Options shared by the collection's filters, each used as quorum.etcd.filter_options.<name>.
    DOCUMENTATION = r"""
options: {}
"""

    # The members, for the filters that compare the cluster with the inventory.
    MEMBERS = r"""
options:
  members:
    description: The inventory's members, from C(quorum.etcd.etcd_members).
    type: list
    elements: dict
    required: true
"""

    # The hosts, for the filters over hostvars.
    HOSTS = r"""
options:
  _input:
    description: Inventory names, such as C(ansible_play_hosts).
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
"""

    # The fact read of each host, for the filters over hostvars (with HOSTS).
    HOST_FACTS = r"""
options:
  fact:
    description: Dotted path of the fact, a registered result's field for one, such as C(_etcd_host.unit.active_state).
    type: str
    required: true
"""

    # The access control declared, for the filters of the etcd_access role.
    ACCESS = r"""
options:
  _input:
    description: C(etcd_roles).
    type: list
    elements: dict
    required: true
  users:
    description: C(etcd_users).
    type: list
    elements: dict
    required: true
  clients:
    description: C(etcd_clients).
    type: list
    elements: dict
    required: true
"""
