# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_setting_problems
short_description: What etcd would refuse in a member's settings
version_added: 0.1.0
description:
  - Checks a member's settings (the quorum.etcd roles' variables) against what etcd accepts for the version
    being deployed (names, addresses, URLs, paths, ranges and ratios of the timings, durations, and the keys of
    C(etcd_extra_config), which must be known to that version, not about TLS and not set by another variable).
  - Each problem is a sentence that names the variable, says what is wrong and how to fix it.
options:
  _input:
    description: The settings, by variable name (C(etcd_name), C(etcd_election_timeout), ...).
    type: dict
    required: true
  member_names:
    description: Every member's C(etcd_name), against which C(etcd_pki_reissue) is checked.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Refuse settings etcd would not start with
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ {'etcd_heartbeat_interval': 100, 'etcd_election_timeout': 300} | quorum.etcd.etcd_setting_problems }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems; empty when there are none.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import setting_problems


def etcd_setting_problems(settings, member_names=None):
    try:
        return setting_problems(dict(settings), list(member_names or []))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_setting_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_setting_problems": etcd_setting_problems}
