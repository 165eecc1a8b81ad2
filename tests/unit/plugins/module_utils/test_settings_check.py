"""What the roles refuse before any host changes: settings, hosts and the cluster."""

from __future__ import annotations

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import (
    argument_problems,
    as_boolean,
    ca_rotation_problems,
    cluster_problems,
    host_problems,
    membership_problems,
    merge_problems,
    reissue_names,
    setting_problems,
)

PEER = "https://10.0.0.1:2380"
GOOD = {
    "etcd_name": "etcd-1", "etcd_cluster_name": "etcd-cluster", "etcd_pki_admin_cn": "root",
    "etcd_clients": [{"name": "app", "prefix": "/app/", "access": "readwrite"}],
    "etcd_hostname": "etcd-1", "etcd_domain_name": "example.com", "etcd_address": "10.0.0.1",
    "etcd_pki_extra_sans": ["etcd.example.com", "10.0.0.100"], "etcd_pki_country": "US", "etcd_pki_cn": "etcd-1.example.com",
    "etcd_user": "etcd", "etcd_group": "etcd", "etcd_service_name": "etcd",
    "etcd_data_dir": "/var/lib/etcd", "etcd_certs_path": "/etc/ssl/etcd", "etcd_config_path": "/etc/etcd/config.yaml",
    "etcd_bin_dir": "/usr/local/bin", "etcd_log_output": "stderr", "etcd_log_dir": "/var/log/etcd",
    "etcd_heartbeat_interval": 100, "etcd_election_timeout": 1000, "etcd_snapshot_count": 100000,
    "etcd_max_snapshots": 5, "etcd_max_wals": 5, "etcd_max_txn_ops": 128, "etcd_max_request_bytes": 1572864,
    "etcd_grpc_keepalive_min_time": 5, "etcd_grpc_keepalive_interval": 7200, "etcd_grpc_keepalive_timeout": 20,
    "etcd_backend_batch_limit": 10000, "etcd_backend_batch_interval": 100, "etcd_quota_backend_bytes": 2147483648,
    "etcd_log_rotate_keep": 7, "etcd_pki_ca_days": 1460, "etcd_pki_cert_days": 730, "etcd_pki_renew_days": 30,
    "etcd_health_timeout": 120, "etcd_service_limit_nofile": 65536,
    "etcd_auto_compaction_mode": "periodic", "etcd_auto_compaction_retention": "0",
    "etcd_version": "3.5.16", "etcd_extra_config": {"experimental-initial-corrupt-check": True},
    "etcd_listen_client_urls": ["https://10.0.0.1:2379", "https://127.0.0.1:2379"],
    "etcd_advertise_client_urls": ["https://10.0.0.1:2379"], "etcd_listen_peer_urls": [PEER],
    "etcd_advertise_peer_urls": [PEER], "etcd_listen_metrics_urls": ["http://10.0.0.1:2381", "http://127.0.0.1:2381"],
    "etcd_initial_cluster": "etcd-1=%s,etcd-2=https://10.0.0.2:2380" % PEER,
    "etcd_initial_cluster_token": "etcd-cluster", "etcd_install_source": "release",
    "etcd_install_release_url": "https://github.com/etcd-io/etcd/releases/download", "etcd_use_dns": False,
    "etcd_pki_reissue": [],
}
HOST = {
    "architecture": "x86_64", "addresses": ["127.0.0.1", "10.0.0.1", "::1"],
    "listeners": [{"address": "10.0.0.1", "port": 2379, "process": "etcd"}, {"address": "0.0.0.0", "port": 22, "process": "sshd"}],
    "unit": {"exists": True, "active_state": "active"}, "installed_version": "3.5.16", "data_dir": {"has_member": True},
}
MEMBERS = [{"host": "h1", "name": "etcd-1", "peer_url": PEER}, {"host": "h2", "name": "etcd-2", "peer_url": "https://10.0.0.2:2380"}]


def listed(name, peer_url, **status):
    return dict({"name": name, "peer_urls": [peer_url], "healthy": True, "is_learner": False, "cluster_id": "c1"},
                **status)


CLUSTER = {"cluster_id": "c1", "members": [listed("etcd-1", PEER), listed("etcd-2", "https://10.0.0.2:2380")]}


