"""config_file(): etcd's configuration file from the roles' settings, as the etcd_config role writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.filter.etcd_config_file import FilterModule, etcd_config_file
from ansible_collections.quorum.etcd.plugins.module_utils.config_file import config_file, freelist_key
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_config_keys import (
    CONFIG_KEYS,
    FILE_DEFAULTS_DIFFERING,
    SUPPORTED_MINORS,
    TRANSPORT_SECURITY_KEYS,
    minor,
)

REPO = Path(__file__).resolve().parents[4]
DEFAULTS = {**yaml.safe_load((REPO / "roles" / "_common" / "defaults" / "main.yml").read_text()),
            **yaml.safe_load((REPO / "roles" / "etcd_config" / "defaults" / "main.yml").read_text())}

# The role defaults that are templates, as a member's play would have them.
MEMBER = {
    "etcd_name": "m1",
    "etcd_listen_client_urls": ["https://10.0.0.1:2379", "https://127.0.0.1:2379"],
    "etcd_advertise_client_urls": ["https://10.0.0.1:2379"],
    "etcd_listen_peer_urls": ["https://10.0.0.1:2380"],
    "etcd_advertise_peer_urls": ["https://10.0.0.1:2380"],
    "etcd_listen_metrics_urls": ["http://10.0.0.1:2381", "http://127.0.0.1:2381"],
    "etcd_initial_cluster": "m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380",
    "etcd_initial_cluster_token": "etcd-cluster",
    "etcd_initial_cluster_state": "new",
}

ORDER = [
    "name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
    "initial-advertise-peer-urls", "listen-metrics-urls", "initial-cluster", "initial-cluster-token", "initial-cluster-state",
    "logger", "log-level", "log-outputs", "snapshot-count", "heartbeat-interval", "election-timeout",
    "max-snapshots", "max-wals", "max-txn-ops", "max-request-bytes", "grpc-keepalive-min-time",
    "grpc-keepalive-interval", "grpc-keepalive-timeout", "backend-batch-limit", "backend-batch-interval",
    "quota-backend-bytes", "auto-compaction-mode", "auto-compaction-retention", "auth-token", "auth-token-ttl",
    "enable-grpc-gateway",
    "client-transport-security", "peer-transport-security", "cipher-suites",
]
SUITES = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]
CHACHA = {"3.4": ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"],
          "3.5": ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"]}


def order(version):
    """ORDER, and the TLS floor that etcd 3.5 (not 3.4) can be given, after the cipher suites."""
    return ORDER + ([] if minor(version) == "3.4" else ["tls-min-version"])


def tls_values(version):
    values = {"cipher-suites": SUITES + CHACHA.get(minor(version), CHACHA["3.5"])}
    if minor(version) != "3.4":
        values["tls-min-version"] = "TLS1.2"
    return values


# Besides the freelist key, which depends on the version.
DEFAULT_VALUES = {
    "name": "m1",
    "data-dir": "/var/lib/etcd",
    "listen-client-urls": "https://10.0.0.1:2379,https://127.0.0.1:2379",
    "advertise-client-urls": "https://10.0.0.1:2379",
    "listen-peer-urls": "https://10.0.0.1:2380",
    "initial-advertise-peer-urls": "https://10.0.0.1:2380",
    "listen-metrics-urls": "http://10.0.0.1:2381,http://127.0.0.1:2381",
    "initial-cluster": "m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380",
    "initial-cluster-token": "etcd-cluster",
    "initial-cluster-state": "new",
    "logger": "zap",
    "log-level": "warn",
    "log-outputs": ["stderr"],
    "snapshot-count": 100000,
    "heartbeat-interval": 100,
    "election-timeout": 1000,
    "max-snapshots": 5,
    "max-wals": 5,
    "max-txn-ops": 128,
    "max-request-bytes": 1572864,
    "grpc-keepalive-min-time": 5000000000,
    "grpc-keepalive-interval": 7200000000000,
    "grpc-keepalive-timeout": 20000000000,
    "backend-batch-limit": 10000,
    "backend-batch-interval": 100000000,
    "quota-backend-bytes": 2147483648,
    "auto-compaction-mode": "periodic",
    "auto-compaction-retention": "1h",
    "auth-token": "jwt,pub-key=/etc/ssl/etcd/jwt.pub,priv-key=/etc/ssl/etcd/jwt-key.pem,sign-method=ES256,ttl=300s",
    "auth-token-ttl": 300,
    "enable-grpc-gateway": True,
    "client-transport-security": {
        "cert-file": "/etc/ssl/etcd/etcd.pem",
        "key-file": "/etc/ssl/etcd/etcd-key.pem",
        "trusted-ca-file": "/etc/ssl/etcd/ca.pem",
        "client-cert-auth": True,
    },
    "peer-transport-security": {
        "cert-file": "/etc/ssl/etcd/peer.pem",
        "key-file": "/etc/ssl/etcd/peer-key.pem",
        "trusted-ca-file": "/etc/ssl/etcd/ca.pem",
        "client-cert-auth": True,
    },
}

# Every setting config_file() reads.
NEEDED = [
    "etcd_version", "etcd_name", "etcd_data_dir", "etcd_listen_client_urls", "etcd_advertise_client_urls",
    "etcd_listen_peer_urls", "etcd_advertise_peer_urls", "etcd_listen_metrics_urls", "etcd_initial_cluster",
    "etcd_initial_cluster_token",
    "etcd_initial_cluster_state", "etcd_log_level", "etcd_log_output", "etcd_snapshot_count",
    "etcd_heartbeat_interval", "etcd_election_timeout", "etcd_max_snapshots", "etcd_max_wals", "etcd_max_txn_ops",
    "etcd_max_request_bytes", "etcd_grpc_keepalive_min_time", "etcd_grpc_keepalive_interval",
    "etcd_grpc_keepalive_timeout", "etcd_backend_batch_limit", "etcd_backend_batch_interval",
    "etcd_backend_bbolt_freelist_type", "etcd_quota_backend_bytes", "etcd_auto_compaction_mode",
    "etcd_auto_compaction_retention", "etcd_auth_token", "etcd_auth_token_ttl", "etcd_tls_min_version",
    "etcd_tls_cipher_suites", "etcd_certs_path",
]


def settings(**overrides):
    return {**DEFAULTS, **MEMBER, **overrides}


def flag_defaults(version):
    """The flags' defaults the file gets written where a file start would default otherwise."""
    return {key: value for key, value in FILE_DEFAULTS_DIFFERING.get(minor(version), {}).items()
            if key not in DEFAULT_VALUES and key != "tls-min-version"}


