# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_maintenance_problems
short_description: Why the cluster's backups, restore drills or defragmentation cannot be scheduled as set
version_added: 0.1.0
description:
  - An interval a systemd calendar cannot repeat evenly, a retention restic does not understand or one that keeps
    every backup forever, no encryption password, an S3 endpoint that is not a URL, or half of a key pair; none
    while C(etcd_backup_enabled) is false.
  - A drill interval a calendar cannot repeat or a maximum age that is not a duration; none while backups or
    C(etcd_backup_drill_enabled) are off.
  - A defragmentation interval a calendar cannot repeat, or thresholds out of range; none while
    C(etcd_defrag_enabled) is false.
options:
  _input:
    description: The C(etcd_backup_*) and C(etcd_defrag_*) settings, by name.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse backups without a password
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ {'etcd_backup_enabled': true, 'etcd_backup_interval': '6h'} | quorum.etcd.etcd_maintenance_problems }}"
"""

RETURN = r"""
_value:
  description: One line per problem; empty when there is none.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import maintenance_problems


def etcd_maintenance_problems(settings):
    return maintenance_problems(settings)


class FilterModule:
    def filters(self):
        return {"etcd_maintenance_problems": etcd_maintenance_problems}
