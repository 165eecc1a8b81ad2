# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster topology: who the members are and how they reach each other."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, List, Mapping
from urllib.parse import urlsplit

PROTOCOLS = ("https", "http")
# How a new cluster's members find each other: the initial cluster from the inventory, or DNS SRV records.
DISCOVERY_MODES = ("static", "srv")
WILDCARD_ADDRESSES = ("0.0.0.0", "::")


class TopologyError(ValueError):
    """The inventory does not describe a valid etcd cluster."""


def _host_part(address: str) -> str:
    """An address as it stands in a URL: IPv6 literals go in brackets."""
    address = address.strip("[]")
    try:
        if ipaddress.ip_address(address).version == 6:
            return "[%s]" % address
    except ValueError:
        pass  # a host name
    return address


def _port(value: Any, variable: str, host: str) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if not 0 < port < 65536:
        raise TopologyError("%s of %s is %r: a port must be a number from 1 to 65535" % (variable, host, value))
    return port


def _fqdn(hostname: str, domain: str) -> str:
    """hostname.domain, unless the host name has a domain already (or there is none)."""
    return hostname if "." in hostname or not domain else "%s.%s" % (hostname, domain.strip("."))


def _duplicates(values: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """{value: [hosts]} for every value that more than one host has."""
    seen: dict[str, list[str]] = {}
    for host, value in values:
        seen.setdefault(value, []).append(host)
    return {value: hosts for value, hosts in seen.items() if len(hosts) > 1}


def cluster_members(
    hosts: list[str],
    hostvars: Mapping[str, Mapping[str, Any]],
    client_port: int = 2379,
    peer_port: int = 2380,
    protocol: str = "https",
    metrics_port: int = 2381,
    metrics_scheme: str = "http",
    discovery: str = "static",
    domain: str = "",
    srv_records: Iterable[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """One entry per member, in inventory order.

    A host may override etcd_name, etcd_address, etcd_client_port, etcd_peer_port and etcd_metrics_port. This is
    where the name and address fall back (the roles' defaults are these members'): the inventory name, and
    ansible_host, then the inventory name. The metrics URL is plain HTTP unless metrics_scheme is https (then etcd
    serves it with the client port's TLS): etcd serves /metrics and /health there, and nothing else.

    With discovery srv, each member's SRV target (the target of the srv_records entry named after it, else
    etcd_hostname.etcd_domain_name, the domain falling back to domain) is the host of its peer URL: etcd puts the
    targets in the cluster's member list when it bootstraps from the records, and peers dial them. It listens on
    its address still (peer_listen_url): etcd binds to addresses only.
    """
    if not hosts:
        raise TopologyError("the etcd group is empty: add the member hosts to the inventory group named by etcd_inventory_group")
    if protocol not in PROTOCOLS:
        raise TopologyError("etcd_protocol is %r: use https (or http for a throwaway test cluster)" % (protocol,))
    if metrics_scheme not in ("http", "https"):
        raise TopologyError("etcd_metrics_scheme is %r: use http, or https for the client port's TLS" % (metrics_scheme,))
    if discovery not in DISCOVERY_MODES:
        raise TopologyError("etcd_discovery is %r: use static (the initial cluster from the inventory) or srv (DNS SRV "
                            "records)" % (discovery,))
    targets = {str(record.get("name")): str(record.get("target") or "").rstrip(".")
               for record in srv_records or () if isinstance(record, Mapping)}

    members = []
    for host in hosts:
        hv = hostvars.get(host, {})
        name = str(hv.get("etcd_name") or host)
        address = str(hv.get("etcd_address") or hv.get("ansible_host") or host)
        cport = _port(hv.get("etcd_client_port", client_port), "etcd_client_port", host)
        pport = _port(hv.get("etcd_peer_port", peer_port), "etcd_peer_port", host)
        if cport == pport:
            raise TopologyError(
                "%s uses port %d for both etcd_client_port and etcd_peer_port: give them different ports" % (host, cport)
            )
        mport = _port(hv.get("etcd_metrics_port", metrics_port), "etcd_metrics_port", host)
        if mport in (cport, pport):
            raise TopologyError(
                "%s uses port %d for both etcd_metrics_port and %s: give the metrics listener a port of its own"
                % (host, mport, "etcd_client_port" if mport == cport else "etcd_peer_port")
            )
        url_host = _host_part(address)
        srv_target = ""
        if discovery == "srv":
            srv_target = targets.get(name) or _fqdn(str(hv.get("etcd_hostname") or host),
                                                    str(hv.get("etcd_domain_name") or domain))
        peer_listen_url = "%s://%s:%d" % (protocol, url_host, pport)
        members.append(
            {
                "host": host,
                "name": name,
                "address": address.strip("[]"),
                "client_url": "%s://%s:%d" % (protocol, url_host, cport),
                "peer_url": "%s://%s:%d" % (protocol, srv_target, pport) if srv_target else peer_listen_url,
                "peer_listen_url": peer_listen_url,
                "metrics_url": "%s://%s:%d" % (metrics_scheme, url_host, mport),
                "srv_target": srv_target,
            }
        )

    problems = []
    for label, key in (("member name", "name"), ("client URL", "client_url"), ("peer URL", "peer_url"),
                       ("metrics URL", "metrics_url")):
        for value, owners in sorted(_duplicates((m["host"], m[key]) for m in members).items()):
            problems.append("%s %s is used by %s" % (label, value, ", ".join(owners)))
    if problems:
        raise TopologyError(
            "every member needs its own etcd_name and address (or ports): " + "; ".join(problems)
        )
    return members


def initial_cluster(members: list[Mapping[str, Any]]) -> str:
    """etcd's --initial-cluster: name=peer_url,..."""
    if not members:
        raise TopologyError("no members to build the initial cluster from")
    return ",".join("%s=%s" % (m["name"], m["peer_url"]) for m in members)


def is_ip(value: str) -> bool:
    """Whether value is an IPv4 or IPv6 address (without brackets)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def certificate_sans(names: Iterable[str], urls: Iterable[str] = ()) -> List[str]:
    """Subject alternative names, DNS:... or IP:..., for the given names and addresses and the hosts of the
    URLs a member listens on or advertises; wildcard addresses name nothing. Order kept, duplicates dropped."""
    entries = [str(name) for name in names if str(name)]
    entries += [urlsplit(str(url)).hostname or "" for url in urls]
    sans: List[str] = []
    for entry in entries:
        if not entry or entry in WILDCARD_ADDRESSES:
            continue
        san = "IP:%s" % entry if is_ip(entry) else "DNS:%s" % entry
        if san not in sans:
            sans.append(san)
    return sans
