"""The config-file key tables against known etcd facts (tests/integration checks them against the binaries)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils import etcd_config_keys
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_config_keys import (
    CONFIG_KEYS,
    FILE_DEFAULTS_DIFFERING,
    FLAGS_NOT_IN_FILE,
    SOURCE_RELEASES,
    SUPPORTED_MINORS,
    TLS_KEYS,
    TRANSPORT_SECURITY_KEYS,
    UNTAGGED_FIELD_KEYS,
    is_tls_key,
    minor,
)

FLAT_TLS_FLAGS = ("auto-tls", "cert-file", "client-cert-auth", "client-crl-file", "key-file", "peer-auto-tls",
                  "peer-cert-file", "peer-client-cert-auth", "peer-crl-file", "peer-key-file", "peer-trusted-ca-file",
                  "trusted-ca-file", "experimental-peer-skip-client-san-verification")


@pytest.mark.parametrize(
    "key, in_34, in_35",
    [
        ("enable-grpc-gateway", True, True),
        ("experimental-initial-corrupt-check", True, True),
        ("listen-metrics-urls", True, True),
        ("log-outputs", True, True),
        ("client-transport-security", True, True),
        ("peer-transport-security", True, True),
        ("cipher-suites", True, True),
        ("proxy", True, True),  # read by etcdmain's second pass (configProxy)
        ("discovery-fallback", True, True),
        ("backend-bbolt-freelist-type", False, True),
        ("experimental-backend-bbolt-freelist-type", True, False),
        ("log-output", True, False),
        ("debug", True, False),
        ("log-package-levels", True, False),
        ("listen-client-http-urls", False, True),
        ("socket-options", False, True),
        ("tls-min-version", False, True),
        ("self-signed-cert-validity", False, True),
        ("experimental-compact-hash-check-enabled", False, True),  # not in 3.4.23
        ("v2-deprecation", False, True),
        ("experimental-snapshot-catch-up-entries", False, True),
        ("experimental-snapshot-catchup-entries", False, False),  # the 3.5 flag's spelling
        ("socket-reuse-port", False, False),
        ("raft-read-timeout", False, False),
        ("config-file", False, False),
    ],
)
def test_key_is_read_by_the_right_minors(key, in_34, in_35):
    assert (key in CONFIG_KEYS["3.4"], key in CONFIG_KEYS["3.5"]) == (in_34, in_35)


@pytest.mark.parametrize("key", FLAT_TLS_FLAGS)
@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_flat_tls_flags_are_not_file_keys(version, key):
    assert key not in CONFIG_KEYS[version]
    assert key in FLAGS_NOT_IN_FILE[version]


def test_tables_cover_exactly_the_supported_minors():
    assert SUPPORTED_MINORS == ("3.4", "3.5")
    for table in (CONFIG_KEYS, TRANSPORT_SECURITY_KEYS, UNTAGGED_FIELD_KEYS, FLAGS_NOT_IN_FILE,
                  FILE_DEFAULTS_DIFFERING, SOURCE_RELEASES):
        assert tuple(table) == SUPPORTED_MINORS
    assert [minor(release) for release in SOURCE_RELEASES.values()] == list(SUPPORTED_MINORS)


@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_keys_are_kebab_case_and_apart_from_flags_not_read(version):
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in CONFIG_KEYS[version])
    assert not CONFIG_KEYS[version] & set(FLAGS_NOT_IN_FILE[version])
    for where in FLAGS_NOT_IN_FILE[version].values():
        if where:
            parent, child = where.partition(": ")[::2]
            assert parent in CONFIG_KEYS[version] | UNTAGGED_FIELD_KEYS[version]
            # AllowedCN: a field of the Go struct PeerTLSInfo, where 3.4 reads the peer allowed-cn.
            assert not child or child in TRANSPORT_SECURITY_KEYS[version] | {"reuse-port", "reuse-address", "AllowedCN"}


def test_only_35_reads_allowed_lists_under_transport_security():
    assert TRANSPORT_SECURITY_KEYS["3.5"] - TRANSPORT_SECURITY_KEYS["3.4"] == {
        "allowed-cn", "allowed-hostname", "client-cert-file", "client-key-file"}
    for keys in TRANSPORT_SECURITY_KEYS.values():
        assert "crl-file" not in keys


def test_tls_keys_are_read_by_some_minor():
    readable = set()
    for version in SUPPORTED_MINORS:
        readable |= CONFIG_KEYS[version] | UNTAGGED_FIELD_KEYS[version]
    assert TLS_KEYS <= readable
    assert {"client-transport-security", "peer-transport-security", "cipher-suites"} <= TLS_KEYS


@pytest.mark.parametrize("key", ["name", "data-dir", "listen-client-urls", "advertise-client-urls",
                                 "enable-grpc-gateway", "log-outputs", "auto-compaction-mode", "host-whitelist", "cors",
                                 "auth-token", "quota-backend-bytes", "experimental-initial-corrupt-check"])
def test_ordinary_keys_are_not_tls_keys(key):
    assert key not in TLS_KEYS
    assert not is_tls_key(key)


@pytest.mark.parametrize("key, expected", [
    ("client-transport-security", True),
    ("Client-Transport-Security", True),
    ("PEER-TRANSPORT-SECURITY", True),
    ("clienttlsinfo", True),
    ("tls-min-version", True),
    ("client-cert-auth", False),  # flat: ignored by the file, so harmless
    ("name", False),
])
def test_is_tls_key_folds_case_like_go(key, expected):
    assert is_tls_key(key) is expected


def test_grpc_gateway_default_differs_only_in_34():
    assert FILE_DEFAULTS_DIFFERING["3.4"]["enable-grpc-gateway"] is True
    assert "enable-grpc-gateway" not in FILE_DEFAULTS_DIFFERING["3.5"]


@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_file_defaults_are_keys_of_their_minor(version):
    assert FILE_DEFAULTS_DIFFERING[version]["auto-compaction-mode"] == "periodic"
    assert set(FILE_DEFAULTS_DIFFERING[version]) <= CONFIG_KEYS[version]


@pytest.mark.parametrize("version, expected", [
    ("3.5.16", "3.5"),
    ("v3.5.16", "3.5"),
    ("3.4.23", "3.4"),
    ("v3.4.23", "3.4"),
    ("3.5", "3.5"),
    ("3.5.0-rc.1", "3.5"),
    (" 3.6.0 ", "3.6"),
    ("3.10.2", "3.10"),
])
def test_minor(version, expected):
    assert minor(version) == expected


@pytest.mark.parametrize("version", ["", "3", "latest", "3.x.1", "v", "3.5.16.1"])
def test_minor_refuses_what_is_not_a_version(version):
    with pytest.raises(ValueError):
        minor(version)


def test_sets_are_written_sorted():
    tree = ast.parse(Path(etcd_config_keys.__file__).read_text())
    sets = [node for node in ast.walk(tree) if isinstance(node, ast.Set)]
    assert len(sets) == 7
    for node in sets:
        values = [element.value for element in node.elts]
        assert values == sorted(values)
    dicts = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    assert len(dicts) == 10
    for node in dicts:
        keys = [key.value for key in node.keys]
        assert keys == sorted(keys)