@pytest.mark.parametrize("version, freelist", [
    ("3.4.23", "experimental-backend-bbolt-freelist-type"),
    ("v3.4.0", "experimental-backend-bbolt-freelist-type"),
    ("3.5.16", "backend-bbolt-freelist-type"),
    ("v3.5.10", "backend-bbolt-freelist-type"),
    ("3.5.0-rc.1", "backend-bbolt-freelist-type"),
    ("3.6.0", "backend-bbolt-freelist-type"),
])
def test_role_defaults_in_order(version, freelist):
    config = config_file(settings(etcd_version=version))
    assert list(config) == order(version) + [freelist] + list(flag_defaults(version))
    assert config == dict(DEFAULT_VALUES, **tls_values(version), **{freelist: "map"}, **flag_defaults(version))


def test_an_empty_metrics_list_turns_the_listener_off():
    assert "listen-metrics-urls" not in config_file(settings(etcd_listen_metrics_urls=[]))


def test_simple_tokens_need_no_key():
    config = config_file(settings(etcd_auth_token="simple", etcd_auth_token_ttl=600))
    assert (config["auth-token"], config["auth-token-ttl"]) == ("simple", 600)
    with pytest.raises(ValueError, match="etcd_auth_token must be one of jwt, simple, not 'oauth'"):
        config_file(settings(etcd_auth_token="oauth"))


