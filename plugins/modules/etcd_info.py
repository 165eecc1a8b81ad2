#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_info
short_description: Gather facts about an etcd cluster
version_added: 0.1.0
description:
  - Reports the cluster ID, the members (names, IDs, URLs, learner flag), the leader, server and
    cluster versions, database size and size in use, raft index per member, active alarms and the
    health of each configured endpoint.
  - Talks to etcd's v3 JSON gateway only; read-only.
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
notes:
  - A member that does not answer on any of its client URLs is still listed, with RV(members[].reachable=false)
    and the reason in RV(members[].error).
  - The module fails when the member list cannot be read - no endpoint answers, or the cluster has lost its
    quorum (the list is read linearizably). It then returns RV(statuses), what each endpoint says of itself.
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Read the cluster's state through the local member
  quorum.etcd.etcd_info:
    ca_cert: /etc/etcd/pki/ca.crt
    client_cert: /etc/etcd/pki/client.crt
    client_key: /etc/etcd/pki/client.key
  register: etcd

- name: Fail unless every member is healthy
  ansible.builtin.assert:
    that: etcd.members | rejectattr('healthy') | list | length == 0
"""

RETURN = r"""
cluster_id:
  description: Cluster ID in hex, as etcdctl prints it.
  returned: success
  type: str
  sample: cdf818194e3a8c32
leader:
  description: ID (hex) of the leader, as seen by the first member that answered; empty without leader.
  returned: success
  type: str
  sample: 8e9e05c52164694d
leader_name:
  description: Name of the leader; empty when unknown.
  returned: success
  type: str
  sample: etcd1
cluster_version:
  description: Cluster version (C(etcdcluster) of C(/version)), from the first member that answered.
  returned: success
  type: str
  sample: 3.5.0
members:
  description: Every member of the cluster with what it reports about itself.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Member ID in hex (etcdctl's format).
      type: str
      sample: 8e9e05c52164694d
    id_decimal:
      description: Member ID as a decimal integer (the gateway's format).
      type: int
      sample: 10276657743932975437
    name:
      description: Member name; empty for a member added but not started yet.
      type: str
      sample: etcd1
    peer_urls:
      description: Peer URLs.
      type: list
      elements: str
      sample: [https://10.0.0.1:2380]
    client_urls:
      description: Client URLs; empty for a member not started yet.
      type: list
      elements: str
      sample: [https://10.0.0.1:2379]
    is_learner:
      description: Whether the member is a learner (non-voting).
      type: bool
      sample: false
    is_leader:
      description: Whether the member is the leader.
      type: bool
      sample: true
    reachable:
      description: Whether one of its client URLs answered.
      type: bool
      sample: true
    healthy:
      description: Reachable, knows a leader and has no alarm raised.
      type: bool
      sample: true
    error:
      description: Why the member could not be asked; empty when reachable.
      type: str
      sample: ""
    cluster_id:
      description: The cluster ID the member itself reports (hex); empty when unreachable. Members of one cluster agree.
      type: str
      sample: 8f2c6c8d2b1e4a7f
    server_version:
      description: etcd server version (C(etcdserver) of C(/version)); empty when unreachable.
      type: str
      sample: 3.5.16
    db_size:
      description: Size of the backend database in bytes; 0 when unreachable.
      type: int
      sample: 20480
    db_size_in_use:
      description: Bytes of the database in use (the rest is free space that defragmenting gives back).
      type: int
      sample: 16384
    raft_index:
      description: Raft index of the member.
      type: int
      sample: 42
    raft_applied_index:
      description: Raft index the member has applied; behind the leader's, it is catching up.
      type: int
      sample: 42
    raft_term:
      description: Raft term of the member.
      type: int
      sample: 2
    revision:
      description: Current revision of the key-value store as the member sees it.
      type: int
      sample: 17
alarms:
  description: Active alarms.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "8e9e05c52164694d", "id_decimal": 10276657743932975437, "alarm": "NOSPACE"}]
alarms_error:
  description: Why the alarms could not be listed (for example a user without the right); empty otherwise.
  returned: success
  type: str
  sample: ""
endpoints:
  description: Health of each configured endpoint (C(/health)).
  returned: success
  type: list
  elements: dict
  contains:
    endpoint:
      description: The endpoint.
      type: str
      sample: https://127.0.0.1:2379
    healthy:
      description: Whether C(/health) answered C(true).
      type: bool
      sample: true
    reason:
      description: Why it is not healthy; empty when healthy.
      type: str
      sample: ""
    took:
      description: Seconds the health check took.
      type: float
      sample: 0.004
statuses:
  description:
    - When the member list could not be read, each endpoint's own status (C(/v3/maintenance/status), which a
      member answers without a quorum), for instance to find the member that applied the most of the log.
  returned: failure
  type: list
  elements: dict
  contains:
    endpoint:
      description: The endpoint.
      type: str
      sample: https://10.0.0.11:2379
    answered:
      description: Whether the endpoint answered.
      type: bool
      sample: true
    id:
      description: The member's ID (hex); empty when it did not answer.
      type: str
      sample: 8e9e05c52164694d
    leader:
      description: The leader's ID (hex) as the member sees it; C(0) when it has none.
      type: str
      sample: "0"
    raft_applied_index:
      description: The last raft log entry the member applied.
      type: int
      sample: 12045
    revision:
      description: The member's key-value store revision.
      type: int
      sample: 9811
    reason:
      description: Why it did not answer; empty when it did.
      type: str
      sample: ""
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.cluster_info import cluster_or_problem
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    client_or_fail, etcd_argument_spec, etcd_required_together)


def main():
    module = AnsibleModule(argument_spec=etcd_argument_spec(), required_together=etcd_required_together(),
                           supports_check_mode=True)
    facts = cluster_or_problem(client_or_fail(module))
    if "msg" in facts:
        module.fail_json(**facts)
    module.exit_json(changed=False, **facts)


if __name__ == "__main__":
    main()
