# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which members a rolling change touches, and in which order."""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping


def leader_hosts(members: Iterable[Mapping[str, Any]], cluster: Mapping[str, Any]) -> List[str]:
    """The inventory hosts of the members the cluster (as etcd_info read it) names as its leader."""
    leader_urls = {url for listed in cluster.get("members") or [] if listed.get("is_leader")
                   for url in listed.get("peer_urls", [])}
    return [member["host"] for member in members if member["peer_url"] in leader_urls]


def restart_order(hosts: Iterable[str], members: Iterable[Mapping[str, Any]], cluster: Mapping[str, Any],
                  running: Iterable[str]) -> List[str]:
    """The hosts, members that do not run first (they serve nothing now), the leader last (one election, not
    one per restart)."""
    hosts, running = list(hosts), set(running)
    leaders = set(leader_hosts(members, cluster))
    return ([host for host in hosts if host not in running]
            + [host for host in hosts if host in running and host not in leaders]
            + [host for host in hosts if host in running and host in leaders])
