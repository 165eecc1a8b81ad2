#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_user
short_description: Create, change and delete etcd users and grant them roles
version_added: 0.1.0
description:
  - Makes an etcd user exist with the roles given, or not exist.
  - A user made without O(user_password) has none and authenticates only by a client certificate whose common
    name is its name (gRPC clients such as etcdctl; etcd's JSON gateway refuses such certificates once authentication is on).
  - Roles the user has that are not given are revoked, unless O(append_roles=true) or O(roles) is not given.
  - Once authentication is on, only a user with the C(root) role may do this; give O(user) and O(password).
  - Refuses to grant a role that does not exist (M(quorum.etcd.etcd_role) makes it). In check mode it reports the
    grant as one made once the role exists, as a task before it may only have reported that it would make the role.
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reports what would change; nothing is sent to etcd but reads.
  diff_mode:
    support: full
    description: Shows the user and its roles before and after, never the password.
options:
  name:
    description: The user's name.
    type: str
    required: true
  state:
    description: Whether the user exists.
    type: str
    choices: [present, absent]
    default: present
  user_password:
    description:
      - The password of the user O(name), for a user made now, or with O(update_password=always). (O(password) is
        the one the module connects with.)
      - Without it, a new user has no password and authenticates only by a client certificate.
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is made.
      - V(always) also sets O(user_password) on an existing user when etcd does not accept it. While authentication
        is off, etcd cannot tell whether a password is right, so it is set again, and the task reports a change, on
        each run.
    type: str
    choices: [always, on_create]
    default: on_create
  roles:
    description: The roles the user has; each must exist (M(quorum.etcd.etcd_role)). Left as they are when not given.
    type: list
    elements: str
  append_roles:
    description: Keep roles the user has that O(roles) does not list.
    type: bool
    default: false
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: A user for an application that talks to the JSON gateway
  quorum.etcd.etcd_user:
    name: billing
    user_password: "{{ vault_etcd_billing_password }}"
    roles: [billing]
    user: root
    password: "{{ vault_etcd_root_password }}"

- name: A user that authenticates by its client certificate only (CN=reporting)
  quorum.etcd.etcd_user:
    name: reporting
    roles: [reporting]
"""

RETURN = r"""
user:
  description: The user after the change (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    name:
      description: The user's name.
      type: str
      sample: billing
    state:
      description: C(present) or C(absent).
      type: str
      sample: present
    roles:
      description: Its roles, sorted.
      type: list
      elements: str
      sample: [billing]
actions:
  description: What was done (or, in check mode, would be), in order.
  returned: success
  type: list
  elements: str
  sample: ["added with a password", "granted role billing"]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.access import apply_user, run_module
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import etcd_argument_spec, etcd_required_together


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        user_password=dict(type="str", no_log=True),
        update_password=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
        roles=dict(type="list", elements="str"),
        append_roles=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           supports_check_mode=True)
    p = module.params
    run_module(module, lambda client: apply_user(client, p["name"], p["state"], p["user_password"],
                                                 p["update_password"], p["roles"], p["append_roles"],
                                                 module.check_mode),
               "managing the etcd user %s" % p["name"])


if __name__ == "__main__":
    main()
