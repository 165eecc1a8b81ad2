# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_duration_seconds
short_description: The seconds in a duration such as 13h or 2d
version_added: 0.1.0
description:
  - A whole number followed by one of V(s), V(m), V(h), V(d) or V(w); anything else gives V(null)
    (C(etcd_maintenance_problems) names it).
options:
  _input:
    description: The duration.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show the seconds in two days
  ansible.builtin.debug:
    msg: "{{ '2d' | quorum.etcd.etcd_duration_seconds }}"  # 172800
"""

RETURN = r"""
_value:
  description: The seconds, or V(null).
  type: int
"""

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import duration_seconds


def etcd_duration_seconds(duration):
    return duration_seconds(duration)


class FilterModule:
    def filters(self):
        return {"etcd_duration_seconds": etcd_duration_seconds}
