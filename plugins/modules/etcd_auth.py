#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_auth
short_description: Turn etcd's authentication on or off
version_added: 0.1.0
description:
  - Enables or disables authentication for the whole cluster. Once it is on, every request needs a user (by
    password, or by the common name of a gRPC client's certificate) whose roles permit it.
  - Refuses to enable it while no user C(root) with the role C(root) exists (M(quorum.etcd.etcd_user),
    M(quorum.etcd.etcd_role)), since nothing could manage the cluster's users afterwards. In check mode it reports
    that it would enable it once root exists, as a task before it may only have reported that it would make root.
  - Once it is on, etcd's JSON gateway, which the modules use, refuses a client certificate with a common name;
    connect with O(user) and O(password) over a client certificate without one.
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reports whether it would change; nothing is sent to etcd but reads.
  diff_mode:
    support: full
    description: Shows whether authentication was and will be on.
options:
  state:
    description: Whether authentication is on.
    type: str
    choices: [enabled, disabled]
    default: enabled
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Turn authentication on, once root exists
  quorum.etcd.etcd_auth:
    state: enabled
    user: root
    password: "{{ vault_etcd_root_password }}"
"""

RETURN = r"""
enabled:
  description: Whether authentication is on after the task (in check mode, would be).
  returned: success
  type: bool
  sample: true
users:
  description: The users etcd has, before the task.
  returned: success
  type: list
  elements: str
  sample: [root, billing]
roles:
  description: The roles etcd has, before the task.
  returned: success
  type: list
  elements: str
  sample: [root, billing]
actions:
  description: What was done (or, in check mode, would be).
  returned: success
  type: list
  elements: str
  sample: [enabled]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.access import apply_auth, run_module
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import etcd_argument_spec, etcd_required_together


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(state=dict(type="str", choices=["enabled", "disabled"], default="enabled"))
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           supports_check_mode=True)
    state = module.params["state"]
    run_module(module, lambda client: apply_auth(client, state == "enabled", module.check_mode),
               "turning etcd's authentication %s" % state)


if __name__ == "__main__":
    main()
