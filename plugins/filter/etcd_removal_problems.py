# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_removal_problems
short_description: Why the named members must not be removed from the running cluster
version_added: 0.1.0
description:
  - Names what C(playbooks/remove_member.yml) refuses before any change - a name that neither the running
    cluster nor the inventory group has, a cluster that did not answer, no voting member left, or the voting
    members left without a healthy quorum (unless O(force)).
options:
  _input:
    description: What M(quorum.etcd.etcd_info) returned; an empty dict when no member answered.
    type: dict
    required: true
  removing:
    description: The names of the members to remove.
    type: list
    elements: str
    required: true
  force:
    description: Remove although the members left would lack a healthy quorum.
    type: bool
    default: false
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Refuse a removal that would cost the quorum
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ cluster_info | quorum.etcd.etcd_removal_problems(groups['etcd'] | quorum.etcd.etcd_members(hostvars), ['etcd-4']) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, one line each; empty when the removal may go on.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import as_boolean, removal_problems


def etcd_removal_problems(cluster, members, removing, force=False):
    try:
        return removal_problems(dict(cluster or {}), list(members), list(removing or ()), force=as_boolean(force))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_removal_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_removal_problems": etcd_removal_problems}
