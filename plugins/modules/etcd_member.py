#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_member
short_description: Add, promote, update and remove etcd cluster members
version_added: 0.1.0
description:
  - Adds a member (optionally as a learner), promotes a learner once it has caught up with the leader,
    updates the peer URLs of an existing member, or removes a member.
  - Removal is refused when it would take the last member away, or when fewer healthy voting members
    than a quorum of the remaining cluster would be left, unless O(force=true).
  - Talks to etcd's v3 JSON gateway (C(/v3/cluster/member/...)).
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reports what would change; nothing is sent to etcd but reads.
  diff_mode:
    support: full
    description: Shows the member before and after.
options:
  state:
    description:
      - V(present) makes sure the member exists with O(peer_urls); V(absent) removes it.
      - A voting member that leads the cluster hands leadership to the healthy voter furthest along before it is
        removed, so that the removal costs no election in the middle of the change.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Member name (C(--name) of etcd).
      - A member that was added but has not started yet has no name in etcd; it is then recognised by its
        O(peer_urls), to promote or to remove it.
      - One of O(name) and O(id) is required.
    type: str
  id:
    description:
      - Member ID, to remove a member by ID. A string is read as hex (as etcdctl prints it, an optional
        C(0x) prefix is accepted); an integer as decimal.
    type: raw
  peer_urls:
    description:
      - Peer URLs of the member. Required to add a member; when the member exists with other peer URLs,
        they are updated (with O(state=present)).
    type: list
    elements: str
  learner:
    description:
      - Add the member as a learner (non-voting until promoted). Has no effect on an existing member.
    type: bool
    default: false
  promote:
    description:
      - Promote the member to a voting member if it is a learner. etcd only promotes a learner that is in
        sync with the leader, so the promotion is retried until it succeeds or O(promote_timeout) passes.
      - The learner's etcd must be running (with C(--initial-cluster-state existing)) to catch up.
    type: bool
    default: false
  promote_timeout:
    description:
      - Seconds to keep retrying the promotion.
    type: float
    default: 60
  force:
    description:
      - Remove the member even if it is the last one or if the remaining cluster would lack a healthy quorum.
    type: bool
    default: false
  hand_over_leadership:
    description:
      - When the member leads the cluster, hand leadership to the healthy voter furthest along (etcd's
        C(move-leader)), as before restarting it; nothing happens when it does not lead or no other voter is healthy.
      - With O(state=present), on an existing member.
    type: bool
    default: false
  catch_up_timeout:
    description:
      - With O(state=present), on a started voting member, wait until it has applied the raft log up to the index the
        leader had committed when the wait began and reports itself healthy (C(/health) - a leader, no alarm), as
        after its restart. Fails, naming both indexes and why it is unhealthy, when this many seconds pass first.
        V(0) does not wait.
    type: float
    default: 0
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Announce a new member as a learner before starting it
  quorum.etcd.etcd_member:
    name: etcd4
    peer_urls: [https://10.0.0.4:2380]
    learner: true
  register: added

- name: Promote it once its etcd is running and has caught up
  quorum.etcd.etcd_member:
    name: etcd4
    peer_urls: [https://10.0.0.4:2380]
    promote: true
    promote_timeout: 120

- name: Hand leadership away from a member before restarting it
  quorum.etcd.etcd_member:
    name: etcd1
    hand_over_leadership: true

- name: Wait, after its restart, until a member is healthy and has applied what the leader had committed
  quorum.etcd.etcd_member:
    name: etcd1
    catch_up_timeout: 120

- name: Remove a member that was added but never started (etcd has no name for it yet)
  quorum.etcd.etcd_member:
    name: etcd4
    peer_urls: [https://10.0.0.4:2380]
    state: absent

- name: Remove a failed member by ID
  quorum.etcd.etcd_member:
    id: 8e9e05c52164694d
    state: absent
"""

RETURN = r"""
member:
  description: The member after the change; empty when it is absent.
  returned: success
  type: dict
  sample: {"id": "8e9e05c52164694d", "id_decimal": 10276657743932975437, "name": "etcd4",
           "peer_urls": ["https://10.0.0.4:2380"], "client_urls": [], "is_learner": true}
id:
  description: Member ID in hex as etcdctl prints it; empty when there is no such member.
  returned: success
  type: str
  sample: 8e9e05c52164694d
id_decimal:
  description: Member ID as a decimal integer (as etcd's JSON gateway uses it); 0 when there is no such member.
  returned: success
  type: int
  sample: 10276657743932975437
members:
  description: All members after the change (in check mode, as they are now).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Member ID in hex.
      type: str
      sample: 8e9e05c52164694d
    id_decimal:
      description: Member ID in decimal.
      type: int
      sample: 10276657743932975437
    name:
      description: Member name; empty until the member has started.
      type: str
      sample: etcd1
    peer_urls:
      description: Peer URLs.
      type: list
      elements: str
      sample: [https://10.0.0.1:2380]
    client_urls:
      description: Client URLs; empty until the member has started.
      type: list
      elements: str
      sample: [https://10.0.0.1:2379]
    is_learner:
      description: Whether the member is a learner.
      type: bool
      sample: false
actions:
  description: What was done (or would be, in check mode), in order.
  returned: success
  type: list
  elements: str
  sample: [added as learner, promoted]
caught_up:
  description: With O(catch_up_timeout), the index the leader had committed and the one the member applied.
  returned: when the member was waited for
  type: dict
  sample: {"leader_committed_index": 120455, "applied_index": 120461, "waited": 0.4}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together)
from ansible_collections.quorum.etcd.plugins.module_utils.members import MemberManager


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str"),
        id=dict(type="raw"),
        peer_urls=dict(type="list", elements="str"),
        learner=dict(type="bool", default=False),
        promote=dict(type="bool", default=False),
        promote_timeout=dict(type="float", default=60),
        force=dict(type="bool", default=False),
        hand_over_leadership=dict(type="bool", default=False),
        catch_up_timeout=dict(type="float", default=0),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_one_of=[["name", "id"]],
        required_together=etcd_required_together(),
        mutually_exclusive=[["learner", "id"], ["promote", "id"]],
        supports_check_mode=True,
    )
    if module.params["state"] == "present" and module.params["id"] is not None:
        module.fail_json(msg="id can only be used with state=absent; give name and peer_urls to add a member")
    client = client_or_fail(module)
    try:
        result = MemberManager(module, client).run()
    except EtcdError as exc:
        module.fail_json(msg="managing etcd member %s failed: %s" % (module.params["name"] or module.params["id"], exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