def test_good_settings_have_no_problem():
    assert setting_problems(GOOD, ["etcd-1", "etcd-2"]) == []
    # A reissue may name members and clients.
    assert setting_problems(dict(GOOD, etcd_pki_reissue="etcd-2,app"), ["etcd-1", "etcd-2"]) == []


@pytest.mark.parametrize("changes", [
    {"etcd_use_dns": "false", "etcd_domain_name": ""},
    {"etcd_use_localhost": "false", "etcd_listen_client_urls": ["https://10.0.0.1:2379"]},
    {"etcd_use_localhost": True, "etcd_listen_client_urls": ["https://0.0.0.0:2379"]},
    {"etcd_certs_path": "/etc/etcd/pki"},
    {"etcd_listen_metrics_urls": []},
    {"etcd_listen_metrics_urls": ["http://0.0.0.0:9379"]},
    {"etcd_metrics_scheme": "https", "etcd_listen_metrics_urls": ["https://10.0.0.1:2381"]},
])
def test_what_an_operator_may_well_write_is_taken(changes):
    assert setting_problems(dict(GOOD, **changes), ["etcd-1", "etcd-2"]) == []


def test_variables_not_given_are_not_checked():
    assert setting_problems({"etcd_election_timeout": 1000}) == []


@pytest.mark.parametrize("changes, expected", [
    ({"etcd_election_timeout": 50001}, "etcd_election_timeout is 50001: give a whole number from 1 to 50000"),
    ({"etcd_election_timeout": 400}, "etcd_election_timeout (400 ms) is less than 5 times etcd_heartbeat_interval (100 ms)"),
    ({"etcd_heartbeat_interval": "fast"}, "etcd_heartbeat_interval is 'fast'"),
    ({"etcd_heartbeat_interval": True}, "etcd_heartbeat_interval is True"),
    ({"etcd_quota_backend_bytes": -1}, "etcd_quota_backend_bytes is -1"),
    ({"etcd_auto_compaction_retention": "1 hour"}, "etcd_auto_compaction_retention is '1 hour'"),
    ({"etcd_auto_compaction_retention": "-1"}, "etcd_auto_compaction_retention is '-1'"),
    ({"etcd_auto_compaction_mode": "revision", "etcd_auto_compaction_retention": "30m"}, "with etcd_auto_compaction_mode revision"),
    ({"etcd_name": "a,b"}, "etcd_name is 'a,b'"),
    ({"etcd_name": "a=b"}, "etcd_name is 'a=b'"),
    ({"etcd_name": "../x"}, "etcd_name is '../x'"),
    ({"etcd_cluster_name": "prod/eu"}, "etcd_cluster_name is 'prod/eu'"),
    ({"etcd_clients": [{"name": "../../x", "prefix": "/x/"}]}, "etcd_clients has a client named '../../x'"),
    ({"etcd_clients": [{"name": "billing", "prefix": "billing/"}]},
     "etcd_clients: client billing has the prefix 'billing/', which does not start with '/'"),
    ({"etcd_clients": [{"name": "a", "prefix": "/a/"}, {"name": "a", "prefix": "/b/"}]}, "etcd_clients names a twice"),
    ({"etcd_clients": [{"name": "root", "prefix": "/"}]}, "etcd_clients has a client named root"),
    ({"etcd_clients": [{"name": "app", "prefix": "/app/", "cert_file": "app.crt"}]},
     "etcd_clients: client app has the cert_file 'app.crt', which is not an absolute path"),
    ({"etcd_clients": "billing"}, "etcd_clients is 'billing': give a list"),
    ({"etcd_version": "3.4.23", "etcd_tls_min_version": "TLS1.3"},
     "etcd_tls_min_version is TLS1.3, which etcd 3.4 cannot set: it takes TLS 1.2 and later"),
    ({"etcd_extra_config": {"cipher-suites": ["TLS_RSA_WITH_RC4_128_SHA"]}}, "etcd_extra_config sets cipher-suites"),
    ({"etcd_pki_clients": ["app"]}, "etcd_pki_clients is no more: give each application as an entry of etcd_clients"),
    ({"etcd_hostname": "bad host"}, "etcd_hostname is 'bad host'"),
    ({"etcd_address": "https://10.0.0.1"}, "etcd_address is 'https://10.0.0.1'"),
    ({"etcd_pki_extra_sans": ["a b"]}, "etcd_pki_extra_sans has 'a b'"),
    ({"etcd_pki_country": "us"}, "etcd_pki_country is 'us'"),
    ({"etcd_pki_cn": "x" * 65}, "etcd_pki_cn is"),
    ({"etcd_user": "root"}, "etcd_user is 'root'"),
    ({"etcd_group": "Etcd Group"}, "etcd_group is 'Etcd Group'"),
    ({"etcd_service_name": "etcd/x"}, "etcd_service_name is 'etcd/x'"),
    ({"etcd_data_dir": "/"}, "etcd_data_dir is /, a system directory"),
    ({"etcd_data_dir": "/var/lib"}, "etcd_data_dir is /var/lib, a system directory"),
    ({"etcd_data_dir": "data"}, "etcd_data_dir is 'data': give an absolute path"),
    ({"etcd_data_dir": "/var/lib/etcd/"}, "etcd_data_dir is '/var/lib/etcd/': give a plain absolute path"),
    ({"etcd_certs_path": "/etc/ssl"}, "etcd_certs_path is /etc/ssl, a system directory"),
    ({"etcd_config_path": "/etc/config.yaml"}, "its directory /etc is a system directory"),
    ({"etcd_data_dir": "/etc/etcd/data"}, "etcd_data_dir (/etc/etcd/data) and the directory of etcd_config_path (/etc/etcd) overlap"),
    ({"etcd_log_output": "file", "etcd_log_dir": "/var/log"}, "etcd_log_dir is /var/log, a system directory"),
    ({"etcd_pki_cert_days": 2000}, "etcd_pki_cert_days (2000) is longer than etcd_pki_ca_days (1460)"),
    ({"etcd_pki_renew_days": 730}, "etcd_pki_renew_days (730) must be shorter than etcd_pki_cert_days (730)"),
    ({"etcd_version": "3.5"}, "etcd_version is 3.5: give a release like 3.5.16"),
    ({"etcd_version": "3.6.1"}, "etcd_version is 3.6.1: this collection deploys etcd 3.4 and 3.5"),
    ({"etcd_extra_config": {"peer-transport-security": {}}}, "etcd_extra_config sets peer-transport-security"),
    ({"etcd_extra_config": {"ClientTLSInfo": {}}}, "etcd_extra_config sets ClientTLSInfo"),
    ({"etcd_extra_config": {"Election-Timeout": 5000}}, "which comes from etcd_election_timeout"),
    ({"etcd_extra_config": {"enable-grpc-gateway": False}}, "etcd_extra_config sets enable-grpc-gateway"),
    ({"etcd_extra_config": {"quota-backend-byte": 1}}, "etcd_extra_config has 'quota-backend-byte', which etcd 3.5 does not read"),
    ({"etcd_version": "3.4.23", "etcd_extra_config": {"experimental-compact-hash-check-enabled": True}},
     "which etcd 3.4 does not read"),
    ({"etcd_extra_config": ["a"]}, "etcd_extra_config is ['a']: give a mapping"),
    ({"etcd_extra_config": {"listen-metrics-urls": "http://0.0.0.0:2381"}},
     "etcd_extra_config sets listen-metrics-urls, which comes from etcd_listen_metrics_urls"),
    ({"etcd_listen_metrics_urls": ["http://0.0.0.0"]}, "etcd_listen_metrics_urls has 'http://0.0.0.0', which etcd cannot use"),
    ({"etcd_listen_metrics_urls": ["https://10.0.0.1:2381"]},
     "etcd_listen_metrics_urls has https://10.0.0.1:2381, but etcd_metrics_scheme is http, which the scrape"),
    ({"etcd_metrics_scheme": "https", "etcd_listen_metrics_urls": ["http://10.0.0.1:2381"]},
     "etcd_listen_metrics_urls has http://10.0.0.1:2381, but etcd_metrics_scheme is https"),
    ({"etcd_listen_metrics_urls": ["http://etcd-1:2381"]}, "etcd listens on IP addresses only"),
    ({"etcd_listen_metrics_urls": ["http://10.0.0.1:2380"]},
     "etcd listens on port 2380 for etcd_listen_peer_urls already: give the metrics listener a port of its own"),
    ({"etcd_listen_metrics_urls": "http://10.0.0.1:2381"}, "etcd_listen_metrics_urls is 'http://10.0.0.1:2381': give a list"),
    ({"etcd_listen_client_urls": ["http://10.0.0.1:2379"]}, "etcd_listen_client_urls has http://10.0.0.1:2379: client and peer traffic is TLS"),
    ({"etcd_listen_peer_urls": ["https://etcd-1:2380"]}, "etcd listens on IP addresses only"),
    ({"etcd_advertise_client_urls": []}, "etcd_advertise_client_urls is empty"),
    ({"etcd_advertise_client_urls": ["https://10.0.0.1:2379/x"]}, "nothing after the port"),
    ({"etcd_initial_cluster": "etcd-2=https://10.0.0.2:2380"}, "has no entry for this member's etcd_name etcd-1"),
    ({"etcd_initial_cluster": "etcd-1"}, "etcd_initial_cluster has 'etcd-1': each entry is name=https://address:peer-port"),
    ({"etcd_advertise_peer_urls": ["https://10.0.0.9:2380"]}, "etcd refuses to start unless they match"),
    ({"etcd_initial_cluster_token": ""}, "etcd_initial_cluster_token is empty"),
    ({"etcd_install_source": "archive", "etcd_install_archive": ""}, "etcd_install_archive is empty"),
    ({"etcd_install_release_url": "github.com/etcd"}, "etcd_install_release_url is 'github.com/etcd'"),
    ({"etcd_use_dns": True, "etcd_domain_name": ""}, "etcd_use_dns is true but etcd_domain_name is empty"),
    ({"etcd_pki_reissue": "etcd-1,etcd-9"}, "etcd_pki_reissue names etcd-9, which is neither a member (etcd-1, etcd-2) "
                                            "nor a client of etcd_clients"),
    ({"etcd_listen_client_urls": "https://0.0.0.0:2379"}, "etcd_listen_client_urls is 'https://0.0.0.0:2379': give a list"),
    ({"etcd_pki_extra_sans": "a.example"}, "etcd_pki_extra_sans is 'a.example': give a list"),
    ({"etcd_service_health_timeout": 300}, "etcd_service_health_timeout is no more: set etcd_health_timeout"),
    ({"etcd_discovery_srv": "example.com"}, "etcd_discovery_srv is no more: for members that find each other by DNS SRV records set etcd_discovery to srv"),
    ({"etcd_maintenance_textfile_dir": "/var/lib/node-exporter"}, "etcd_maintenance_textfile_dir is no more: set etcd_textfile_dir"),
    ({"etcd_use_localhost": True, "etcd_listen_client_urls": ["https://10.0.0.1:2379"]},
     "etcd_use_localhost is true, but etcd_listen_client_urls (https://10.0.0.1:2379) has neither 127.0.0.1"),
    ({"etcd_use_dns": "true", "etcd_domain_name": ""}, "etcd_use_dns is true but etcd_domain_name is empty"),
], ids=lambda value: str(value)[:40] if isinstance(value, dict) else "")
def test_bad_settings_are_refused_by_name(changes, expected):
    problems = setting_problems(dict(GOOD, **changes), ["etcd-1", "etcd-2"])
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("retention", ["0", "1", "24", "30m", "1h30m", "1.5h", "500ms"])
def test_periodic_retentions_etcd_takes(retention):
    assert setting_problems(dict(GOOD, etcd_auto_compaction_retention=retention)) == []


