import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.filter.etcd_initial_cluster import etcd_initial_cluster
from ansible_collections.quorum.etcd.plugins.filter.etcd_certificate_sans import etcd_certificate_sans
from ansible_collections.quorum.etcd.plugins.filter.etcd_members import etcd_members

PROD = {
    "etcd-1": {"etcd_name": "etcd-prod-1", "etcd_address": "10.0.1.10"},
    "etcd-2": {"etcd_name": "etcd-prod-2", "etcd_address": "10.0.1.11"},
    "etcd-3": {"etcd_name": "etcd-prod-3", "etcd_address": "10.0.1.12"},
}


def test_spec_production_initial_cluster():
    members = etcd_members(["etcd-1", "etcd-2", "etcd-3"], PROD)
    assert etcd_initial_cluster(members) == (
        "etcd-prod-1=https://10.0.1.10:2380,etcd-prod-2=https://10.0.1.11:2380,etcd-prod-3=https://10.0.1.12:2380"
    )
    assert [m["client_url"] for m in members] == [
        "https://10.0.1.10:2379",
        "https://10.0.1.11:2379",
        "https://10.0.1.12:2379",
    ]


def test_spec_single_node_defaults_to_inventory_name_and_ansible_host():
    members = etcd_members(["etcd-single"], {"etcd-single": {"ansible_host": "127.0.0.1"}})
    assert etcd_initial_cluster(members) == "etcd-single=https://127.0.0.1:2380"


def test_order_follows_the_inventory():
    members = etcd_members(["etcd-3", "etcd-1"], PROD)
    assert [m["name"] for m in members] == ["etcd-prod-3", "etcd-prod-1"]


@pytest.mark.parametrize(
    "address, client_url, peer_url, metrics_url",
    [
        ("fd00::10", "https://[fd00::10]:2379", "https://[fd00::10]:2380", "http://[fd00::10]:2381"),
        ("[fd00::11]", "https://[fd00::11]:2379", "https://[fd00::11]:2380", "http://[fd00::11]:2381"),
        ("etcd-1.company.com", "https://etcd-1.company.com:2379", "https://etcd-1.company.com:2380",
         "http://etcd-1.company.com:2381"),
    ],
)
def test_addresses_in_urls(address, client_url, peer_url, metrics_url):
    (member,) = etcd_members(["h"], {"h": {"etcd_address": address}})
    assert (member["client_url"], member["peer_url"], member["metrics_url"]) == (client_url, peer_url, metrics_url)
    assert "[" not in member["address"]


def test_custom_ports_per_host_and_default_and_http():
    hostvars = {"a": {"etcd_address": "10.0.0.1", "etcd_peer_port": 12380, "etcd_metrics_port": 12381},
                "b": {"etcd_address": "10.0.0.2"}}
    members = etcd_members(["a", "b"], hostvars, client_port=12379, peer_port=2390, protocol="http", metrics_port=2391)
    assert [(m["client_url"], m["peer_url"], m["metrics_url"]) for m in members] == [
        ("http://10.0.0.1:12379", "http://10.0.0.1:12380", "http://10.0.0.1:12381"),
        ("http://10.0.0.2:12379", "http://10.0.0.2:2390", "http://10.0.0.2:2391"),
    ]


def test_metrics_over_tls_and_an_unknown_scheme():
    [member] = etcd_members(["a"], {"a": {"etcd_address": "fd00::1"}}, metrics_scheme="https")
    assert member["metrics_url"] == "https://[fd00::1]:2381"
    with pytest.raises(AnsibleFilterError, match="etcd_metrics_scheme is 'ftp': use http, or https"):
        etcd_members(["a"], {"a": {}}, metrics_scheme="ftp")


def test_two_members_on_one_address_with_other_ports_are_allowed():
    hostvars = {"a": {"etcd_address": "127.0.0.1"}, "b": {"etcd_address": "127.0.0.1", "etcd_client_port": 3379, "etcd_peer_port": 3380,
                                                          "etcd_metrics_port": 3381}}
    assert len(etcd_members(["a", "b"], hostvars)) == 2
    hostvars["b"].pop("etcd_metrics_port")
    with pytest.raises(AnsibleFilterError, match="metrics URL http://127.0.0.1:2381 is used by a, b"):
        etcd_members(["a", "b"], hostvars)


