# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Membership changes with their safety checks: find a member, add, promote, update, remove (etcd_member)."""

from __future__ import annotations

import time

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdApiError, parse_member_id, wait_until


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
        self.caught_up: dict = {}
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
        return find_member(self.members, p["name"], member_id, p["peer_urls"])

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
        if p["hand_over_leadership"] and member["id"] and not member["is_learner"] and member["client_urls"]:
            self.move_leadership_away(member, self.voter_statuses(member))
        if p["catch_up_timeout"] > 0 and member["id"] and not member["is_learner"]:
            self.caught_up = self.wait_caught_up(member, p["catch_up_timeout"])
        return member

    def wait_caught_up(self, member: dict, timeout: float) -> dict:
        """Waits until member reports itself healthy (/health: a leader, no alarm) and has applied the log up to the
        index the leader had committed when the wait began."""
        label = member["name"] or member["id"]
        leader_urls = self.client.leader_urls(self.members)
        leader, reason = self.client.first_status(leader_urls) if leader_urls else (None, "no member knows a leader")
        if leader is None:
            self.module.fail_json(msg="cannot tell whether %s caught up: the leader did not answer: %s" % (label, reason))
        began = time.monotonic()
        while True:
            own, reason = self.client.first_status(member["client_urls"], timeout=min(self.client.timeout, 3))
            unhealthy = ""
            if own and own["raft_applied_index"] >= leader["raft_index"]:
                healthy, unhealthy = self.client.health(own["endpoint"])
                if healthy:
                    return {"leader_committed_index": leader["raft_index"], "applied_index": own["raft_applied_index"],
                            "waited": round(time.monotonic() - began, 3)}
            if time.monotonic() - began > timeout:
                self.module.fail_json(
                    msg="%s did not catch up with the leader within %ss: it applied the raft log up to %s, the leader "
                        "had committed %d%s" % (label, timeout, own["raft_applied_index"] if own else "? (%s)" % reason,
                                                leader["raft_index"],
                                                "; it reports itself unhealthy: %s" % unhealthy if unhealthy else ""))
            time.sleep(0.25)

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

    def voter_statuses(self, skip: dict) -> dict:
        """Decimal ID to status of each voting member but skip that answers and has a leader."""
        statuses = {}
        for member in self.members:
            if member["id_decimal"] == skip["id_decimal"] or member["is_learner"]:
                continue
            status, _reason = self.client.first_status(member["client_urls"], timeout=min(self.client.timeout, 3))
            if status and status["leader"] != "0":
                statuses[member["id_decimal"]] = status
        return statuses

    def move_leadership_away(self, member: dict, statuses: dict) -> None:
        """Hands leadership from member, when it leads, to the healthy voter furthest along: the removal then
        costs no election in the middle of the change."""
        own, _reason = self.client.first_status(member["client_urls"], timeout=min(self.client.timeout, 3))
        if not own or own["leader"] != member["id"] or not statuses:
            return
        target_id = max(statuses, key=lambda member_id: statuses[member_id]["raft_index"])
        target = next(m for m in self.members if m["id_decimal"] == target_id)
        self.act("leadership moved to %s" % (target["name"] or target["id"]), self.client.move_leader, target_id,
                 own["endpoint"])

    def absent(self, member: dict | None) -> None:
        if member is None:
            return None
        statuses = self.voter_statuses(member)
        if not self.params["force"]:
            refusal = removal_refusal(self.members, member, set(statuses))
            if refusal:
                self.module.fail_json(msg=refusal + "; set force=true to remove it anyway", members=self.members)
        if not member["is_learner"] and member["client_urls"]:
            self.move_leadership_away(member, statuses)
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
            **({"caught_up": self.caught_up} if self.caught_up else {}),
            "id": (after or before or {}).get("id", ""), "id_decimal": (after or before or {}).get("id_decimal", 0),
        }
        if self.module._diff:
            result["diff"] = {"before": before or {}, "after": after or {}}
        return result
