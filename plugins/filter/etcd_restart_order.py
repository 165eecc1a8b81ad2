# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_restart_order
short_description: The order in which members restart, one at a time
version_added: 0.1.0
description:
  - Members that do not run come first (they serve nothing now), then the running followers, and the leader
    last, so that a rolling restart causes one election rather than one per member.
options:
  _input:
    description: Inventory names of the members to order, such as C(ansible_play_hosts).
    type: list
    elements: str
    required: true
  cluster:
    description: The cluster as M(quorum.etcd.etcd_info) read it; empty when it did not answer.
    type: dict
    required: true
  running:
    description: Inventory names of the members whose etcd runs.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Show the order of a rolling restart
  ansible.builtin.debug:
    msg: "{{ ansible_play_hosts | quorum.etcd.etcd_restart_order(members, cluster_info, running=running_hosts) }}"
"""

RETURN = r"""
_value:
  description: The members, in the order they restart.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.rollout import restart_order


def etcd_restart_order(hosts, members, cluster, running):
    try:
        return restart_order(hosts, members, dict(cluster or {}), running)
    except (KeyError, TypeError) as error:
        raise AnsibleFilterError("etcd_restart_order: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_restart_order": etcd_restart_order}