def test_tls_floor_and_suites():
    assert config_file(settings(etcd_tls_min_version="TLS1.3"))["tls-min-version"] == "TLS1.3"
    with pytest.raises(ValueError, match="etcd_tls_min_version is TLS1.3, which etcd 3.4 cannot set"):
        config_file(settings(etcd_version="3.4.23", etcd_tls_min_version="TLS1.3"))
    with pytest.raises(ValueError, match="etcd_tls_cipher_suites must be a list of some of"):
        config_file(settings(etcd_tls_cipher_suites=["TLS_RSA_WITH_RC4_128_SHA"]))
    assert config_file(settings(etcd_tls_cipher_suites=SUITES[:1]))["cipher-suites"] == SUITES[:1]


def test_the_peer_port_requires_the_members_common_name_where_etcd_reads_it():
    assert config_file(settings(), "c-peer")["peer-transport-security"]["allowed-cn"] == ["c-peer"]
    assert "allowed-cn" not in config_file(settings())["peer-transport-security"]
    # etcd 3.4 reads no allowed-cn from a file, but the Go field that its flag sets.
    older = config_file(settings(etcd_version="3.4.23"), "c-peer")
    assert "allowed-cn" not in older["peer-transport-security"]
    assert older["PeerTLSInfo"] == {"AllowedCN": "c-peer"}
    assert "PeerTLSInfo" not in config_file(settings(etcd_version="3.4.23"))
    assert "PeerTLSInfo" not in config_file(settings(), "c-peer")


def test_the_file_behaves_as_the_flags():
    assert config_file(settings(etcd_version="3.4.23"))["enable-grpc-gateway"] is True
    assert config_file(settings(etcd_version="3.5.16"))["experimental-distributed-tracing-address"] == "localhost:4317"


def test_default_version_is_3_5():
    assert "backend-bbolt-freelist-type" in config_file(settings())


@pytest.mark.parametrize("minor_", SUPPORTED_MINORS)
def test_every_key_is_one_the_release_reads(minor_):
    config = config_file(settings(etcd_version=minor_ + ".1"))
    assert set(config) <= CONFIG_KEYS[minor_]
    for side in ("client-transport-security", "peer-transport-security"):
        assert set(config[side]) <= TRANSPORT_SECURITY_KEYS[minor_]
    assert freelist_key(minor_ + ".0") in CONFIG_KEYS[minor_]


@pytest.mark.parametrize("name, value, key, expected", [
    ("etcd_grpc_keepalive_min_time", 1, "grpc-keepalive-min-time", 1000000000),
    ("etcd_grpc_keepalive_interval", 60, "grpc-keepalive-interval", 60000000000),
    ("etcd_grpc_keepalive_timeout", "3", "grpc-keepalive-timeout", 3000000000),
    ("etcd_grpc_keepalive_timeout", 0, "grpc-keepalive-timeout", 0),
    ("etcd_backend_batch_interval", 10, "backend-batch-interval", 10000000),
    ("etcd_backend_batch_interval", "250", "backend-batch-interval", 250000000),
    # Milliseconds in the file too: unchanged.
    ("etcd_heartbeat_interval", "50", "heartbeat-interval", 50),
    ("etcd_election_timeout", 500.0, "election-timeout", 500),
    ("etcd_quota_backend_bytes", "268435456", "quota-backend-bytes", 268435456),
])
def test_durations_and_integers(name, value, key, expected):
    config = config_file(settings(**{name: value}))
    assert config[key] == expected and isinstance(config[key], int) and not isinstance(config[key], bool)


@pytest.mark.parametrize("value, expected", [("0", "0"), (1, "1"), ("1h", "1h"), ("1000", "1000")])
def test_compaction_retention_is_a_string(value, expected):
    assert config_file(settings(etcd_auto_compaction_retention=value))["auto-compaction-retention"] == expected


