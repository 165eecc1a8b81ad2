# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Defragmentation: which members, in which order, and the compaction and leadership moves around it (etcd_defrag)."""

from __future__ import annotations

import time

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdApiError, EtcdError, parse_member_id


ALREADY_COMPACTED = "required revision has been compacted"


def defrag_decision(db_size: int, in_use: int, threshold_bytes: int | None,
                    threshold_ratio: float | None) -> tuple[bool, str]:
    """(defragment?, reason) for a member's sizes."""
    free = max(db_size - in_use, 0)
    ratio = float(free) / db_size if db_size else 0.0
    described = "%d bytes free (%.1f %%)" % (free, ratio * 100)
    if threshold_bytes is None and threshold_ratio is None:
        return free > 0, described + (", some free space" if free else ", nothing to gain")
    short = []
    if threshold_bytes is not None and free <= threshold_bytes:
        short.append("not above %d bytes" % threshold_bytes)
    if threshold_ratio is not None and ratio <= threshold_ratio:
        short.append("not above the ratio %g" % threshold_ratio)
    if short:
        return False, "%s, %s" % (described, " and ".join(short))
    return True, described + ", above the threshold"


def defrag_order(targets: list, leader: str) -> list:
    """Followers first (by name), the leader last."""
    return sorted(targets, key=lambda m: (m["id"] == leader, m["name"], m["id"]))


def select_members(members: list, wanted: list) -> list:
    """The voting members named (by name or hex ID) in ``wanted``, or all voting members."""
    voting = [m for m in members if not m["is_learner"]]
    if not wanted:
        return voting
    selected = []
    for item in wanted:
        found = [m for m in members if m["name"] == item]
        if not found:
            try:
                found = [m for m in members if m["id_decimal"] == parse_member_id(item)]
            except ValueError:
                found = []
        if not found:
            raise ValueError("no member named or with ID %r (members: %s)"
                             % (item, ", ".join(m["name"] or m["id"] for m in members)))
        if found[0]["is_learner"]:
            raise ValueError("member %s is a learner; etcd does not defragment learners through the API" % item)
        if found[0] not in selected:
            selected.append(found[0])
    return selected


class Defragmenter:
    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.p = module.params
        self.changed = False
        self.result = {"compacted_revision": None, "leader_transferred_to": "", "disarmed": []}

    def statuses(self, targets: list) -> dict:
        found = {}
        for member in targets:
            status, reason = self.client.first_status(member["client_urls"])
            if status is None:
                raise EtcdError("member %s (%s) cannot be reached: %s" % (member["name"], member["id"], reason))
            found[member["id"]] = status
        return found

    def settled_statuses(self, targets: list, before: dict, rounds: int = 4) -> dict:
        """Statuses once dbSizeInUse reflects the compaction. etcd computes it when its backend commits, and
        bbolt only counts pages freed by one commit as free two commits later, so on an idle cluster the old
        figure would stay. Granting and revoking a lease (no key is touched) in separate backend batches makes
        every member commit; this is repeated until the figures hold still."""
        current = before
        for attempt in range(rounds):
            try:
                lease_id = self.client.lease_grant(5)
                time.sleep(0.25)  # longer than etcd's default backend batch interval (100 ms)
                self.client.lease_revoke(lease_id)
            except EtcdApiError:
                pass  # refused under a NOSPACE alarm; such members are defragmented whatever their figures say
            time.sleep(0.25)
            previous, current = current, self.statuses(targets)
            if attempt and all(current[k]["db_size_in_use"] == previous[k]["db_size_in_use"] for k in current):
                break
        return current

    def compact(self, revision: int) -> None:
        if self.module.check_mode:
            self.changed = True
            self.result["compacted_revision"] = revision
            return
        try:
            self.client.compact(revision, physical=True, timeout=self.p["defrag_timeout"])
        except EtcdApiError as exc:
            if ALREADY_COMPACTED in exc.server_message:
                return
            raise
        self.changed = True
        self.result["compacted_revision"] = revision

    def transfer_leadership(self, leader: dict, members: list, statuses: dict) -> None:
        indexes = {}
        for member in members:
            if member["id"] != leader["id"] and not member["is_learner"]:
                status = statuses.get(member["id"]) or self.client.first_status(member["client_urls"])[0]
                if status:
                    indexes[member["id"]] = (status["raft_index"], member)
        if not indexes:
            return
        target = max(indexes.values(), key=lambda item: item[0])[1]
        self.changed = True
        self.result["leader_transferred_to"] = target["id"]
        if not self.module.check_mode:
            self.client.move_leader(target["id_decimal"], statuses[leader["id"]]["endpoint"])

    def defragment(self, member: dict, status: dict, leader: str, members: list, statuses: dict) -> dict:
        wanted, reason = defrag_decision(status["db_size"], status["db_size_in_use"],
                                         self.p["threshold_bytes"], self.p["threshold_ratio"])
        if any(a["id"] == member["id"] and a["alarm"] == "NOSPACE" for a in self.result["alarms"]):
            wanted, reason = True, reason + "; NOSPACE alarm raised"
        entry = {"name": member["name"], "id": member["id"], "endpoint": status["endpoint"],
                 "was_leader": member["id"] == leader, "db_size_before": status["db_size"],
                 "db_size_in_use_before": status["db_size_in_use"], "db_size_after": status["db_size"],
                 "db_size_in_use_after": status["db_size_in_use"], "defragmented": wanted, "reason": reason}
        if not wanted:
            return entry
        self.changed = True
        if entry["was_leader"] and self.p["transfer_leadership"]:
            self.transfer_leadership(member, members, statuses)
        if self.module.check_mode:
            return entry
        self.client.defragment(status["endpoint"], timeout=self.p["defrag_timeout"])
        after = self.client.status(status["endpoint"])
        entry.update(db_size_after=after["db_size"], db_size_in_use_after=after["db_size_in_use"])
        return entry

    def disarm(self, alarms: list) -> None:
        for alarm in alarms:
            if alarm["alarm"] != "NOSPACE":
                continue
            self.changed = True
            self.result["disarmed"].append(alarm)
            if not self.module.check_mode:
                self.client.disarm(alarm)

    def run(self) -> dict:
        _cluster, members = self.client.member_list()
        try:
            targets = select_members(members, self.p["members"])
        except ValueError as exc:
            self.module.fail_json(msg=str(exc))
        self.result["alarms"] = self.client.alarms()
        statuses = self.statuses(targets)
        if self.p["compact"]:
            self.compact(max(s["revision"] for s in statuses.values()))
            if not self.module.check_mode:
                statuses = self.settled_statuses(targets, statuses)
        leader = next(iter(statuses.values()))["leader"]
        self.result["members"] = [self.defragment(m, statuses[m["id"]], leader, members, statuses)
                                  for m in defrag_order(targets, leader)]
        if self.p["disarm_nospace"]:
            self.disarm(self.result["alarms"])
        self.result["changed"] = self.changed
        return self.result
