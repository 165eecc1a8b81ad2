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
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Member name (C(--name) of etcd).
      - A member that was added but has not started yet has no name in etcd; with O(state=present) it is
        then recognised by its peer URLs.
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
        they are updated.
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdApiError, EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together, parse_member_id,
    wait_until)

NOT_IN_SYNC = "in sync with leader"


def find_member(members: list, name: str | None = None, member_id: int | None = None,
                peer_urls: list | None = None) -> dict | None:
    """The member with that ID, else that name, else (not started yet, no name) sharing a peer URL."""
    if member_id is not None:
        return next((m for m in members if m["id_decimal"] == member_id), None)
    if name:
        found = next((m for m in members if m["name"] == name), None)
        if found:
            return found
    wanted = set(peer_urls or [])
    return next((m for m in members if wanted & set(m["peer_urls"])), None)


def removal_refusal(members: list, target: dict, healthy_ids: set) -> str | None:
    """Why removing ``target`` is unsafe, or None. ``healthy_ids`` holds the decimal IDs of healthy members."""
    label = "%s (%s)" % (target["name"] or "unstarted member", target["id"])
    if len(members) <= 1:
        return "refusing to remove %s: it is the last member of the cluster" % label
    if target["is_learner"]:
        return None
    remaining = [m for m in members if not m["is_learner"] and m["id_decimal"] != target["id_decimal"]]
    quorum = len(remaining) // 2 + 1
    healthy = [m for m in remaining if m["id_decimal"] in healthy_ids]
    if len(healthy) >= quorum:
        return None
    unhealthy = ", ".join(m["name"] or m["id"] for m in remaining if m["id_decimal"] not in healthy_ids)
    return ("refusing to remove %s: only %d of the %d remaining voting members are healthy (unhealthy: %s), "
            "fewer than their quorum of %d" % (label, len(healthy), len(remaining), unhealthy, quorum))


class MemberManager:
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.actions = []
        self.changed = False
        _cluster, self.members = client.member_list()

    def act(self, description: str, operation, *args):
        """Records the action and, outside check mode, runs it (a client operation)."""
        self.actions.append(description)
        self.changed = True
        if self.module.check_mode:
            return None
        return operation(*args)

    def target(self) -> dict | None:
        p = self.params
        member_id = None
        if p["id"] is not None:
            try:
                member_id = parse_member_id(p["id"])
            except ValueError as exc:
                self.module.fail_json(msg=str(exc))
        return find_member(self.members, p["name"], member_id, p["peer_urls"] if p["state"] == "present" else None)

    def present(self, member: dict | None) -> dict | None:
        p = self.params
        if member is None:
            if not p["peer_urls"]:
                self.module.fail_json(msg="peer_urls is required to add member %s" % p["name"])
            member = self.act("added as learner" if p["learner"] else "added", self.client.member_add,
                              p["peer_urls"], p["learner"])
            if self.module.check_mode:
                return {"id": "", "id_decimal": 0, "name": p["name"] or "", "peer_urls": p["peer_urls"],
                        "client_urls": [], "is_learner": p["learner"]}
        elif p["name"] and member["name"] and member["name"] != p["name"]:
            self.module.fail_json(msg="peer URL(s) %s already belong to member %s (%s), not to %s"
                                  % (", ".join(p["peer_urls"]), member["name"], member["id"], p["name"]))
        elif p["peer_urls"] and set(p["peer_urls"]) != set(member["peer_urls"]):
            self.act("peer URLs updated", self.client.member_update, member["id_decimal"], p["peer_urls"])
            member = dict(member, peer_urls=p["peer_urls"])
        if p["promote"] and member["is_learner"]:
            self.promote(member)
            member = dict(member, is_learner=False)
        return member

    def promote(self, member: dict) -> None:
        self.actions.append("promoted")
        self.changed = True
        if self.module.check_mode:
            return
        # Asking the leader directly spares a forwarded request per attempt (5 s each with etcd 3.5).
        leader = (self.client.leader_urls(self.members) or [None])[0]
        try:
            wait_until(lambda: self.client.member_promote(member["id_decimal"], leader),
                       lambda exc: isinstance(exc, EtcdApiError) and NOT_IN_SYNC in exc.server_message,
                       self.params["promote_timeout"])
        except EtcdApiError as exc:
            if NOT_IN_SYNC in exc.server_message:
                self.module.fail_json(msg="learner %s (%s) did not catch up with the leader within %ss: %s"
                                      % (member["name"] or "(not started)", member["id"],
                                         self.params["promote_timeout"], exc.server_message),
                                      member=member, actions=self.actions, changed=len(self.actions) > 1)
            raise

    def healthy_ids(self, skip: dict) -> set:
        healthy = set()
        for member in self.members:
            if member["id_decimal"] == skip["id_decimal"] or member["is_learner"]:
                continue
            status, _reason = self.client.first_status(member["client_urls"], timeout=min(self.client.timeout, 3))
            if status and status["leader"] != "0":
                healthy.add(member["id_decimal"])
        return healthy

    def absent(self, member: dict | None) -> None:
        if member is None:
            return None
        if not self.params["force"]:
            refusal = removal_refusal(self.members, member, self.healthy_ids(member))
            if refusal:
                self.module.fail_json(msg=refusal + "; set force=true to remove it anyway", members=self.members)
        self.act("removed", self.client.member_remove, member["id_decimal"])
        return None

    def run(self) -> dict:
        before = self.target()
        after = self.present(before) if self.params["state"] == "present" else self.absent(before)
        members = self.members
        if self.changed and not self.module.check_mode:
            _cluster, members = self.client.member_list()
            if after:
                after = next((m for m in members if m["id_decimal"] == after["id_decimal"]), after)
        result = {
            "changed": self.changed, "actions": self.actions, "members": members, "member": after or {},
            "id": (after or before or {}).get("id", ""), "id_decimal": (after or before or {}).get("id_decimal", 0),
        }
        if self.module._diff:
            result["diff"] = {"before": before or {}, "after": after or {}}
        return result


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
