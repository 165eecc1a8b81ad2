# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The nftables rules that keep etcd's ports to the hosts that need them, and the firewalld policy that lets the
same hosts through firewalld's zones (runs on the controller)."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, List, Sequence, Tuple, Union
from urllib.parse import urlsplit

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

TABLE = "quorum_etcd"
POLICY = "quorum-etcd"


def _network(entry: Any) -> Network:
    return ipaddress.ip_network(str(entry).strip(), strict=False)


def network_problems(variable: str, entries: Iterable[Any]) -> List[str]:
    """One line per entry of variable that is neither an address nor a network."""
    problems = []
    for entry in entries:
        try:
            _network(entry)
        except ValueError:
            problems.append("%s: %r is neither an IP address nor a network in CIDR notation (such as 10.0.0.0/24); "
                            "nftables matches addresses, not names" % (variable, entry))
    return problems


def member_problems(members: Sequence[dict]) -> List[str]:
    """The members whose address nftables cannot match (a name, not an IP address)."""
    return ["etcd_firewall_enabled is true, but member %s has the address %r, which is not an IP address: the peer "
            "port is opened to the members by address; give etcd_address as an IP address, or leave the firewall off"
            % (member["name"], member["address"]) for member in members if network_problems("", [member["address"]])]


def ports(urls: Union[str, Iterable[str]]) -> List[int]:
    """The ports of etcd's listen URLs (a list, or a comma-separated string as etcd takes it)."""
    if isinstance(urls, str):
        urls = urls.split(",")
    found = {urlsplit(url.strip()).port for url in urls if url.strip()}
    return sorted(port for port in found if port)


def _collapsed(entries: Iterable[Any], version: int) -> List[str]:
    networks = [n for n in (_network(e) for e in entries) if n.version == version]
    return [str(n.network_address) if n.num_addresses == 1 else str(n) for n in ipaddress.collapse_addresses(networks)]


def _accept(port_list: List[int], sources: List[Any]) -> List[str]:
    rules = []
    for family, version in (("ip", 4), ("ip6", 6)):
        addresses = _collapsed(sources, version)
        if port_list and addresses:
            rules.append("tcp dport { %s } %s saddr { %s } accept"
                         % (", ".join(map(str, port_list)), family, ", ".join(addresses)))
    return rules


def _allowed(members: Sequence[dict], client_networks: Iterable[Any], metrics_networks: Iterable[Any],
             client_urls: Union[str, Iterable[str]], peer_urls: Union[str, Iterable[str]],
             metrics_urls: Union[str, Iterable[str]]) -> List[Tuple[List[int], List[Any]]]:
    """(ports, sources allowed to them): the peer ports to the members, the client ports to the members and
    client_networks, the metrics ports to the members and metrics_networks."""
    member_addresses = [member["address"] for member in members]
    return [(ports(peer_urls), member_addresses),
            (ports(client_urls), member_addresses + list(client_networks)),
            (ports(metrics_urls), member_addresses + list(metrics_networks))]


def ruleset(members: Sequence[dict], client_networks: Iterable[Any], metrics_networks: Iterable[Any],
            client_urls: Union[str, Iterable[str]], peer_urls: Union[str, Iterable[str]],
            metrics_urls: Union[str, Iterable[str]] = ()) -> str:
    """An nftables file that replaces the collection's table in one transaction: etcd's peer ports open to the
    members, its client ports to the members and client_networks, its metrics ports to the members and
    metrics_networks, all three to the host itself; any other host is answered with a TCP reset. The table only
    restricts: a packet must pass the host's own rules too."""
    allowed = _allowed(members, client_networks, metrics_networks, client_urls, peer_urls, metrics_urls)
    rules = ['iif "lo" accept']
    for port_list, sources in allowed:
        rules += _accept(port_list, sources)
    guarded = sorted({port for port_list, _sources in allowed for port in port_list})
    rules.append("tcp dport { %s } reject with tcp reset" % ", ".join(map(str, guarded)))
    lines = [
        "# Written by quorum.etcd (etcd_firewall): etcd's ports open to the members and the declared networks only.",
        "table inet %s {}" % TABLE,
        "delete table inet %s" % TABLE,
        "table inet %s {" % TABLE,
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy accept;",
    ] + ["\t\t" + rule for rule in rules] + ["\t}", "}"]
    return "\n".join(lines) + "\n"


def firewalld_policy(members: Sequence[dict], client_networks: Iterable[Any], metrics_networks: Iterable[Any],
                     client_urls: Union[str, Iterable[str]], peer_urls: Union[str, Iterable[str]],
                     metrics_urls: Union[str, Iterable[str]] = ()) -> str:
    """A firewalld policy (firewalld 0.9 and later) that accepts on etcd's ports the hosts ruleset() lets through,
    before any zone's rules (a negative priority), from every zone to the host: on a host whose firewall is
    firewalld, its zones would turn them away. It only opens; the nftables table still turns the others away."""
    rules = []
    for port_list, sources in _allowed(members, client_networks, metrics_networks, client_urls, peer_urls, metrics_urls):
        for family, version in (("ipv4", 4), ("ipv6", 6)):
            for address in _collapsed(sources, version):
                for port in port_list:
                    rules += ['  <rule family="%s">' % family, '    <source address="%s"/>' % address,
                              '    <port port="%d" protocol="tcp"/>' % port, "    <accept/>", "  </rule>"]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<policy target="CONTINUE" priority="-100">',
        "  <short>%s</short>" % POLICY,
        "  <description>Written by quorum.etcd (etcd_firewall): etcd's ports open to the members and the declared "
        "networks.</description>",
        '  <ingress-zone name="ANY"/>',
        '  <egress-zone name="HOST"/>',
    ] + rules + ["</policy>"]
    return "\n".join(lines) + "\n"


def firewall_problems(members: Sequence[dict], client_networks: Iterable[Any], metrics_networks: Iterable[Any]) -> List[str]:
    """Why the rules cannot be written: a declared network that is not one, or a member known by name only."""
    return (network_problems("etcd_firewall_client_networks", client_networks)
            + network_problems("etcd_firewall_metrics_networks", metrics_networks) + member_problems(members))
