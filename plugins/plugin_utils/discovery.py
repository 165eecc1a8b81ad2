# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DNS SRV discovery: the records a cluster's members bootstrap from and its clients find it by, and what a lookup
of them found missing or wrong.

etcd looks up ``_etcd-server-ssl._tcp.<domain>`` (and ``_etcd-server._tcp``, which the collection never publishes:
TLS only), resolves each target, and takes the record whose address is its own advertised peer URL's as itself;
every other record is another member of the new cluster, named after its target. etcdctl's ``--discovery-srv``
reads ``_etcd-client-ssl._tcp.<domain>``. With etcd's ``discovery-srv-name``, the services end in ``-<name>``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Dict, Iterable, List, Mapping, Sequence
from urllib.parse import urlsplit

from ansible_collections.quorum.etcd.plugins.module_utils.topology import is_ip
from ansible_collections.quorum.etcd.plugins.plugin_utils.controller_dirs import controller_dir_problems

SERVER_SERVICE = "_etcd-server-ssl"
CLIENT_SERVICE = "_etcd-client-ssl"
DEFAULT_PRIORITY = 0
DEFAULT_WEIGHT = 10
RECORD_KEYS = ("name", "target", "port", "priority", "weight")
HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}$")


def service_name(service: str, domain: str, srv_name: str = "") -> str:
    """The owner name of a service's SRV records: _etcd-server-ssl[-<srv_name>]._tcp.<domain>."""
    return "%s%s._tcp.%s" % (service, "-" + srv_name if srv_name else "", domain.strip("."))


def _number(value: Any) -> int:
    """A record's port, priority or weight, -1 when it is none (0 to 65535)."""
    if isinstance(value, bool):
        return -1
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 <= number <= 65535 else -1


def explicit_record_problems(members: Sequence[Mapping[str, Any]], records: Any) -> List[str]:
    """What is wrong with etcd_discovery_srv_records, the explicit form: one record per member (its name the
    member's etcd_name), each a host name target, the member's peer port, and priority and weight from 0 to 65535."""
    if not records:
        return []
    if not isinstance(records, (list, tuple)) or not all(isinstance(record, Mapping) for record in records):
        return ["etcd_discovery_srv_records must be a list of {name, target, port, priority, weight}, not %r" % (records,)]
    by_member = {str(member["name"]): member for member in members}
    problems = []
    seen: Dict[str, int] = {}
    for record in records:
        name = str(record.get("name", ""))
        seen[name] = seen.get(name, 0) + 1
        unknown = sorted(set(record) - set(RECORD_KEYS))
        if unknown:
            problems.append("etcd_discovery_srv_records' entry %s has %s: an entry has %s only"
                            % (name or "without a name", ", ".join(unknown), ", ".join(RECORD_KEYS)))
        if name not in by_member:
            problems.append("etcd_discovery_srv_records names %r, which is no member's etcd_name (the members are %s): "
                            "name each record after its member" % (name, ", ".join(by_member)))
            continue
        target = str(record.get("target") or "").rstrip(".")
        if not HOST_NAME.match(target) or is_ip(target):
            problems.append("etcd_discovery_srv_records' entry %s has the target %r: give the member's fully "
                            "qualified host name (etcd-1.example.com)" % (name, record.get("target")))
        peer_port = urlsplit(str(by_member[name]["peer_url"])).port
        if _number(record.get("port")) != peer_port:
            problems.append("etcd_discovery_srv_records' entry %s has the port %r, but the member's peer port is %s: "
                            "etcd dials the port of the record" % (name, record.get("port"), peer_port))
        for key in ("priority", "weight"):
            if key in record and _number(record[key]) < 0:
                problems.append("etcd_discovery_srv_records' entry %s has the %s %r: give a number from 0 to 65535"
                                % (name, key, record[key]))
    for name, count in seen.items():
        if count > 1 and name in by_member:
            problems.append("etcd_discovery_srv_records has %d entries for %s: give each member one" % (count, name))
    missing = [name for name in by_member if name not in seen]
    if missing:
        problems.append("etcd_discovery_srv_records has no entry for %s: give every member one, or leave the list "
                        "empty for the records the inventory implies" % ", ".join(missing))
    return problems


