# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_access_plan
short_description: The etcd roles and users an inventory's access control declares
version_added: 0.1.0
description:
  - Root first (its role, and its user with C(etcd_root_password), unless O(root=false)), then the roles and users declared, then for
    each client of C(etcd_clients) a role granting its access to its prefix and a user of its name with that role.
  - A user's password is not in the result, only whether it has one, so that a loop over the users shows none.
options:
  root:
    description: Make root, its user and role (when C(etcd_root_password) gives the password to make it with).
    type: bool
    default: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.access
"""

EXAMPLES = r"""
- name: Show the users the role would make
  ansible.builtin.debug:
    msg: "{{ (etcd_roles | quorum.etcd.etcd_access_plan(etcd_users, etcd_clients)).users | map(attribute='name') }}"
"""

RETURN = r"""
_value:
  description: The roles to make (C(name), C(permissions)) and the users (C(name), C(roles), C(has_password), C(update_password)).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.plugin_utils.access_plan import access_plan


def etcd_access_plan(roles, users, clients, root=True):
    try:
        return access_plan(roles, users, clients, bool(root))
    except (KeyError, TypeError) as error:
        raise AnsibleFilterError("etcd_access_plan: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_access_plan": etcd_access_plan}
