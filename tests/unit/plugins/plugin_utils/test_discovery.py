from ansible_collections.quorum.etcd.plugins.filter.etcd_members import etcd_members
from ansible_collections.quorum.etcd.plugins.plugin_utils.discovery import (
    discovery_problems, explicit_record_problems, lookup_problems, srv_records)

HOSTVARS = {"etcd-%d" % n: {"etcd_address": "10.0.0.%d" % n} for n in (1, 2, 3)}
MEMBERS = etcd_members(sorted(HOSTVARS), HOSTVARS, discovery="srv", domain="example.com")
RECORDS = srv_records(MEMBERS, "example.com")
SERVER = "_etcd-server-ssl._tcp.example.com"
CLIENT = "_etcd-client-ssl._tcp.example.com"


def _answer(records):
    return {"records": [{"target": t + ".", "port": p, "priority": 0, "weight": 10} for t, p in records], "error": ""}


def _found(server=None, client=None, addresses=None):
    return {
        "srv": {SERVER: server or _answer([("etcd-%d.example.com" % n, 2380) for n in (1, 2, 3)]),
                CLIENT: client or _answer([("etcd-%d.example.com" % n, 2379) for n in (1, 2, 3)])},
        "addresses": addresses or {"etcd-%d.example.com" % n: {"addresses": ["10.0.0.%d" % n], "error": ""}
                                   for n in (1, 2, 3)},
    }


def test_the_records_name_each_member_by_its_target_with_its_peer_and_client_ports():
    assert [(r["owner"], r["target"], r["port"], r["priority"], r["weight"]) for r in RECORDS["srv"]] == (
        [(SERVER, "etcd-%d.example.com" % n, 2380, 0, 10) for n in (1, 2, 3)]
        + [(CLIENT, "etcd-%d.example.com" % n, 2379, 0, 10) for n in (1, 2, 3)])
    assert RECORDS["addresses"][0] == {"name": "etcd-1.example.com", "member": "etcd-1", "address": "10.0.0.1",
                                       "type": "A"}
    named = srv_records(MEMBERS, "example.com", "blue", [{"name": "etcd-2", "priority": 5, "weight": 1}])
    assert named["srv"][1]["owner"] == "_etcd-server-ssl-blue._tcp.example.com"
    assert (named["srv"][1]["priority"], named["srv"][1]["weight"]) == (5, 1)


def test_the_dns_answering_the_records_is_no_problem():
    assert lookup_problems(RECORDS, _found(), "/d/srv-records.zone") == []


def test_a_missing_a_mismatched_and_a_foreign_record_and_a_wrong_address_are_each_named():
    found = _found(server=_answer([("etcd-1.example.com", 2380), ("etcd-2.example.com", 2390),
                                   ("old.example.com", 2380)]),
                   addresses={"etcd-1.example.com": {"addresses": ["10.0.0.9"], "error": ""},
                              "etcd-2.example.com": {"addresses": ["10.0.0.2"], "error": ""},
                              "etcd-3.example.com": {"addresses": [], "error": "no such name"}})
    problems = lookup_problems(RECORDS, found, "/d/srv-records.zone")
    assert problems == [
        SERVER + " points at etcd-2.example.com on port 2390, but etcd-2 listens on 2380: correct the record to "
        + SERVER + " SRV 0 10 2380 etcd-2.example.com.",
        SERVER + " has no record of etcd-3: publish the records of /d/srv-records.zone in the domain's DNS ("
        + SERVER + " SRV 0 10 2380 etcd-3.example.com.)",
        SERVER + " has a record of old.example.com port 2380, which is no member: etcd would count it as one (and "
        "wait for it); remove the record",
        "etcd-1.example.com, etcd-1's SRV target, resolves to 10.0.0.9, not to the member's address 10.0.0.1: correct "
        "its A record",
        "etcd-3.example.com, etcd-3's SRV target, does not resolve (no such name): publish the records of "
        "/d/srv-records.zone in the domain's DNS",
    ]


def test_records_that_cannot_be_read_are_named_once():
    found = _found(client={"records": [], "error": "no such name"})
    assert lookup_problems(RECORDS, found, "/d") == [
        "the SRV records %s could not be read (no such name): publish the records of /d in the domain's DNS" % CLIENT]


def test_the_explicit_records_need_one_entry_per_member_with_its_peer_port_and_a_host_name():
    good = [{"name": "etcd-%d" % n, "target": "etcd-%d.example.com" % n, "port": 2380, "priority": 0, "weight": 10}
            for n in (1, 2, 3)]
    assert explicit_record_problems(MEMBERS, good) == []
    assert explicit_record_problems(MEMBERS, []) == []
    bad = [dict(good[0], port=2379), dict(good[1], target="10.0.0.2", weight=-1),
           dict(good[1], name="etcd-9"), {"name": "etcd-1", "target": "x.example.com", "port": 2380, "ttl": 5}]
    assert explicit_record_problems(MEMBERS, bad) == [
        "etcd_discovery_srv_records' entry etcd-1 has the port 2379, but the member's peer port is 2380: etcd dials "
        "the port of the record",
        "etcd_discovery_srv_records' entry etcd-2 has the target '10.0.0.2': give the member's fully qualified host "
        "name (etcd-1.example.com)",
        "etcd_discovery_srv_records' entry etcd-2 has the weight -1: give a number from 0 to 65535",
        "etcd_discovery_srv_records names 'etcd-9', which is no member's etcd_name (the members are etcd-1, etcd-2, "
        "etcd-3): name each record after its member",
        "etcd_discovery_srv_records' entry etcd-1 has ttl: an entry has name, target, port, priority, weight only",
        "etcd_discovery_srv_records has 2 entries for etcd-1: give each member one",
        "etcd_discovery_srv_records has no entry for etcd-3: give every member one, or leave the list empty for the "
        "records the inventory implies",
    ]
    assert explicit_record_problems(MEMBERS, "etcd-1") == [
        "etcd_discovery_srv_records must be a list of {name, target, port, priority, weight}, not 'etcd-1'"]


def test_the_directory_the_name_servers_and_the_targets_are_checked():
    bare = etcd_members(["etcd-1"], HOSTVARS, discovery="srv", domain="")
    assert discovery_problems(bare, [], "dns", ["ns.example.com"]) == [
        "etcd_discovery_dir is 'dns': give an absolute directory on the controller for the rendered records",
        "etcd_discovery_nameservers is ['ns.example.com']: give a list of the DNS servers' IP addresses, or [] for "
        "the controller's resolver",
        "etcd-1's SRV target is 'etcd-1': it must be a fully qualified host name; set etcd_hostname and "
        "etcd_domain_name, or its entry of etcd_discovery_srv_records",
    ]
    assert discovery_problems(MEMBERS, [], "/d", ["10.0.0.53", "fd00::53"]) == []
