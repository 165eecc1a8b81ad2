#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_auth_info
short_description: Read etcd's access control
version_added: 0.1.0
description:
  - Reports whether authentication is on, every user with its roles and every role with its permissions, as
    M(quorum.etcd.etcd_auth), M(quorum.etcd.etcd_user) and M(quorum.etcd.etcd_role) take them. Read-only.
  - Once authentication is on, reading the users and roles takes root (O(user) and O(password)).
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: The module never changes anything.
  diff_mode:
    support: none
    description: Nothing to compare.
options: {}
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Read the users and roles etcd has
  quorum.etcd.etcd_auth_info:
    user: root
    password: "{{ vault_etcd_root_password }}"
  register: access

- name: Fail while authentication is off
  ansible.builtin.assert:
    that: access.enabled
"""

RETURN = r"""
enabled:
  description: Whether authentication is on.
  returned: success
  type: bool
  sample: true
users:
  description: The users etcd has, each with its roles (sorted).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The user's name.
      type: str
    roles:
      description: The roles granted to it.
      type: list
      elements: str
  sample: [{name: root, roles: [root]}, {name: billing, roles: [billing]}]
roles:
  description: The roles etcd has, each with its permissions as M(quorum.etcd.etcd_role) shows them.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The role's name.
      type: str
    permissions:
      description: Its permissions, each a C(key), an C(access) (read, write or readwrite) and, for a range, its
        C(range_end) and whether that range is every key under C(key) (C(prefix)).
      type: list
      elements: dict
  sample: [{name: billing, permissions: [{key: /billing/, range_end: /billing0, prefix: true, access: readwrite}]}]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.access import read_access
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together)


def main():
    module = AnsibleModule(argument_spec=etcd_argument_spec(), required_together=etcd_required_together(),
                           supports_check_mode=True)
    client = client_or_fail(module)
    try:
        access = read_access(client)
    except EtcdError as exc:
        module.fail_json(msg="reading etcd's users and roles failed: %s" % exc)
    module.exit_json(changed=False, **access)


if __name__ == "__main__":
    main()
