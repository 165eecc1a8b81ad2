# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts of the hosts of a play, read from hostvars on the controller."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping


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
