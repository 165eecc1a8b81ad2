# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/status.yml's report: one table of the members, and why the cluster is not well."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import cluster_member, cluster_problems

ETCD_DEFAULT_QUOTA = 2 * 1024 ** 3
# A database fuller than this share of its quota is reported, as the EtcdDatabaseNearQuota alert does.
QUOTA_SHARE_REPORTED = 0.8
# etcd's snapshot-catchup-entries: a follower further behind than this is sent a whole snapshot to catch up.
CATCHUP_ENTRIES = 5000
COLUMNS = ("MEMBER", "HOST", "HEALTH", "ROLE", "VERSION", "TERM", "APPLIED", "LAG", "DB SIZE", "IN USE", "OF QUOTA",
           "ALARMS", "CERT EXPIRES")


def _size(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return "%d %s" % (size, unit) if unit == "B" else "%.1f %s" % (size, unit)
        size /= 1024.0
    return "%.1f GiB" % size


def _percent(part: int, whole: int) -> int:
    return int(round(100.0 * part / whole))


def _days(seconds: float) -> int:
    return int(seconds // 86400)


def _role(listed: Mapping[str, Any]) -> str:
    if listed.get("is_learner"):
        return "learner"
    if not listed.get("reachable"):
        return "voter"  # leader or follower: it did not say
    return "leader" if listed.get("is_leader") else "follower"


def _unreached(host: Mapping[str, Any]) -> str:
    """Why Ansible could not read the host (unreachable, or its connection failed), or ''."""
    if not host.get("unreachable") and "unit" in host:
        return ""
    return " ".join(str(host.get(key, "")).strip() for key in ("msg", "module_stderr") if host.get(key)) or "no answer"


def _soonest_certificate(host: Mapping[str, Any]) -> Optional[tuple]:
    """(path, expiry) of the certificate on the host that expires first; None when none was read."""
    dated = [(expiry, path) for path, expiry in (host.get("certificate_expiry") or {}).items() if expiry]
    return (min(dated)[1], min(dated)[0]) if dated else None


def _health(listed: Optional[Mapping[str, Any]], host: Mapping[str, Any]) -> str:
    if _unreached(host):
        return "host unreachable"
    unit = host.get("unit") or {}
    if unit and unit.get("active_state") != "active":
        return "etcd %s" % unit.get("active_state")
    if listed is None:
        return "not a member"
    if not listed.get("reachable"):
        return "not answering"
    return "healthy" if listed.get("healthy") else "unhealthy"


def status_report(cluster: Mapping[str, Any], members: Sequence[Mapping[str, Any]], hosts: Mapping[str, Mapping[str, Any]],
                  backup: Optional[Mapping[str, Any]] = None, certificate_days: int = 14, backup_max_age: int = 0,
                  now: Optional[float] = None) -> Dict[str, List[str]]:
    """The report of the cluster (etcd_info's result), its inventory members (etcd_members), and each member's host
    (host to etcd_host_info's result, or the unreachable result in its place).

    backup: the latest backup as etcd-backup --find latest prints it ({} when there is none, an "error" key when it
    could not be asked), None when the cluster takes no backups. certificate_days: a certificate that expires sooner is a
    problem; backup_max_age: so is a backup older than this many seconds.

    Returns {"table": lines, "problems": why the cluster is not well}; the table has a row for every member, those
    down or unreachable too."""
    now = time.time() if now is None else now
    listed_members = [cluster_member(cluster, member["peer_url"], member.get("name", "")) for member in members]
    read = {member["host"]: hosts.get(member["host"]) or {} for member in members}
    units = {name: host["unit"] for name, host in read.items() if host.get("unit", {}).get("exists")}
    problems = ["%s: not reachable by Ansible: %s" % (name, _unreached(host)) for name, host in read.items() if _unreached(host)]
    problems += cluster_problems(cluster, members, units=units)
    alarms: Dict[str, List[str]] = {}
    for alarm in cluster.get("alarms") or []:
        alarms.setdefault(alarm.get("id", ""), []).append(alarm.get("alarm", "?"))
    applied = [listed.get("raft_applied_index", 0) for listed in listed_members if listed and listed.get("reachable")]
    newest_applied = max(applied) if applied else 0

    rows = [COLUMNS]
    for member, listed in zip(members, listed_members):
        host = read[member["host"]]
        answered = bool(listed and listed.get("reachable"))
        quota = host.get("quota_backend_bytes") or ETCD_DEFAULT_QUOTA
        soonest = _soonest_certificate(host)
        member_alarms = alarms.get(listed.get("id", ""), []) if listed else []
        lag = newest_applied - listed.get("raft_applied_index", 0) if answered else None
        rows.append((
            member.get("name", member["host"]), member["host"], _health(listed, host),
            _role(listed) if listed else "-",
            listed.get("server_version") or "-" if listed else "-",
            str(listed.get("raft_term", "-")) if answered else "-",
            str(listed.get("raft_applied_index", "-")) if answered else "-",
            str(lag) if answered else "-",
            _size(listed["db_size"]) if answered else "-",
            _size(listed["db_size_in_use"]) if answered else "-",
            "%d%% of %s" % (_percent(listed["db_size"], quota), _size(quota)) if answered else "-",
            ",".join(member_alarms) or "-",
            "%d days (%s)" % (_days(soonest[1] - now), soonest[0].rsplit("/", 1)[-1]) if soonest else "-",
        ))
        if member_alarms:
            problems.append("%s has the alarm %s raised: see etcdctl alarm list, and disarm it once its cause is gone"
                            % (member["host"], " and ".join(member_alarms)))
        if answered and listed["db_size"] >= QUOTA_SHARE_REPORTED * quota:
            problems.append("%s: its database (%s) has reached %d%% of its quota (%s): compact and defragment "
                            "(etcd_defrag_enabled), or raise etcd_quota_backend_bytes"
                            % (member["host"], _size(listed["db_size"]), _percent(listed["db_size"], quota), _size(quota)))
        if lag is not None and lag > CATCHUP_ENTRIES:
            problems.append("%s has applied %d entries fewer than the newest member: more than etcd sends as entries "
                            "(%d), it catches up from a snapshot" % (member["host"], lag, CATCHUP_ENTRIES))
        if soonest and soonest[1] - now < certificate_days * 86400:
            problems.append(_certificate_problem(member["host"], soonest[0], _days(soonest[1] - now)))

    widths = [max(len(str(row[column])) for row in rows) for column in range(len(COLUMNS))]
    table = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    table.append("cluster %s, leader %s, cluster version %s" % (
        cluster.get("cluster_id") or "not answering", cluster.get("leader_name") or "none", cluster.get("cluster_version") or "-"))
    table.append("latest backup: %s" % _backup_line(backup))
    problems += _backup_problems(backup, backup_max_age)
    return {"table": table, "problems": problems}


def _certificate_problem(host: str, path: str, days: int) -> str:
    if path.endswith("/ca.pem"):
        return ("%s: the CA it trusts (%s) expires in %d days, and no deploy replaces it: rotate the CA with "
                "playbooks/rotate_ca.yml" % (host, path, days))
    return ("%s: its certificate %s expires in %d days: run playbooks/rotate_certificates.yml, or cluster.yml, which "
            "renews those within etcd_pki_renew_days" % (host, path, days))


def _backup_line(backup: Optional[Mapping[str, Any]]) -> str:
    if backup is None:
        return "none taken: backups are off (etcd_backup_enabled)"
    if backup.get("error"):
        return "unknown: %s" % backup["error"]
    if not backup.get("id"):
        return "none yet"
    return "%s of %s, %d s old" % (backup["id"], backup["time"], backup["age"])


def _backup_problems(backup: Optional[Mapping[str, Any]], max_age: int) -> List[str]:
    if backup is None:
        return []
    if backup.get("error"):
        return ["the latest backup could not be read: %s" % backup["error"]]
    if not backup.get("id"):
        return ["the repository holds no backup of the cluster: run playbooks/backup.yml"]
    if max_age and backup["age"] > max_age:
        return ["the latest backup, %s of %s, is %d s old, more than etcd_backup_max_age (%d s): backups are not being "
                "taken (see journalctl -u etcd-backup on the members)" % (backup["id"], backup["time"], backup["age"], max_age)]
    return []
