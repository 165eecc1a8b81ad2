# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_membership_problems
short_description: Differences between the running cluster's members and the inventory's
version_added: 0.1.0
description:
  - Names every inventory member the running cluster does not have, and every member of the cluster the
    inventory does not have, except the hosts that join in this run and the members removed in it. C(cluster.yml)
    refuses to go on with either.
options:
  _input:
    description: What M(quorum.etcd.etcd_info) returned; an empty dict when no member answered.
    type: dict
    required: true
  joining:
    description: Hosts that join the running cluster in this run (C(quorum.etcd.etcd_join_plan)), which are not problems.
    type: list
    elements: str
    default: []
  replace:
    description: The member C(etcd_replace_member) names; refused when the group has no such member or no cluster answered.
    type: str
    default: ""
  removing:
    description: Members (names) that C(remove_member.yml) removes, which are not problems when the group lacks them.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Refuse to change a cluster whose members are not the inventory's
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ cluster_info | quorum.etcd.etcd_membership_problems(groups['etcd'] | quorum.etcd.etcd_members(hostvars)) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The differences; empty when the cluster and the inventory agree.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import membership_problems


def etcd_membership_problems(cluster, members, joining=(), replace="", removing=()):
    try:
        return membership_problems(dict(cluster or {}), list(members), list(joining or ()), replace=str(replace or ""),
                                   removing=list(removing or ()))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_membership_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_membership_problems": etcd_membership_problems}
