# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_recovery_plan
short_description: Which member a cluster that lost its quorum is rebuilt from, or why it must not be
version_added: 0.1.0
description:
  - For C(playbooks/recover.yml). The cluster is rebuilt from the member named (O(source)) or else, of the members
    whose host has their data and that answer, from the one that applied the most of the raft log (the first of
    the group on a tie).
  - Refused while the cluster has its quorum (it answered with its member list), while a member still follows a
    leader, while a member whose etcd runs does not answer (a wrong certificate or port fails M(quorum.etcd.etcd_info)
    as a lost quorum does), when the member named is not in the group or its host has no data, and when no member
    with its data answers and none is named.
options:
  _input:
    description: The members of the group (C(quorum.etcd.etcd_members)), each with C(host), C(name) and C(client_url).
    type: list
    elements: dict
    required: true
  hostvars:
    description: C(hostvars), whose C(_etcd_host) (M(quorum.etcd.etcd_host_info)) tells whether each host has its data and runs etcd.
    type: dict
    required: true
  cluster:
    description:
      - What M(quorum.etcd.etcd_info) returned, failed or not; without a quorum its C(statuses) say what each
        member applied.
    type: dict
    required: true
  source:
    description: The name of the member to rebuild from (C(etcd_recover_from)); empty to choose.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Choose the member to rebuild the cluster from
  ansible.builtin.set_fact:
    recovery: "{{ groups['etcd'] | quorum.etcd.etcd_members(hostvars) | quorum.etcd.etcd_recovery_plan(hostvars, cluster_info) }}"
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    source:
      description: The host of the member the cluster is rebuilt from; empty when refused.
      type: str
    name:
      description: That member's name.
      type: str
    applied_index:
      description: The raft index it applied, when it answered.
      type: int
    problems:
      description: Why the recovery must not begin, one line each; empty when it may.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import recovery_plan


def etcd_recovery_plan(members, hostvars, cluster, source=""):
    try:
        return recovery_plan(list(members), hostvars, dict(cluster or {}), source=source or "")
    except (KeyError, TypeError, AttributeError) as error:
        raise AnsibleFilterError("etcd_recovery_plan: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_recovery_plan": etcd_recovery_plan}
