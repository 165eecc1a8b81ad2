#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_role
short_description: Create, change and delete etcd roles and their key permissions
version_added: 0.1.0
description:
  - Makes an etcd role exist with the permissions given (read, write or readwrite on a key, on every key under a
    prefix, or on a range of keys), or not exist.
  - Permissions the role has that are not given are revoked, unless O(append_permissions=true).
  - Once authentication is on, only a user with the C(root) role may do this; give O(user) and O(password).
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reports what would change; nothing is sent to etcd but reads.
  diff_mode:
    support: full
    description: Shows the role and its permissions before and after.
options:
  name:
    description: The role's name.
    type: str
    required: true
  state:
    description: Whether the role exists.
    type: str
    choices: [present, absent]
    default: present
  permissions:
    description: What the role may read or write.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description: The key, or the first key of a range or prefix.
        type: str
        required: true
      prefix:
        description: The permission covers every key that starts with O(permissions[].key).
        type: bool
        default: false
      range_end:
        description:
          - The permission covers the keys from O(permissions[].key) up to, not including, this one.
          - C("\\0") means every key from O(permissions[].key) on.
        type: str
      access:
        description: What the role may do with those keys.
        type: str
        required: true
        choices: [read, readwrite, write]
  append_permissions:
    description: Keep permissions the role has that O(permissions) does not list.
    type: bool
    default: false
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: A role that reads and writes under /billing/ and reads one setting
  quorum.etcd.etcd_role:
    name: billing
    permissions:
      - {key: /billing/, prefix: true, access: readwrite}
      - {key: /config/currency, access: read}
    user: root
    password: "{{ vault_etcd_root_password }}"
"""

RETURN = r"""
role:
  description: The role after the change (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    name:
      description: The role's name.
      type: str
      sample: billing
    state:
      description: C(present) or C(absent).
      type: str
      sample: present
    permissions:
      description: Its permissions; C(range_end) and C(prefix) only for more than one key.
      type: list
      elements: dict
      sample: [{"key": "/billing/", "range_end": "/billing0", "prefix": true, "access": "readwrite"}]
actions:
  description: What was done (or, in check mode, would be), in order.
  returned: success
  type: list
  elements: str
  sample: ["added", "granted readwrite on prefix /billing/"]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.access import apply_role, permission_spec, run_module
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import etcd_argument_spec, etcd_required_together


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        permissions=dict(type="list", elements="dict", options=permission_spec(), default=[]),
        append_permissions=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           supports_check_mode=True)
    p = module.params
    run_module(module, lambda client: apply_role(client, p["name"], p["state"], p["permissions"],
                                                 p["append_permissions"], module.check_mode),
               "managing the etcd role %s" % p["name"])


if __name__ == "__main__":
    main()
