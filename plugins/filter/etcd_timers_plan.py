# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_timers_plan
short_description: What the maintenance role does with its timers on a member
version_added: 0.1.0
description:
  - Internal to this collection (C(quorum.etcd.etcd_maintenance)). From the paths of each timer's work and what the
    member has of them, which timers are installed, which are turned off and what of theirs to remove, and which
    to start.
  - A timer's work counts as installed while any of its paths is on the member, and all of it goes when it is
    turned off. A timer starts when it is not running and enabled already, and every wanted timer starts again
    when a unit changed.
options:
  _input:
    description: The paths of each timer's work (its units, scripts and settings), by the timer's name.
    type: dict
    required: true
  wanted:
    description: The timers turned on.
    type: list
    elements: str
    required: true
  managed_paths:
    description: What the member has of the paths, as M(quorum.etcd.etcd_host_info) returns them.
    type: list
    elements: dict
    required: true
  timers:
    description: The state of the member's timers, as M(quorum.etcd.etcd_host_info) returns them.
    type: dict
    default: {}
  units_written:
    description: Whether this run changed a unit.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Show the timers to start
  ansible.builtin.debug:
    msg: >-
      {{ (_etcd_maintenance_timer_paths
          | quorum.etcd.etcd_timers_plan(['etcd-backup'], _etcd_host.managed_paths, _etcd_host.timers)).to_start }}
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    absent_paths:
      description: The paths of the timers' work that the member does not have.
      type: list
      elements: str
    installed:
      description: The timers whose work is on the member, in whole or in part.
      type: list
      elements: str
    unwanted:
      description: The installed timers that are turned off.
      type: list
      elements: str
    unwanted_paths:
      description: What the member has of the work of the timers turned off.
      type: list
      elements: str
    to_start:
      description: The wanted timers to start.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import timers_plan


def etcd_timers_plan(timer_paths, wanted, managed_paths, timers=None, units_written=False):
    try:
        return timers_plan({name: list(paths) for name, paths in dict(timer_paths).items()}, list(wanted),
                           [dict(entry) for entry in managed_paths],
                           {name: dict(state) for name, state in dict(timers or {}).items()}, bool(units_written))
    except (TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_timers_plan: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_timers_plan": etcd_timers_plan}
