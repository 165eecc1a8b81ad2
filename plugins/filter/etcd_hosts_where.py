# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_hosts_where
short_description: The hosts whose fact has a value
version_added: 0.1.0
description:
  - Keeps, in their order, the hosts whose fact at a dotted path (a registered result's field, for one) equals a
    value. A host without the fact is left out.
options:
  value:
    description: The value it must have.
    type: raw
    required: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.hosts
  - quorum.etcd.filter_options.host_facts
"""

EXAMPLES = r"""
- name: The members whose etcd ran when the run began
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts | quorum.etcd.etcd_hosts_where(hostvars, 'host.unit.active_state', 'active') }}"
"""

RETURN = r"""
_value:
  description: The hosts whose fact has the value.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import hosts_where


def etcd_hosts_where(hosts, hostvars, fact, value):
    return hosts_where(hosts, hostvars, fact, value)


class FilterModule:
    def filters(self):
        return {"etcd_hosts_where": etcd_hosts_where}
