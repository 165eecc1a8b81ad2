# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_join_plan
short_description: Which members join the running cluster, one at a time, and the initial settings of each member
version_added: 0.1.0
description:
  - A member joins when the running cluster answered and the member has no data, does not run, and the cluster
    does not list it, or lists it as added but never started, or lists it as started and it is to be replaced
    (O(replace), O(replace_lost)). Those already added join first, then those replaced, then the others in the
    group's order.
  - A member replaced is removed by its ID just before its host joins, and added again; a member whose data was
    lost is never bootstrapped anew.
  - Each joining member starts with C(initial-cluster-state) C(existing) and the cluster as it will be then, the
    members listed now and those that joined before it, which etcd checks against its own list.
  - A bootstrapped member keeps the C(initial-*) settings its configuration file has, as etcd reads them only at
    bootstrap; any other member bootstraps a new cluster of the whole group.
options:
  _input:
    description: The members of the group (C(quorum.etcd.etcd_members)), each with C(host), C(name) and C(peer_url).
    type: list
    elements: dict
    required: true
  hostvars:
    description: C(hostvars), whose C(_etcd_host) (M(quorum.etcd.etcd_host_info)) tells each member's data, unit and configuration.
    type: dict
    required: true
  cluster:
    description: What M(quorum.etcd.etcd_info) read of the running cluster; empty when no member answered.
    type: dict
    default: {}
  replace:
    description: Names of members to replace when their data is lost (C(etcd_replace_member)).
    type: list
    elements: str
    default: []
  replace_lost:
    description: Replace every member whose data is lost (C(etcd_replace_lost_members)).
    type: bool
    default: false
  discovery:
    description:
      - C(etcd_discovery). With V(srv), a member that bootstraps a new cluster has an empty initial cluster - it
        bootstraps from the DNS SRV records.
    type: str
    default: static
    choices: [static, srv]
"""

EXAMPLES = r"""
- name: Show which hosts join the cluster
  ansible.builtin.debug:
    msg: "{{ (members | quorum.etcd.etcd_join_plan(hostvars, cluster_info)).joining }}"
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    joining:
      description: The hosts that join, in the order they join.
      type: list
      elements: str
    replacing:
      description: Each host that replaces a member, to the ID (hex) of the member it replaces.
      type: dict
    initial_cluster:
      description: Each host's C(initial-cluster).
      type: dict
    initial_cluster_state:
      description: Each host's C(initial-cluster-state), C(new) or C(existing).
      type: dict
"""

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import as_boolean
from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan


def etcd_join_plan(members, hostvars, cluster=None, replace=(), replace_lost=False, discovery="static"):
    return join_plan(list(members), hostvars, cluster or {}, replace=[name for name in replace or () if name],
                     replace_lost=as_boolean(replace_lost), discovery=discovery)


class FilterModule:
    def filters(self):
        return {"etcd_join_plan": etcd_join_plan}