def test_reissue_names_from_the_command_line_or_a_list():
    assert reissue_names("all") == ["all"]
    assert reissue_names("etcd-1, etcd-2") == ["etcd-1", "etcd-2"]
    assert reissue_names(["etcd-1"]) == ["etcd-1"]
    assert reissue_names(None) == []


def test_a_good_host_has_no_problem():
    assert host_problems(GOOD, HOST, PEER, CLUSTER) == []


@pytest.mark.parametrize("changes, host_changes, expected", [
    ({"etcd_listen_client_urls": ["https://10.0.0.9:2379"]}, {}, "the host has no address 10.0.0.9"),
    ({"etcd_listen_metrics_urls": ["http://10.9.9.9:2381"]}, {},
     "etcd_listen_metrics_urls has http://10.9.9.9:2381, but the host has no address 10.9.9.9"),
    ({"etcd_listen_metrics_urls": ["http://0.0.0.0:22"]}, {}, "sshd already listens on port 22"),
    ({"etcd_version": "3.4.23"}, {}, "etcd_version is 3.4.23, but the host runs etcd 3.5.16: etcd does not go back a minor"),
    ({"etcd_version": "3.6.0"}, {"installed_version": "3.4.23"}, "etcd upgrades one minor version at a time; upgrade to 3.5 first"),
    ({}, {"architecture": "ppc64le"}, "the host is ppc64le, and etcd's releases are for x86_64"),
    ({}, {"data_dir": {"has_member": False}}, "etcd_data_dir /var/lib/etcd holds no member, but the cluster lists etcd-1"),
])
def test_what_the_host_would_not_take_is_refused(changes, host_changes, expected):
    problems = host_problems(dict(GOOD, **changes), dict(HOST, **host_changes), PEER, CLUSTER)
    assert any(expected in problem for problem in problems), problems


