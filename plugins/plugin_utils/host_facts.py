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
