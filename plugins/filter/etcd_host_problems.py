# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_host_problems
short_description: What a member's host or the running cluster would refuse
version_added: 0.1.0
description:
  - Checks a member's settings against its host, as M(quorum.etcd.etcd_host_info) read it (the addresses etcd
    listens on are the host's, its ports are free or etcd's, no downgrade of the installed version), and
    against the running cluster, as M(quorum.etcd.etcd_info) read it (a member whose data dir was lost).
options:
  _input:
    description: The member's settings, by variable name.
    type: dict
    required: true
  host:
    description: What M(quorum.etcd.etcd_host_info) returned for the member's host.
    type: dict
    required: true
  peer_url:
    description: The member's peer URL, as the cluster knows it.
    type: str
    required: true
  cluster:
    description: What M(quorum.etcd.etcd_info) returned, or nothing when no member answered.
    type: dict
  replacing:
    description: The run replaces this member (C(quorum.etcd.etcd_join_plan)), so an empty data dir is expected.
    type: bool
    default: false
  upgrading:
    description: The run is C(playbooks/upgrade.yml)'s, which may change the etcd version of a bootstrapped member.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Refuse what the host would not take
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ settings | quorum.etcd.etcd_host_problems(host_info, 'https://10.0.1.10:2380', cluster_info) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems; empty when there are none.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import host_problems


def etcd_host_problems(settings, host, peer_url, cluster=None, replacing=False, upgrading=False):
    try:
        return host_problems(dict(settings), dict(host), peer_url, dict(cluster or {}), replacing=bool(replacing),
                             upgrading=bool(upgrading))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_host_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_host_problems": etcd_host_problems}
