# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_backup_schedule
short_description: The systemd timer's schedule for a backup interval
version_added: 0.1.0
description:
  - The calendar (C(OnCalendar)) that repeats every interval, the interval in seconds, and the timer's randomized
    delay (a tenth of the interval, at most 10 minutes).
  - Intervals a calendar repeats evenly are minutes that divide an hour, hours that divide a day, and one day;
    others give V(null) (C(etcd_backup_problems) names them).
options:
  _input:
    description: The interval, such as V(6h), V(30m) or V(1d).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show the calendar of 6-hourly backups
  ansible.builtin.debug:
    msg: "{{ ('6h' | quorum.etcd.etcd_backup_schedule).calendar }}"  # *-*-* 00/6:00:00
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

from ansible_collections.quorum.etcd.plugins.module_utils.backup import backup_schedule


def etcd_backup_schedule(interval):
    return backup_schedule(interval)


class FilterModule:
    def filters(self):
        return {"etcd_backup_schedule": etcd_backup_schedule}