def srv_records(members: Sequence[Mapping[str, Any]], domain: str, srv_name: str = "",
                explicit: Iterable[Mapping[str, Any]] = ()) -> Dict[str, List[Dict[str, Any]]]:
    """The records of a cluster that finds its members by DNS: {"srv": [server records, then client records],
    "addresses": [the A or AAAA record of each target]}. A member's SRV target, priority and weight are those of
    its entry in explicit, else its srv_target, 0 and 10."""
    given = {str(record.get("name")): record for record in explicit or () if isinstance(record, Mapping)}
    srv: List[Dict[str, Any]] = []
    addresses: List[Dict[str, Any]] = []
    for service, url_key in ((SERVER_SERVICE, "peer_url"), (CLIENT_SERVICE, "client_url")):
        for member in members:
            record = given.get(str(member["name"]), {})
            srv.append({
                "owner": service_name(service, domain, srv_name),
                "member": member["name"],
                "target": member["srv_target"],
                "port": urlsplit(str(member[url_key])).port,
                "priority": _number(record.get("priority", DEFAULT_PRIORITY)),
                "weight": _number(record.get("weight", DEFAULT_WEIGHT)),
            })
    for member in members:
        if is_ip(str(member["address"])):
            address = ipaddress.ip_address(str(member["address"]))
            addresses.append({"name": member["srv_target"], "member": member["name"], "address": str(address),
                              "type": "AAAA" if address.version == 6 else "A"})
    return {"srv": srv, "addresses": addresses}


def discovery_problems(members: Sequence[Mapping[str, Any]], explicit: Any, directory: Any,
                       nameservers: Any) -> List[str]:
    """What keeps the cluster from finding its members by DNS, found without a look at the DNS: the explicit
    records, the controller's directory for the rendered records, and the name servers to ask."""
    problems = explicit_record_problems(members, explicit)
    problems += controller_dir_problems("etcd_discovery_dir", directory, "directory", " for the rendered records")
    if not isinstance(nameservers, (list, tuple)) or not all(is_ip(str(server)) for server in nameservers):
        problems.append("etcd_discovery_nameservers is %r: give a list of the DNS servers' IP addresses, or [] for "
                        "the controller's resolver" % (nameservers,))
    for member in members:
        if is_ip(str(member.get("srv_target", ""))) or not HOST_NAME.match(str(member.get("srv_target", ""))):
            problems.append("%s's SRV target is %r: it must be a fully qualified host name; set etcd_hostname and "
                            "etcd_domain_name, or its entry of etcd_discovery_srv_records"
                            % (member["host"], member.get("srv_target")))
    return problems


def _record_text(record: Mapping[str, Any]) -> str:
    return "%s SRV %s %s %s %s." % (record["owner"], record["priority"], record["weight"], record["port"],
                                    record["target"])


def lookup_problems(records: Mapping[str, List[Mapping[str, Any]]], found: Mapping[str, Any], where: str) -> List[str]:
    """What the DNS answered (found, from the etcd_dns_records lookup) that differs from the records: a missing
    record, one with another port, one naming no member, a target that does not resolve to its member's address.
    where says where the records to publish are."""
    problems: List[str] = []
    publish = "publish the records of %s in the domain's DNS" % where
    owners = list(dict.fromkeys(record["owner"] for record in records["srv"]))
    for owner in owners:
        expected = [record for record in records["srv"] if record["owner"] == owner]
        answer = (found.get("srv") or {}).get(owner) or {}
        if answer.get("error"):
            problems.append("the SRV records %s could not be read (%s): %s" % (owner, answer["error"], publish))
            continue
        answered = [(str(r["target"]).rstrip("."), int(r["port"])) for r in answer.get("records") or []]
        for record in expected:
            if (record["target"], record["port"]) in answered:
                continue
            ports = [port for target, port in answered if target == record["target"]]
            if ports:
                problems.append("%s points at %s on port %s, but %s listens on %s: correct the record to %s"
                                % (owner, record["target"], ", ".join(map(str, ports)), record["member"],
                                   record["port"], _record_text(record)))
            else:
                problems.append("%s has no record of %s: %s (%s)"
                                % (owner, record["member"], publish, _record_text(record)))
        targets = {record["target"] for record in expected}
        for target, port in answered:
            if target not in targets:
                problems.append("%s has a record of %s port %d, which is no member: etcd would count it as one "
                                "(and wait for it); remove the record" % (owner, target, port))
    for address in records["addresses"]:
        answer = (found.get("addresses") or {}).get(address["name"]) or {}
        if answer.get("error"):
            problems.append("%s, %s's SRV target, does not resolve (%s): %s"
                            % (address["name"], address["member"], answer["error"], publish))
        elif address["address"] not in (answer.get("addresses") or []):
            problems.append("%s, %s's SRV target, resolves to %s, not to the member's address %s: correct its %s "
                            "record" % (address["name"], address["member"],
                                        ", ".join(answer.get("addresses") or []) or "nothing", address["address"],
                                        address["type"]))
    return problems