@pytest.mark.parametrize("output, log_dir, expected", [
    ("stderr", "/var/log/etcd", ["stderr"]),
    ("file", "/var/log/etcd", ["/var/log/etcd/etcd.log"]),
    ("file", "/srv/logs/etcd-a", ["/srv/logs/etcd-a/etcd.log"]),
])
def test_log_outputs(output, log_dir, expected):
    config = config_file(settings(etcd_log_output=output, etcd_log_dir=log_dir))
    assert config["log-outputs"] == expected and config["logger"] == "zap"


def test_stderr_needs_no_log_dir():
    given = settings(etcd_log_output="stderr")
    del given["etcd_log_dir"]
    assert config_file(given)["log-outputs"] == ["stderr"]


@pytest.mark.parametrize("version", ["3.4.23", "3.5.16"])
@pytest.mark.parametrize("extra", [{}, {"enable-v2": True}, {"log-level": "debug"}])
def test_grpc_gateway_is_on(version, extra):
    config = config_file(settings(etcd_version=version, etcd_extra_config=extra))
    assert config["enable-grpc-gateway"] is True


@pytest.mark.parametrize("version, freelist", [
    ("3.4.23", "experimental-backend-bbolt-freelist-type"),
    ("3.5.16", "backend-bbolt-freelist-type"),
])
@pytest.mark.parametrize("extra, changed, added", [
    ({}, {}, []),
    ({"enable-v2": True, "cors": "*"}, {}, ["enable-v2", "cors"]),
    ({"log-level": "debug"}, {"log-level": "debug"}, []),
    # Overrides keep their place; new keys come last in their own order.
    ({"max-wals": 0, "enable-pprof": True, "snapshot-count": 1}, {"max-wals": 0, "snapshot-count": 1},
     ["enable-pprof"]),
    ({"enable-grpc-gateway": False}, {"enable-grpc-gateway": False}, []),
    ({"FREELIST": "array"}, {"FREELIST": "array"}, []),
])
def test_extra_config_merged_last(version, freelist, extra, changed, added):
    extra = {(freelist if k == "FREELIST" else k): v for k, v in extra.items()}
    changed = {(freelist if k == "FREELIST" else k): v for k, v in changed.items()}
    config = config_file(settings(etcd_version=version, etcd_extra_config=extra))
    assert list(config) == order(version) + [freelist] + list(flag_defaults(version)) + added
    assert config == {**DEFAULT_VALUES, **tls_values(version), freelist: "map", **flag_defaults(version), **changed,
                      **{k: extra[k] for k in added}}


def test_extra_config_replaces_a_whole_map_and_is_optional():
    tls = {"cert-file": "/x.pem", "key-file": "/x-key.pem"}
    assert config_file(settings(etcd_extra_config={"client-transport-security": tls}))[
        "client-transport-security"] == tls
    given = settings()
    del given["etcd_extra_config"]
    assert config_file(given) == config_file(settings())
    assert config_file(settings(etcd_extra_config=None)) == config_file(settings())


def test_certs_path():
    config = config_file(settings(etcd_certs_path="/srv/pki/m1"))
    assert config["client-transport-security"]["cert-file"] == "/srv/pki/m1/etcd.pem"
    assert config["client-transport-security"]["key-file"] == "/srv/pki/m1/etcd-key.pem"
    assert config["peer-transport-security"]["cert-file"] == "/srv/pki/m1/peer.pem"
    assert config["peer-transport-security"]["key-file"] == "/srv/pki/m1/peer-key.pem"
    for side in ("client-transport-security", "peer-transport-security"):
        assert config[side]["trusted-ca-file"] == "/srv/pki/m1/ca.pem"
        assert config[side]["client-cert-auth"] is True


def test_urls_as_tuple_or_joined_string():
    config = config_file(settings(etcd_listen_client_urls=("https://a:1", "https://b:1"),
                                  etcd_advertise_client_urls="https://a:1,https://b:1"))
    assert config["listen-client-urls"] == config["advertise-client-urls"] == "https://a:1,https://b:1"


def test_the_input_is_not_changed():
    given = settings(etcd_extra_config={"enable-v2": True})
    before = repr(given)
    config_file(given)
    assert repr(given) == before