def test_a_patch_release_may_go_back_through_upgrade_yml_only():
    assert host_problems(dict(GOOD, etcd_version="3.5.10"), HOST, PEER, CLUSTER, upgrading=True) == []
    refused = host_problems(dict(GOOD, etcd_version="3.5.10"), HOST, PEER, CLUSTER)
    assert any("a member changes version only through playbooks/upgrade.yml -e etcd_version=3.5.10" in p
               for p in refused), refused
    # A host without a member yet installs any version.
    assert host_problems(dict(GOOD, etcd_version="3.5.10"), dict(HOST, data_dir={"has_member": False}), PEER) == []


def test_an_upgrade_needs_a_healthy_cluster_without_alarms_and_a_supported_path():
    from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import upgrade_problems

    cluster = {"cluster_id": "c1", "members": [dict(listed("etcd-1", PEER), id="a1", server_version="3.4.23"),
                                               dict(listed("etcd-2", "https://10.0.0.2:2380"), id="a2",
                                                    server_version="3.5.16")]}
    assert upgrade_problems(cluster, MEMBERS, "3.5.16") == []
    assert any("etcd-2 runs etcd 3.5.16: etcd does not go back a minor version" in p
               for p in upgrade_problems(cluster, MEMBERS, "3.4.23"))
    assert any("etcd-1 runs etcd 3.4.23: etcd upgrades one minor version at a time; upgrade to 3.5 first" in p
               for p in upgrade_problems(cluster, MEMBERS, "3.6.0"))
    alarmed = dict(cluster, alarms=[{"id": "a2", "alarm": "NOSPACE"}])
    assert any("etcd-2 has the alarm NOSPACE" in p for p in upgrade_problems(alarmed, MEMBERS, "3.5.16"))
    unhealthy = dict(cluster, members=[dict(cluster["members"][0], healthy=False), cluster["members"][1]])
    assert upgrade_problems(unhealthy, MEMBERS, "3.5.16") != []
    assert any("the cluster did not answer" in p for p in upgrade_problems({}, MEMBERS, "3.5.16"))


