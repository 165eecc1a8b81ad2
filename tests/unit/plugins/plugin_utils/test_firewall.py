from xml.etree import ElementTree

from ansible_collections.quorum.etcd.plugins.plugin_utils.firewall import (
    firewalld_policy, member_problems, network_problems, ports, ruleset)

MEMBERS = [{"name": "etcd-1", "address": "10.0.0.11"}, {"name": "etcd-2", "address": "10.0.0.12"},
           {"name": "etcd-3", "address": "fd00::13"}]


def test_the_peer_port_is_open_to_the_members_and_the_client_port_to_the_declared_networks_too():
    rules = ruleset(MEMBERS, ["192.168.10.0/24", "10.0.0.11"], [], ["https://10.0.0.11:2379", "https://127.0.0.1:2379"],
                    ["https://10.0.0.11:2380"])
    assert rules.splitlines()[1:] == [
        "table inet quorum_etcd {}",
        "delete table inet quorum_etcd",
        "table inet quorum_etcd {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy accept;",
        '\t\tiif "lo" accept',
        "\t\ttcp dport { 2380 } ip saddr { 10.0.0.11, 10.0.0.12 } accept",
        "\t\ttcp dport { 2380 } ip6 saddr { fd00::13 } accept",
        # A member that is also in a declared network is listed once: nftables refuses overlapping intervals.
        "\t\ttcp dport { 2379 } ip saddr { 10.0.0.11, 10.0.0.12, 192.168.10.0/24 } accept",
        "\t\ttcp dport { 2379 } ip6 saddr { fd00::13 } accept",
        "\t\ttcp dport { 2379, 2380 } reject with tcp reset",
        "\t}",
        "}",
    ]


def test_a_network_covering_a_member_absorbs_it_and_the_metrics_port_has_its_own_sources():
    rules = ruleset(MEMBERS[:1], ["10.0.0.0/8"], ["172.16.5.5"], "https://10.0.0.11:2379", "https://10.0.0.11:2380",
                    "http://10.0.0.11:2381")
    assert "\t\ttcp dport { 2379 } ip saddr { 10.0.0.0/8 } accept" in rules.splitlines()
    assert "\t\ttcp dport { 2381 } ip saddr { 10.0.0.11, 172.16.5.5 } accept" in rules.splitlines()
    assert "\t\ttcp dport { 2379, 2380, 2381 } reject with tcp reset" in rules.splitlines()


def test_names_are_refused_where_an_address_is_needed():
    assert network_problems("etcd_firewall_client_networks", ["10.0.0.0/24", "fd00::/64", "10.1.2.3"]) == []
    assert network_problems("etcd_firewall_client_networks", ["office"]) == [
        "etcd_firewall_client_networks: 'office' is neither an IP address nor a network in CIDR notation (such as "
        "10.0.0.0/24); nftables matches addresses, not names"]
    problems = member_problems([{"name": "etcd-1", "address": "etcd-1.example.com"}, MEMBERS[1]])
    assert len(problems) == 1 and "member etcd-1 has the address 'etcd-1.example.com'" in problems[0]


def test_ports_are_read_from_urls_as_etcd_takes_them():
    assert ports("https://a:2379,https://b:2379, https://c:12379") == [2379, 12379]
    assert ports([]) == []


def test_the_firewalld_policy_accepts_the_same_hosts_on_the_same_ports_before_the_zones():
    policy = firewalld_policy(MEMBERS, ["10.0.0.0/8"], ["172.16.5.5"], ["https://10.0.0.11:2379"],
                              ["https://10.0.0.11:2380"], ["http://10.0.0.11:2381"])
    root = ElementTree.fromstring(policy)
    assert (root.tag, root.get("target"), root.get("priority")) == ("policy", "CONTINUE", "-100")
    assert [(zone.tag, zone.get("name")) for zone in root if zone.tag.endswith("-zone")] == [
        ("ingress-zone", "ANY"), ("egress-zone", "HOST")]
    accepted = [(rule.get("family"), rule.find("source").get("address"), rule.find("port").get("port"),
                 rule.find("port").get("protocol"), rule.find("accept") is not None) for rule in root.iter("rule")]
    assert accepted == [
        ("ipv4", "10.0.0.11", "2380", "tcp", True), ("ipv4", "10.0.0.12", "2380", "tcp", True),
        ("ipv6", "fd00::13", "2380", "tcp", True),
        ("ipv4", "10.0.0.0/8", "2379", "tcp", True), ("ipv6", "fd00::13", "2379", "tcp", True),
        ("ipv4", "10.0.0.11", "2381", "tcp", True), ("ipv4", "10.0.0.12", "2381", "tcp", True),
        ("ipv4", "172.16.5.5", "2381", "tcp", True), ("ipv6", "fd00::13", "2381", "tcp", True),
    ]
