# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_cluster_problems
short_description: Why an etcd cluster is not whole, or not safe to restart a member of
version_added: 0.1.0
description:
  - Compares the cluster, as M(quorum.etcd.etcd_info) read it, with the members of the inventory. Each must be a
    started, healthy, voting member of one cluster, and the cluster may have no member the inventory does not.
  - With O(restarting), only whether every other member is healthy, so that the cluster keeps its quorum while
    that member restarts.
  - With O(units), also the state of each member's systemd unit, as M(ansible.builtin.systemd_service) read it.
options:
  _input:
    description: What M(quorum.etcd.etcd_info) returned (a failed result says why the cluster did not answer).
    type: dict
    required: true
  restarting:
    description: Inventory name of a member about to restart.
    type: str
    default: ""
  units:
    description:
      - Inventory name to what M(ansible.builtin.systemd_service) returned for its etcd unit, or to the C(status)
        it returned. A member whose read was skipped is left out.
    type: dict
    default: {}
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Fail unless the cluster is whole
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ cluster_info | quorum.etcd.etcd_cluster_problems(groups['etcd'] | quorum.etcd.etcd_members(hostvars)) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems; empty when the cluster is whole.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import cluster_problems


def etcd_cluster_problems(cluster, members, restarting="", units=None):
    try:
        units = {host: unit.get("status", unit) for host, unit in dict(units or {}).items() if not unit.get("skipped")}
        return cluster_problems(dict(cluster), list(members), restarting, units)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_cluster_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_cluster_problems": etcd_cluster_problems}
