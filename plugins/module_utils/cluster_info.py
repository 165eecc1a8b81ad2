# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the cluster is: members, leader, versions, sizes, alarms and health, as etcd_info returns it."""

from __future__ import annotations

import time

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdApiError, EtcdClient, EtcdError


def endpoint_health(client, endpoint: str) -> dict:
    started = time.monotonic()
    healthy, reason = client.health(endpoint)
    return {"endpoint": endpoint, "healthy": healthy, "reason": reason,
            "took": round(time.monotonic() - started, 3)}


def endpoint_statuses(client) -> list:
    """What each endpoint says of itself, which a member answers without a quorum. With authentication on, a
    member without a quorum cannot authenticate the user (a raft request): it is asked again without a token,
    which etcd accepts for its status."""
    anonymous = EtcdClient(client.endpoints, client.ca_cert, client.client_cert, client.client_key, timeout=client.timeout)
    statuses = []
    for endpoint in client.endpoints:
        status, reason = client.first_status([endpoint])
        if status is None and client.user:
            status, reason = anonymous.first_status([endpoint])
        statuses.append({"endpoint": endpoint, "answered": status is not None, "reason": reason or "",
                         "id": status["id"] if status else "", "leader": status["leader"] if status else "0",
                         "raft_applied_index": status["raft_applied_index"] if status else 0,
                         "revision": status["revision"] if status else 0})
    return statuses


def describe_member(client, member: dict, alarmed: set) -> dict:
    """The member merged with its own status and /version, or the reason it could not be asked."""
    status, error = client.first_status(member["client_urls"])
    info = dict(member, reachable=status is not None, healthy=False, error=error or "",
                server_version="", cluster_version="", cluster_id="", db_size=0, db_size_in_use=0,
                raft_index=0, raft_applied_index=0, raft_term=0, revision=0, leader="")
    if status is None:
        return info
    for key in ("cluster_id", "db_size", "db_size_in_use", "raft_index", "raft_applied_index", "raft_term", "revision",
                "leader"):
        info[key] = status[key]
    info["server_version"] = status["version"]
    try:
        versions = client.version(status["endpoint"])
        info["server_version"] = versions["server"] or info["server_version"]
        info["cluster_version"] = versions["cluster"]
    except EtcdError as exc:
        info["error"] = str(exc)
    info["healthy"] = status["leader"] != "0" and member["id"] not in alarmed and not status["errors"]
    return info


def gather(client) -> dict:
    cluster_id, members = client.member_list()
    try:
        alarms, alarms_error = client.alarms(), ""
    except EtcdApiError as exc:  # listing alarms needs more rights than reading members
        alarms, alarms_error = [], str(exc)
    alarmed = {a["id"] for a in alarms}
    described = [describe_member(client, m, alarmed) for m in members]
    leader = next((m["leader"] for m in described if m["reachable"] and m["leader"] != "0"), "")
    for member in described:
        member["is_leader"] = member["id"] == leader
        del member["leader"]
    cluster_version = next((m["cluster_version"] for m in described if m["cluster_version"]), "")
    for member in described:
        del member["cluster_version"]
    return {
        "cluster_id": cluster_id,
        "leader": leader,
        "leader_name": next((m["name"] for m in described if m["is_leader"]), ""),
        "cluster_version": cluster_version,
        "members": described,
        "alarms": alarms,
        "alarms_error": alarms_error,
        "endpoints": [endpoint_health(client, e) for e in client.endpoints],
    }


def cluster_or_problem(client) -> dict:
    """What gather reads, or, when the member list cannot be read, why (msg) and what each endpoint says of itself
    (statuses), as etcd_info fails with."""
    try:
        return gather(client)
    except EtcdError as exc:
        return {"msg": "reading the etcd cluster's state failed: %s" % exc, "statuses": endpoint_statuses(client)}