def test_a_member_advertised_under_another_url_is_found_by_name():
    cluster = {"cluster_id": "c1", "members": [listed("etcd-1", "https://etcd-1.example.com:2380"),
                                               listed("etcd-2", "https://10.0.0.2:2380")]}
    assert membership_problems(cluster, MEMBERS) == []
    assert cluster_problems(cluster, MEMBERS) == []
    assert host_problems(GOOD, dict(HOST, data_dir={"has_member": False}), PEER, cluster) != []
    assert host_problems(GOOD, dict(HOST, data_dir={"has_member": None}), PEER, cluster) == []


@pytest.mark.parametrize("url", ["https://0.0.0.0:2379", "https://[::]:2379", "https://127.0.0.5:2379", "https://localhost:2379"])
def test_wildcards_loopback_and_localhost_are_on_every_host(url):
    assert host_problems(dict(GOOD, etcd_listen_client_urls=[url]), HOST, PEER) == []


def test_without_ip_the_addresses_are_not_checked():
    assert host_problems(dict(GOOD, etcd_listen_client_urls=["https://10.0.0.9:2379"]), dict(HOST, addresses=None), PEER) == []


def test_packages_are_not_checked_for_a_downgrade():
    settings = dict(GOOD, etcd_version="3.4.23", etcd_install_source="package")
    assert host_problems(settings, dict(HOST, architecture="ppc64le"), PEER) == []