def test_the_file_is_yaml_etcd_reads():
    text = yaml.safe_dump(config_file(settings(etcd_version="3.4.23", etcd_auto_compaction_retention="0")), sort_keys=False)
    assert "grpc-keepalive-interval: 7200000000000\n" in text
    assert "auto-compaction-retention: '0'\n" in text
    assert yaml.safe_load(text)["enable-grpc-gateway"] is True


@pytest.mark.parametrize("name", NEEDED)
@pytest.mark.parametrize("how", ["absent", "None"])
def test_missing_setting_raises(name, how):
    given = settings()
    if how == "absent":
        del given[name]
    else:
        given[name] = None
    with pytest.raises(ValueError, match="missing etcd setting %s\\b" % name):
        config_file(given)


def test_file_output_needs_log_dir():
    given = settings(etcd_log_output="file")
    del given["etcd_log_dir"]
    with pytest.raises(ValueError, match="missing etcd setting etcd_log_dir"):
        config_file(given)


@pytest.mark.parametrize("overrides, message", [
    ({"etcd_version": "latest"}, "etcd_version is not an etcd version: 'latest'"),
    ({"etcd_log_output": "journal"}, "etcd_log_output must be one of file, stderr, not 'journal'"),
    ({"etcd_snapshot_count": "lots"}, "etcd_snapshot_count must be an integer, not 'lots'"),
    ({"etcd_max_wals": True}, "etcd_max_wals must be an integer, not True"),
    ({"etcd_grpc_keepalive_timeout": [20]}, "etcd_grpc_keepalive_timeout must be an integer"),
    ({"etcd_listen_peer_urls": [1, 2]}, "etcd_listen_peer_urls must be a list of URLs"),
    ({"etcd_listen_peer_urls": {"a": 1}}, "etcd_listen_peer_urls must be a list of URLs"),
    ({"etcd_name": ["m1"]}, "etcd_name must be a string, not list"),
    ({"etcd_extra_config": ["enable-v2"]}, "etcd_extra_config must be a mapping, not list"),
])
def test_bad_setting_raises(overrides, message):
    with pytest.raises(ValueError, match=message.replace("(", "\\(").replace("[", "\\[")):
        config_file(settings(**overrides))


@pytest.mark.parametrize("given", [None, [], "etcd_name=m1"])
def test_settings_must_be_a_mapping(given):
    with pytest.raises(ValueError, match="etcd settings must be a mapping"):
        config_file(given)


def test_filter():
    assert FilterModule().filters() == {"etcd_config_file": etcd_config_file}
    assert etcd_config_file(settings()) == config_file(settings())


@pytest.mark.parametrize("given, message", [
    (["etcd_name"], "etcd_config_file needs a dict of etcd settings, not list"),
    ({}, "etcd_config_file: missing etcd setting etcd_version"),
    ({**DEFAULTS, **MEMBER, "etcd_heartbeat_interval": "fast"}, "etcd_heartbeat_interval must be an integer"),
])
def test_filter_refuses_bad_input(given, message):
    with pytest.raises(AnsibleFilterError, match=message):
        etcd_config_file(given)


def test_with_srv_discovery_a_member_without_an_initial_cluster_bootstraps_from_the_records():
    srv = settings(etcd_discovery="srv", etcd_domain_name="example.com", etcd_initial_cluster="")
    config = config_file(srv)
    assert "initial-cluster" not in config
    assert list(config)[7:10] == ["discovery-srv", "initial-cluster-token", "initial-cluster-state"]
    assert config["discovery-srv"] == "example.com"
    assert config_file({**srv, "etcd_discovery_srv_name": "blue"})["discovery-srv-name"] == "blue"
    # A member joining a running cluster starts from its list: etcd takes only one of the two.
    joining = config_file(settings(etcd_discovery="srv", etcd_domain_name="example.com"))
    assert "discovery-srv" not in joining and joining["initial-cluster"] == MEMBER["etcd_initial_cluster"]
