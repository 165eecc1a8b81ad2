# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_timer_schedule
short_description: The systemd timer's schedule for an interval of backups, drills or defragmentation
version_added: 0.1.0
description:
  - The calendar (C(OnCalendar)) that repeats every interval, the interval in seconds, and the timer's randomized
    delay (a tenth of the interval, at most 10 minutes).
  - Intervals a calendar repeats evenly are minutes that divide an hour, hours that divide a day, one day and one
    week; others give V(null) (C(etcd_maintenance_problems) names them).
options:
  _input:
    description: The interval, such as V(6h), V(30m), V(1d) or V(1w).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show the calendar of 6-hourly backups
  ansible.builtin.debug:
    msg: "{{ ('6h' | quorum.etcd.etcd_timer_schedule).calendar }}"  # *-*-* 00/6:00:00
"""

RETURN = r"""
_value:
  description: The schedule.
  type: dict
  contains:
    calendar:
      description: The C(OnCalendar) expression.
      type: str
    seconds:
      description: The interval in seconds.
      type: int
    randomized_delay:
      description: The C(RandomizedDelaySec), in seconds.
      type: int
"""

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import timer_schedule


def etcd_timer_schedule(interval):
    return timer_schedule(interval)


class FilterModule:
    def filters(self):
        return {"etcd_timer_schedule": etcd_timer_schedule}