def test_a_new_member_without_data_is_fine_before_it_started():
    cluster = {"members": [listed("", PEER)]}
    assert host_problems(GOOD, dict(HOST, data_dir={"has_member": False}), PEER, cluster) == []


def test_membership_differences_are_named():
    cluster = {"cluster_id": "c1", "members": [listed("etcd-1", PEER), listed("old", "https://10.0.0.7:2380")]}
    problems = membership_problems(cluster, MEMBERS)
    assert any("h2 (peer URL https://10.0.0.2:2380) is not a member of the running cluster c1 and cannot join it" in p
               for p in problems)
    assert any("the running cluster has the member old (https://10.0.0.7:2380)" in p for p in problems)
    # A new host that joins in this run is not a difference.
    assert not any("h2 (peer URL" in p for p in membership_problems(cluster, MEMBERS, joining=["h2"]))
    assert membership_problems(CLUSTER, MEMBERS) == []
    assert membership_problems({}, MEMBERS) == []


def test_a_whole_cluster_has_no_problem():
    assert cluster_problems(CLUSTER, MEMBERS, units={"h1": {"ActiveState": "active"}}) == []


@pytest.mark.parametrize("member_changes, expected", [
    ({"name": ""}, "h2 has not joined"),
    ({"is_learner": True}, "h2 is a learner, not a voting member"),
    ({"healthy": False, "error": "connection refused"}, "h2 is not healthy: connection refused"),
    ({"cluster_id": "c2"}, "the members belong to different clusters: h1 in c1; h2 in c2"),
])
def test_what_keeps_a_cluster_from_being_whole_is_named(member_changes, expected):
    member = dict(listed("etcd-2", "https://10.0.0.2:2380"), **member_changes)
    cluster = {"members": [listed("etcd-1", PEER), member]}
    problems = cluster_problems(cluster, MEMBERS)
    assert any(expected in problem for problem in problems), problems


def test_a_failing_unit_is_named():
    failing = {"ActiveState": "activating", "SubState": "auto-restart", "NRestarts": "11"}
    problems = cluster_problems(CLUSTER, MEMBERS, units={"h2": failing})
    assert problems == ["h2: its etcd unit is activating (auto-restart), restarted 11 times by systemd: "
                        "see journalctl -u etcd.service there"]


def test_a_cluster_that_did_not_answer_is_named():
    assert cluster_problems({"failed": True, "msg": "no endpoint answered"}, MEMBERS) == [
        "the cluster did not answer: no endpoint answered"]


def test_a_restart_waits_for_every_other_member_only():
    sick_self = {"members": [listed("etcd-1", PEER, healthy=False), listed("etcd-2", "https://10.0.0.2:2380")]}
    assert cluster_problems(sick_self, MEMBERS, restarting="h1") == []
    sick_other = {"members": [listed("etcd-1", PEER), listed("etcd-2", "https://10.0.0.2:2380", healthy=False, error="timeout")]}
    assert cluster_problems(sick_other, MEMBERS, restarting="h1") == ["etcd-2 is not healthy (timeout)"]
    # A member the inventory does not have counts for the quorum too.
    stranger = {"members": CLUSTER["members"] + [listed("", "https://10.0.0.7:2380", healthy=False)]}
    assert cluster_problems(stranger, MEMBERS, restarting="h1") == ["https://10.0.0.7:2380 is not healthy (no leader, or an alarm)"]


def test_problems_of_several_hosts_are_merged():
    assert merge_problems({"h1": ["a", "b"], "h2": ["a"], "h3": []}) == ["h1, h2: a", "h1: b"]


