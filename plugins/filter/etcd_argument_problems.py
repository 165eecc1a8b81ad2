# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_argument_problems
short_description: What a role's argument spec refuses in a set of settings
version_added: 0.1.0
description:
  - Validates the settings a role's argument spec names against it, as Ansible validates a role's arguments, and
    returns the problems as sentences, one each, rather than failing with the whole spec.
  - A boolean option given as text (C(-e etcd_backup_enabled=true) passes text) is a problem too, which Ansible's own
    check would let through and its conditionals refuse; the flags a run is given on the command line, read with the
    C(bool) filter, are not.
options:
  _input:
    description: Settings by variable name.
    type: dict
    required: true
  argument_spec:
    description: The options of a role's argument spec (C(argument_specs.main.options)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Problems with the inputs of a role
  ansible.builtin.debug:
    msg: "{{ {'etcd_log_level': 'loud'} | quorum.etcd.etcd_argument_problems(spec.argument_specs.main.options) }}"
  vars:
    spec: "{{ lookup('ansible.builtin.file', 'roles/etcd_config/meta/argument_specs.yml') | from_yaml }}"
"""

RETURN = r"""
_value:
  description: The problems; empty when there are none.
  type: list
  elements: str
  sample: ["etcd_log_level must be one of: debug, info, warn, error, panic, fatal, got: loud"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import argument_problems


def etcd_argument_problems(settings, argument_spec):
    if not isinstance(settings, dict) or not isinstance(argument_spec, dict):
        raise AnsibleFilterError("etcd_argument_problems takes settings and an argument spec, both mappings")
    return argument_problems(settings, argument_spec)


class FilterModule:
    def filters(self):
        return {"etcd_argument_problems": etcd_argument_problems}
