# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts of the hosts of a play, read from hostvars on the controller."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional


def fact_of(host_vars: Mapping[str, Any], fact_path: str) -> Any:
    """The value at fact_path (dotted: _etcd_host.unit.active_state) of one host's variables, or None."""
    value: Any = host_vars
    for key in fact_path.split("."):
        try:
            value = value[key]
        except (KeyError, TypeError):
            return None
    return value


def host_facts(hosts: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]], fact_path: str) -> Dict[str, Any]:
    """Each host, in order, to its fact at fact_path (None when it has none)."""
    return {host: fact_of(hostvars[host], fact_path) for host in hosts}


def hosts_where(hosts: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]], fact_path: str, value: Any) -> List[str]:
    """The hosts, in their order, whose fact at fact_path equals value."""
    return [host for host, fact in host_facts(hosts, hostvars, fact_path).items() if fact == value]


def peer_common_name_required(hosts: Iterable[str], hostvars: Mapping[str, Mapping[str, Any]], common_name: str) -> bool:
    """Whether the members may require common_name of their peers' certificates (etcd's allowed-cn) now, read from
    each member's etcd_host_info (_etcd_host): once one does, they all may (every member had such a certificate when
    it began); else only when every member runs a peer certificate with it (a restart applied it), or is new and
    will start with one. Otherwise a member restarted first would refuse its peers' older certificates."""
    facts = [hostvars[host].get("_etcd_host") for host in hosts]
    if any(fact and fact.get("peer_allowed_common_name") == common_name for fact in facts):
        return True

    def ready(fact: Any) -> bool:
        if not fact:
            return False  # not read in this play (--limit): unknown
        if fact.get("peer_certificate_common_name") == common_name:
            return not fact.get("restart_pending")
        unit, data = fact.get("unit") or {}, fact.get("data_dir") or {}
        return (fact.get("peer_certificate_common_name") is None and unit.get("active_state") != "active"
                and data.get("has_member") is False)
    return bool(facts) and all(ready(fact) for fact in facts)


def _listed(cluster_members: List[Mapping[str, Any]], peer_url: str) -> Optional[Mapping[str, Any]]:
    return next((listed for listed in cluster_members if peer_url in listed.get("peer_urls", [])), None)