def test_argument_problems_are_ansibles_own_sentences_for_the_names_in_the_spec():
    spec = {"etcd_log_level": {"type": "str", "choices": ["warn", "info"], "description": "Log level."},
            "etcd_snapshot_count": {"type": "int"}}
    settings = {"etcd_log_level": "loud", "etcd_snapshot_count": "many", "etcd_other": object()}
    problems = argument_problems(settings, spec)
    assert len(problems) == 2
    assert "etcd_log_level must be one of: warn, info, got: loud" in problems[1]
    # Ansible's own words, which vary a little between its releases.
    assert problems[0].startswith("argument 'etcd_snapshot_count' is of type") and "unable to convert to int" in problems[0]
    assert argument_problems({"etcd_log_level": "info"}, spec) == []


def test_a_setting_given_as_text_for_a_boolean_is_refused_and_a_command_line_flag_is_not():
    """-e etcd_backup_enabled=true passes the text "true", which Ansible's conditionals refuse half way through a run;
    the flags a run is given on the command line are read with the bool filter."""
    spec = {"etcd_backup_enabled": {"type": "bool"}, "etcd_remove_force": {"type": "bool"}}
    assert argument_problems({"etcd_backup_enabled": "true", "etcd_remove_force": "false"}, spec) == [
        "etcd_backup_enabled is the text 'true', not a boolean (-e etcd_backup_enabled=true passes text): set it in the "
        "inventory or a vars file, or give it as JSON: -e '{\"etcd_backup_enabled\": true}'"]
    assert argument_problems({"etcd_backup_enabled": False, "etcd_remove_force": True}, spec) == []
    # A word that is no boolean at all is Ansible's to name.
    (problem,) = argument_problems({"etcd_backup_enabled": "maybe"}, spec)
    assert "etcd_backup_enabled" in problem and "bool" in problem


@pytest.mark.parametrize("text, value", [("true", True), ("yes", True), ("1", True), ("false", False), ("no", False),
                                         ("0", False), ("off", False)])
def test_a_command_line_flag_reads_as_the_bool_filter_reads_it(text, value):
    assert as_boolean(text) is value
    assert as_boolean(value) is value


class _CostlyToCopy(dict):
    """Stands for Ansible's lazily templated containers, whose deep copy copies every variable of the play."""

    def __deepcopy__(self, memo):
        raise AssertionError("the settings were deep-copied as given")


def test_argument_problems_check_plain_copies_of_the_settings():
    spec = {"etcd_extra_config": {"type": "dict"}, "etcd_clients": {"type": "list", "elements": "dict"}}
    settings = {"etcd_extra_config": _CostlyToCopy({"max-txn-ops": 256}),
                "etcd_clients": [_CostlyToCopy({"name": "billing"})]}
    assert argument_problems(settings, spec) == []


def test_a_lost_member_names_the_replace_playbook_and_is_no_problem_once_replaced():
    lost = dict(HOST, data_dir={"has_member": False})
    problems = host_problems(GOOD, lost, PEER, CLUSTER)
    assert any("replace_member.yml -e etcd_replace_member=etcd-1" in p and "etcd_replace_lost_members=true" in p
               for p in problems), problems
    assert host_problems(GOOD, lost, PEER, CLUSTER, replacing=True) == []


def test_a_member_to_replace_must_be_in_the_group_and_the_cluster_must_answer():
    unknown = membership_problems(CLUSTER, MEMBERS, replace="etcd-9")
    assert any("etcd_replace_member is etcd-9, but the inventory group has no member of that name" in p for p in unknown)
    assert membership_problems(CLUSTER, MEMBERS, replace="etcd-1") == []
    silent = membership_problems({}, MEMBERS, replace="etcd-1")
    assert any("no member of the running cluster answered" in p for p in silent), silent


def test_a_member_being_removed_may_be_missing_from_the_group():
    cluster = dict(CLUSTER, members=CLUSTER["members"] + [listed("etcd-9", "https://10.0.0.9:2380")])
    assert any("remove_member.yml -e etcd_remove_members=etcd-9" in p for p in membership_problems(cluster, MEMBERS))
    assert membership_problems(cluster, MEMBERS, removing=["etcd-9"]) == []


