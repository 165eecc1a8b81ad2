# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_host_facts
short_description: One fact of each host, by host
version_added: 0.1.0
description:
  - Each host to its fact at a dotted path (a registered result's field, for one); null for a host without it.
extends_documentation_fragment:
  - quorum.etcd.filter_options.hosts
  - quorum.etcd.filter_options.host_facts
"""

EXAMPLES = r"""
- name: Show each member's architecture
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts | quorum.etcd.etcd_host_facts(hostvars, 'host.architecture') }}"
"""

RETURN = r"""
_value:
  description: Host to fact, in the order of the hosts.
  type: dict
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import host_facts


def etcd_host_facts(hosts, hostvars, fact):
    return host_facts(hosts, hostvars, fact)


class FilterModule:
    def filters(self):
        return {"etcd_host_facts": etcd_host_facts}
