# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_access_changes
short_description: The planned etcd roles and users that etcd does not have as planned
version_added: 0.1.0
description:
  - Internal to this collection (C(quorum.etcd.etcd_access)). From the plan (M(quorum.etcd.etcd_access_plan#filter))
    and what etcd has (M(quorum.etcd.etcd_auth_info)), the names of the roles and users that
    M(quorum.etcd.etcd_role) and M(quorum.etcd.etcd_user) must be run for; for the others they would change nothing.
  - A user whose password is set on every run (C(update_password=always)) is always named, since only etcd can tell
    whether its password changed.
options:
  _input:
    description: The plan, as M(quorum.etcd.etcd_access_plan#filter) returns it.
    type: dict
    required: true
  roles:
    description: The roles etcd has, as M(quorum.etcd.etcd_auth_info) returns them.
    type: list
    elements: dict
    required: true
  users:
    description: The users etcd has, as M(quorum.etcd.etcd_auth_info) returns them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the roles the role would change
  ansible.builtin.debug:
    msg: "{{ (_etcd_access | quorum.etcd.etcd_access_changes(found.roles, found.users)).roles }}"
"""

RETURN = r"""
_value:
  description: The names to run the modules for.
  type: dict
  contains:
    roles:
      description: The planned roles that etcd lacks or holds other permissions.
      type: list
      elements: str
    users:
      description: The planned users that etcd lacks or that hold other roles, and those whose password is set on
        every run.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.access import access_changes


def etcd_access_changes(plan, roles, users):
    try:
        return access_changes(plan, list(roles), list(users))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_access_changes: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_access_changes": etcd_access_changes}