def test_a_removal_keeps_a_healthy_quorum_of_the_voters_left_unless_forced():
    from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import removal_problems

    three = [dict(listed("etcd-%d" % n, "https://10.0.0.%d:2380" % n), id="a%d" % n) for n in (1, 2, 3)]
    members = [{"host": "h%d" % n, "name": "etcd-%d" % n, "peer_url": "https://10.0.0.%d:2380" % n} for n in (1, 2, 3)]
    cluster = {"cluster_id": "c1", "members": three}
    assert removal_problems(cluster, members, ["etcd-3"]) == []
    down = dict(cluster, members=[three[0], dict(three[1], healthy=False), three[2]])
    refused = removal_problems(down, members, ["etcd-3"])
    assert refused == ["removing etcd-3 would leave 2 voting members of which only 1 are healthy (unhealthy: etcd-2), "
                       "fewer than their quorum of 2: bring the unhealthy members back first, or set "
                       "etcd_remove_force=true"]
    assert removal_problems(down, members, ["etcd-3"], force=True) == []
    # Removing the unhealthy one keeps the quorum.
    assert removal_problems(down, members, ["etcd-2"]) == []
    assert any("names every voting member" in p for p in removal_problems(cluster, members, ["etcd-1", "etcd-2", "etcd-3"]))
    assert any("names etcd-9, which is neither a member" in p for p in removal_problems(cluster, members, ["etcd-9"]))
    # Removed before, its host still in the group: nothing to refuse.
    assert removal_problems(dict(cluster, members=three[:2]), members, ["etcd-3"]) == []
    assert any("no member of the running cluster answered" in p for p in removal_problems({}, members, ["etcd-3"]))


def test_a_ca_rotation_stage_given_before_the_one_it_needs_is_refused():
    assert "run the trust stage first" in ca_rotation_problems("sign", "steady")[0]
    assert "run the sign stage first" in ca_rotation_problems("finish", "trusted")[0]
    # A stage already done, and the stages that need nothing, pass.
    for stage, state in (("trust", "steady"), ("trust", "signed"), ("sign", "trusted"), ("sign", "signed"),
                         ("finish", "steady"), ("", "trusted")):
        assert ca_rotation_problems(stage, state) == [], (stage, state)


def test_the_old_ca_is_not_retired_while_a_member_runs_one_of_its_certificates():
    new = "etcd-cluster CA 2026-11-26T06:00:00Z"
    issuers = {"/etc/ssl/etcd/etcd.pem": new, "/etc/ssl/etcd/peer.pem": "etcd-cluster CA"}
    problems = ca_rotation_problems("finish", "signed", new, issuers)
    assert problems == ["etcd_pki_ca_rotation is finish, which retires the old CA, but /etc/ssl/etcd/peer.pem was "
                        "issued by etcd-cluster CA, not by the new CA (%s); run the sign stage again "
                        "(-e etcd_pki_ca_rotation=sign) until every member does" % new]
    running_old = ca_rotation_problems("finish", "signed", new, dict.fromkeys(issuers, new),
                                       "/etc/ssl/etcd/etcd.pem changed 12 s after etcd started")
    assert "has not restarted since its files changed (/etc/ssl/etcd/etcd.pem changed" in running_old[0]
    assert ca_rotation_problems("finish", "signed", new, dict.fromkeys(issuers, new)) == []


def test_a_running_cluster_is_not_switched_to_its_srv_targets():
    targets = [dict(m, srv_target="%s.example.com" % m["name"], peer_url="https://%s.example.com:2380" % m["name"])
               for m in MEMBERS]
    static = {"cluster_id": "c1", "members": [listed("etcd-1", "https://10.0.0.1:2380"),
                                              listed("etcd-2", "https://10.0.0.2:2380")]}
    assert membership_problems(static, targets) == [
        "the running cluster lists etcd-%d at https://10.0.0.%d:2380, not at its SRV target "
        "(https://etcd-%d.example.com:2380): etcd_discovery srv bootstraps a new cluster from the records, and a running "
        "one keeps its members' peer URLs; set etcd_discovery back to static for this cluster (or the member's target "
        "back to the one it has)" % (n, n, n) for n in (1, 2)]
    bootstrapped = {"cluster_id": "c1", "members": [listed(m["name"], m["peer_url"]) for m in targets]}
    assert membership_problems(bootstrapped, targets) == []
