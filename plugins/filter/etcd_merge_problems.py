# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_merge_problems
short_description: One line per problem, naming every host that has it
version_added: 0.1.0
description:
  - Joins the problems found on each host into one list, each problem once, after the hosts that have it,
    so that a setting shared by every member is refused once.
options:
  _input:
    description: Inventory name to that host's problems.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse the problems of every host at once
  ansible.builtin.fail:
    msg: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'problems'))) | quorum.etcd.etcd_merge_problems }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The problems, each prefixed with the hosts that have it.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import merge_problems


def etcd_merge_problems(problems_by_host):
    try:
        return merge_problems(dict(problems_by_host))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_merge_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_merge_problems": etcd_merge_problems}