def _listed_as(cluster_members: List[Mapping[str, Any]], member: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    """The cluster's member with this member's peer URL, else the started one with its name (a host that came
    back with a new address)."""
    return _listed(cluster_members, member["peer_url"]) or next(
        (listed for listed in cluster_members if listed.get("name") and listed["name"] == member["name"]), None)


def join_plan(members: List[Mapping[str, Any]], hostvars: Mapping[str, Mapping[str, Any]],
              cluster: Optional[Mapping[str, Any]], replace: Iterable[str] = (),
              replace_lost: bool = False, discovery: str = "static") -> Dict[str, Any]:
    """Which members join the running cluster this run, one at a time, and what each member's etcd starts with.

    A member joins when the cluster answered and the member has no data and does not run, and the cluster does
    not list it, or lists it as added only (never started), or lists it as started but it is to be replaced (its
    name in replace, or replace_lost): a member whose data was lost is removed by its ID and added again, never
    bootstrapped anew. Those already added join first, then those replaced, then the others in the group's order.
    Each joins with initial-cluster-state existing and the cluster as it will be then (etcd checks that the list
    matches its own). A bootstrapped member keeps the initial-* settings its configuration file has: etcd reads
    them only at bootstrap, so a change would restart it for nothing. Any other member bootstraps a new cluster
    of the whole group, or, with discovery srv, from the DNS SRV records (an empty initial cluster).

    Returns {joining: [host], replacing: {host: ID of the member it replaces}, initial_cluster: {host:
    "name=url,..."}, initial_cluster_state: {host: state}}."""
    listed_members = list((cluster or {}).get("members") or [])
    replace = set(replace)
    joining, replacing = [], {}
    for member in members:
        fact = hostvars[member["host"]].get("_etcd_host") or {}
        if (fact.get("data_dir") or {}).get("has_member") is not False \
                or (fact.get("unit") or {}).get("active_state") == "active" or not listed_members:
            continue
        listed = _listed_as(listed_members, member)
        if listed is None or not listed.get("name"):
            joining.append(member)
        elif replace_lost or member["name"] in replace:
            joining.append(member)
            replacing[member["host"]] = listed.get("id")

    def order(member: Mapping[str, Any]) -> int:
        if member["host"] in replacing:
            return 1
        return 0 if _listed(listed_members, member["peer_url"]) else 2
    joining.sort(key=order)

    def named(listed: Mapping[str, Any]) -> List[str]:
        ours = next((m for m in members if m["peer_url"] in listed.get("peer_urls", [])), None)
        name = ours["name"] if ours else listed.get("name") or listed.get("id")
        return ["%s=%s" % (name, url) for url in listed.get("peer_urls", [])]

    # The cluster's list as each joining member finds it: replaced members leave it just before their host joins.
    current = [(listed.get("id"), entry) for listed in listed_members for entry in named(listed)]
    initial_cluster, state = {}, {}
    for member in joining:
        if member["host"] in replacing:
            current = [(member_id, entry) for member_id, entry in current if member_id != replacing[member["host"]]]
        if member["host"] in replacing or _listed(listed_members, member["peer_url"]) is None:
            current.append((None, "%s=%s" % (member["name"], member["peer_url"])))
        initial_cluster[member["host"]] = ",".join(entry for dummy, entry in current)
        state[member["host"]] = "existing"
    whole_group = "" if discovery == "srv" else ",".join("%s=%s" % (m["name"], m["peer_url"]) for m in members)
    for member in members:
        if member["host"] in state:
            continue
        fact = hostvars[member["host"]].get("_etcd_host") or {}
        kept = fact.get("bootstrap_settings") or {} if (fact.get("data_dir") or {}).get("has_member") else {}
        initial_cluster[member["host"]] = kept.get("initial-cluster") or ("" if kept.get("discovery-srv") else whole_group)
        state[member["host"]] = kept.get("initial-cluster-state") or "new"
    return {"joining": [member["host"] for member in joining], "replacing": replacing,
            "initial_cluster": initial_cluster, "initial_cluster_state": state}


def recovery_plan(members: List[Mapping[str, Any]], hostvars: Mapping[str, Mapping[str, Any]],
                  cluster: Optional[Mapping[str, Any]], source: str = "") -> Dict[str, Any]:
    """Which member recover.yml rebuilds a one-member cluster from, or why it must not begin.

    cluster is what etcd_info returned: a member list means the cluster has its quorum, and nothing is to be
    recovered; without one, its statuses say what each member applied of the log. The source is the member named
    (etcd_recover_from) or, of the members whose host has their data and that answer, the one that applied the
    most, the first of the group on a tie. A member that still sees a leader means the quorum may be coming back; one
    whose etcd runs but does not answer leaves it unknown whether the cluster has its quorum.

    Returns {source: host or "", name, applied_index, problems: [sentence]}."""
    cluster = cluster or {}
    plan: Dict[str, Any] = {"source": "", "name": "", "applied_index": 0, "problems": []}
    if cluster.get("members"):
        plan["problems"].append(
            "the cluster has its quorum (leader %s): recover.yml rebuilds only a cluster that lost it for good; replace "
            "a lost member with replace_member.yml, or remove it with remove_member.yml"
            % (cluster.get("leader_name") or cluster.get("leader") or "none yet"))
        return plan
    statuses = {status["endpoint"].rstrip("/"): status for status in cluster.get("statuses") or [] if status.get("answered")}
    status_of = {member["host"]: statuses.get(member["client_url"].rstrip("/")) for member in members}
    names = {status["id"]: member["name"] for member in members for status in [status_of[member["host"]]] if status}
    for member in members:
        status = status_of[member["host"]]
        if status and status.get("leader") not in (None, "", "0"):
            plan["problems"].append(
                "%s still follows a leader (%s): the quorum may be coming back; run recover.yml only once the lost "
                "members are gone for good" % (member["name"], names.get(status["leader"], status["leader"])))
        # Its etcd runs but did not answer: whether the cluster has its quorum cannot be told (a certificate or port
        # wrong as well as a lost quorum makes etcd_info fail), so nothing is rebuilt.
        elif not status and fact_of(hostvars[member["host"]], "_etcd_host.unit.active_state") == "active":
            reason = next((s.get("reason") for s in cluster.get("statuses") or []
                           if s["endpoint"].rstrip("/") == member["client_url"].rstrip("/")), "") or "no answer"
            plan["problems"].append(
                "%s runs etcd but did not answer (%s): recover.yml cannot tell whether the cluster still has its quorum; "
                "mend the connection (certificates, etcd_client_port) or stop etcd on that host" % (member["name"], reason))
    with_data = [member for member in members
                 if (fact_of(hostvars[member["host"]], "_etcd_host.data_dir.has_member")) is True]
    if source:
        chosen = next((member for member in members if member["name"] == source), None)
        if chosen is None:
            plan["problems"].append("etcd_recover_from is %s, which is not a member of the inventory group (%s): give "
                                    "the name (etcd_name) of the member to rebuild the cluster from"
                                    % (source, ", ".join(member["name"] for member in members)))
        elif chosen not in with_data:
            plan["problems"].append("etcd_recover_from is %s, but its host %s has no member data in its data dir: name "
                                    "a member whose host kept its data" % (source, chosen["host"]))
    else:
        answering = [member for member in with_data if status_of[member["host"]]]
        chosen = max(answering, key=lambda member: status_of[member["host"]]["raft_applied_index"], default=None)
        if chosen is None:
            plan["problems"].append(
                "no member whose host has its data answers (with its data: %s): name the member to rebuild the cluster "
                "from, -e etcd_recover_from=NAME" % (", ".join(member["name"] for member in with_data) or "none"))
    if chosen is not None and not plan["problems"]:
        status = status_of[chosen["host"]] or {}
        plan.update(source=chosen["host"], name=chosen["name"], applied_index=status.get("raft_applied_index", 0))
    return plan