@pytest.mark.parametrize(
    "hostvars, message",
    [
        (
            {"a": {"etcd_name": "x", "etcd_address": "10.0.0.1"}, "b": {"etcd_name": "x", "etcd_address": "10.0.0.2"}},
            "member name x is used by a, b",
        ),
        (
            {"a": {"etcd_address": "10.0.0.1"}, "b": {"etcd_address": "10.0.0.1"}},
            "peer URL https://10.0.0.1:2380 is used by a, b",
        ),
        ({"a": {"etcd_address": "10.0.0.1", "etcd_client_port": 2380}, "b": {}}, "a uses port 2380 for both"),
        ({"a": {"etcd_metrics_port": 2379}, "b": {}}, "a uses port 2379 for both etcd_metrics_port and etcd_client_port"),
        ({"a": {}, "b": {"etcd_metrics_port": 2380}}, "b uses port 2380 for both etcd_metrics_port and etcd_peer_port"),
        ({"a": {"etcd_metrics_port": 0}, "b": {}}, "etcd_metrics_port of a is 0"),
        ({"a": {"etcd_peer_port": "http"}, "b": {}}, "etcd_peer_port of a is 'http'"),
        ({"a": {"etcd_client_port": 70000}, "b": {}}, "etcd_client_port of a is 70000"),
    ],
)
def test_bad_inventories_are_refused_naming_the_culprits(hostvars, message):
    with pytest.raises(AnsibleFilterError, match=message):
        etcd_members(["a", "b"], hostvars)


def test_empty_group_is_refused():
    with pytest.raises(AnsibleFilterError, match="etcd group is empty"):
        etcd_members([], {})


def test_unknown_protocol_is_refused():
    with pytest.raises(AnsibleFilterError, match="etcd_protocol is 'tcp'"):
        etcd_members(["a"], {}, protocol="tcp")


def test_initial_cluster_needs_members():
    with pytest.raises(AnsibleFilterError, match="name and peer_url"):
        etcd_initial_cluster([{"name": "a"}])
    with pytest.raises(AnsibleFilterError, match="no members"):
        etcd_initial_cluster([])


@pytest.mark.parametrize("names, urls, sans", [
    (["etcd-1", "etcd-1.example.com", "localhost", "10.0.1.10", "127.0.0.1", "::1"], [],
     ["DNS:etcd-1", "DNS:etcd-1.example.com", "DNS:localhost", "IP:10.0.1.10", "IP:127.0.0.1", "IP:::1"]),
    # The hosts of the URLs join the names; wildcards name nothing, and nothing is named twice.
    (["etcd-1", "10.0.1.10"], ["https://10.0.1.10:2379", "https://0.0.0.0:2379", "https://[::]:2380",
                               "https://[fd00::1]:2380", "https://etcd.example.com:2379"],
     ["DNS:etcd-1", "IP:10.0.1.10", "IP:fd00::1", "DNS:etcd.example.com"]),
    (["", "etcd-1", "etcd-1"], [], ["DNS:etcd-1"]),
])
def test_certificate_sans_name_hosts_by_kind_once_each(names, urls, sans):
    assert etcd_certificate_sans(names, urls) == sans


def test_certificate_sans_refuse_a_string():
    with pytest.raises(AnsibleFilterError, match="lists of names and of URLs"):
        etcd_certificate_sans("etcd-1")


def test_with_srv_discovery_the_peer_url_names_the_srv_target_and_the_member_listens_on_its_address():
    hostvars = {"a": {"etcd_address": "10.0.0.1"}, "b": {"etcd_address": "fd00::2", "etcd_hostname": "b.other.org"},
                "c": {"etcd_address": "10.0.0.3", "etcd_name": "etcd-c"}}
    records = [{"name": "etcd-c", "target": "etcd-c.example.com.", "port": 2380}]
    a, b, c = etcd_members(["a", "b", "c"], hostvars, discovery="srv", domain="example.com", srv_records=records)
    assert (a["srv_target"], a["peer_url"], a["peer_listen_url"]) == (
        "a.example.com", "https://a.example.com:2380", "https://10.0.0.1:2380")
    assert (b["srv_target"], b["peer_listen_url"]) == ("b.other.org", "https://[fd00::2]:2380")
    assert c["peer_url"] == "https://etcd-c.example.com:2380"
    assert a["client_url"] == "https://10.0.0.1:2379"
    (static,) = etcd_members(["a"], hostvars)
    assert static["peer_url"] == static["peer_listen_url"] == "https://10.0.0.1:2380" and static["srv_target"] == ""
    with pytest.raises(AnsibleFilterError, match="etcd_discovery is 'dns': use static"):
        etcd_members(["a"], hostvars, discovery="dns")
