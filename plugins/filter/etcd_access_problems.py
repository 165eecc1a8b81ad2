# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_access_problems
short_description: What etcd or the collection could not take in an inventory's access control
version_added: 0.1.0
description:
  - One sentence per problem, naming the variable and saying how to put it right - authentication without a
    root password, a user with a role nothing declares, a name given twice or taken by a client, a permission
    etcd would refuse. Empty when there is none.
options:
  auth_enabled:
    description: C(etcd_auth_enabled).
    type: bool
    required: true
  root_password:
    description: C(etcd_root_password).
    type: str
    required: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.access
"""

EXAMPLES = r"""
- name: Refuse what etcd could not take
  ansible.builtin.fail:
    msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ etcd_roles | quorum.etcd.etcd_access_problems(etcd_users, etcd_clients, etcd_auth_enabled, etcd_root_password) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, one sentence each.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.access_plan import access_problems


def etcd_access_problems(roles, users, clients, auth_enabled, root_password):
    return access_problems(roles, users, clients, bool(auth_enabled), root_password or "")


class FilterModule:
    def filters(self):
        return {"etcd_access_problems": etcd_access_problems}
