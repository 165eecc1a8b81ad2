# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What etcd's YAML configuration file (``etcd --config-file``) reads, per etcd minor release.

Derived from etcd 3.4.23 and 3.5.16, the releases the test bed installs (Debian's builds):

* the flags of the real binaries (``etcd --help``, and each source flag tried as ``--NAME=x --version``);
* the release tags' source: the file is decoded into ``configYAML`` (``embed.Config`` plus ``configJSON``,
  embed/config.go) and again into ``configProxy`` (etcdmain/config.go) by their ``json`` tags;
* the binaries again: a key counts as read when a wrongly typed value for it makes etcd refuse the file
  ("cannot unmarshal"), and as not read when etcd goes on to its data directory instead.

The tables are literals, copied from that work; nothing here runs or needs etcd.

What the file reads, in short:

* TLS is only nested, under ``client-transport-security`` / ``peer-transport-security``; the flat TLS flags
  (``cert-file``, ``client-cert-auth``, ``auto-tls``, ``peer-*``...) are silently ignored in the file.
  Neither release has a CRL key (no ``crl-file``, no ``client-crl-file``).
* ``log-outputs`` and ``cipher-suites`` are YAML lists; the URL keys, ``cors`` and ``host-whitelist`` are
  comma-separated strings; durations are nanoseconds.
* Go's encoding/json does the matching, so names match case-insensitively (``Enable-GRPC-Gateway`` works)
  and exported Go fields without a tag are keys too (UNTAGGED_FIELD_KEYS); compare names casefolded
  (is_tls_key does). The YAML layer also honours unquoted ``<<`` merge keys (PyYAML quotes a ``<<`` key).
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Tuple

SUPPORTED_MINORS: Tuple[str, ...] = ("3.4", "3.5")

# The release each minor's tables were read from.
SOURCE_RELEASES: Dict[str, str] = {"3.4": "3.4.23", "3.5": "3.5.16"}

# Top-level keys by their json tag: embed.Config, configJSON (URLs, cors, host-whitelist, the two
# transport-security maps) and etcdmain's configProxy (proxy-*, discovery-fallback).
CONFIG_KEYS: Dict[str, FrozenSet[str]] = {
    "3.4": frozenset({
        "advertise-client-urls",
        "auth-token",
        "auth-token-ttl",
        "auto-compaction-mode",
        "auto-compaction-retention",
        "backend-batch-interval",
        "backend-batch-limit",
        "bcrypt-cost",
        "cipher-suites",
        "client-transport-security",
        "cors",
        "data-dir",
        "debug",
        "discovery",
        "discovery-fallback",
        "discovery-proxy",
        "discovery-srv",
        "discovery-srv-name",
        "election-timeout",
        "enable-grpc-gateway",
        "enable-pprof",
        "enable-v2",
        "experimental-backend-bbolt-freelist-type",
        "experimental-compaction-batch-limit",
        "experimental-corrupt-check-time",
        "experimental-enable-lease-checkpoint",
        "experimental-enable-lease-checkpoint-persist",
        "experimental-enable-v2v3",
        "experimental-initial-corrupt-check",
        "experimental-warning-apply-duration",
        "experimental-watch-progress-notify-interval",
        "force-new-cluster",
        "grpc-keepalive-interval",
        "grpc-keepalive-min-time",
        "grpc-keepalive-timeout",
        "heartbeat-interval",
        "host-whitelist",
        "initial-advertise-peer-urls",
        "initial-cluster",
        "initial-cluster-state",
        "initial-cluster-token",
        "initial-election-tick-advance",
        "listen-client-urls",
        "listen-metrics-urls",
        "listen-peer-urls",
        "log-level",
        "log-output",
        "log-outputs",
        "log-package-levels",
        "logger",
        "max-concurrent-streams",
        "max-request-bytes",
        "max-snapshots",
        "max-txn-ops",
        "max-wals",
        "metrics",
        "name",
        "peer-transport-security",
        "pre-vote",
        "proxy",
        "proxy-dial-timeout",
        "proxy-failure-wait",
        "proxy-read-timeout",
        "proxy-refresh-interval",
        "proxy-write-timeout",
        "quota-backend-bytes",
        "snapshot-count",
        "strict-reconfig-check",
        "unsafe-no-fsync",
        "wal-dir",
    }),
    "3.5": frozenset({
        "advertise-client-urls",
        "auth-token",
        "auth-token-ttl",
        "auto-compaction-mode",
        "auto-compaction-retention",
        "backend-batch-interval",
        "backend-batch-limit",
        "backend-bbolt-freelist-type",
        "bcrypt-cost",
        "cipher-suites",
        "client-transport-security",
        "cors",
        "data-dir",
        "discovery",
        "discovery-fallback",
        "discovery-proxy",
        "discovery-srv",
        "discovery-srv-name",
        "election-timeout",
        "enable-grpc-gateway",
        "enable-log-rotation",
        "enable-pprof",
        "enable-v2",
        "experimental-bootstrap-defrag-threshold-megabytes",
        "experimental-compact-hash-check-enabled",
        "experimental-compact-hash-check-time",
        "experimental-compaction-batch-limit",
        "experimental-compaction-sleep-interval",
        "experimental-corrupt-check-time",
        "experimental-distributed-tracing-address",
        "experimental-distributed-tracing-instance-id",
        "experimental-distributed-tracing-sampling-rate",
        "experimental-distributed-tracing-service-name",
        "experimental-downgrade-check-time",
        "experimental-enable-distributed-tracing",
        "experimental-enable-lease-checkpoint",
        "experimental-enable-lease-checkpoint-persist",
        "experimental-enable-v2v3",
        "experimental-initial-corrupt-check",
        "experimental-memory-mlock",
        # Spelled catch-up here but catchup in the flag (--experimental-snapshot-catchup-entries).
        "experimental-snapshot-catch-up-entries",
        "experimental-stop-grpc-service-on-defrag",
        "experimental-txn-mode-write-with-shared-buffer",
        "experimental-warning-apply-duration",
        "experimental-watch-progress-notify-interval",
        "force-new-cluster",
        "grpc-keepalive-interval",
        "grpc-keepalive-min-time",
        "grpc-keepalive-timeout",
        "heartbeat-interval",
        "host-whitelist",
        "initial-advertise-peer-urls",
        "initial-cluster",
        "initial-cluster-state",
        "initial-cluster-token",
        "initial-election-tick-advance",
        "listen-client-http-urls",
        "listen-client-urls",
        "listen-metrics-urls",
        "listen-peer-urls",
        "log-level",
        "log-outputs",
        "log-rotation-config-json",
        "logger",
        "max-concurrent-streams",
        "max-request-bytes",
        "max-snapshots",
        "max-txn-ops",
        "max-wals",
        "metrics",
        "name",
        "peer-transport-security",
        "pre-vote",
        "proxy",
        "proxy-dial-timeout",
        "proxy-failure-wait",
        "proxy-read-timeout",
        "proxy-refresh-interval",
        "proxy-write-timeout",
        "quota-backend-bytes",
        "self-signed-cert-validity",
        "snapshot-count",
        # A map (reuse-port, reuse-address); the flags are --socket-reuse-port/--socket-reuse-address.
        "socket-options",
        "strict-reconfig-check",
        "tls-max-version",
        "tls-min-version",
        "unsafe-no-fsync",
        "v2-deprecation",
        "wal-dir",
    }),
}

# Keys of the two *-transport-security maps (securityConfig). Only these four TLSInfo fields plus
# auto-tls (and in 3.5 the client pair and allowed lists) are copied from the file.
TRANSPORT_SECURITY_KEYS: Dict[str, FrozenSet[str]] = {
    "3.4": frozenset({
        "auto-tls",
        "cert-file",
        "client-cert-auth",
        "key-file",
        "trusted-ca-file",
    }),
    "3.5": frozenset({
        "allowed-cn",
        "allowed-hostname",
        "auto-tls",
        "cert-file",
        "client-cert-auth",
        "client-cert-file",
        "client-key-file",
        "key-file",
        "trusted-ca-file",
    }),
}

# Exported Go fields without a json tag: encoding/json reads them by field name, so they are keys
# nobody documents. Most are overwritten by their tagged key when that is set; ClientTLSInfo and
# PeerTLSInfo are not: their CRLFile, InsecureSkipVerify, SkipClientSANVerify, CipherSuites... survive.
UNTAGGED_FIELD_KEYS: Dict[str, FrozenSet[str]] = {
    "3.4": frozenset({
        "ACUrls",
        "APUrls",
        "CORS",
        "ClientAutoTLS",
        "ClientTLSInfo",
        "Fallback",
        "HostWhitelist",
        "LCUrls",
        "LPUrls",
        "ListenMetricsUrls",
        "PeerAutoTLS",
        "PeerTLSInfo",
        "Proxy",
        "SnapshotCatchUpEntries",
        "ZapLoggerBuilder",
    }),
    "3.5": frozenset({
        "AdvertiseClientUrls",
        "AdvertisePeerUrls",
        "CORS",
        "ClientAutoTLS",
        "ClientTLSInfo",
        "Fallback",
        "HostWhitelist",
        "ListenClientHttpUrls",
        "ListenClientUrls",
        "ListenMetricsUrls",
        "ListenPeerUrls",
        "PeerAutoTLS",
        "PeerTLSInfo",
        "Proxy",
        "ZapLoggerBuilder",
    }),
}

# Flags of the binary that the file does not read, and where the file says it instead ("" if nowhere).
FLAGS_NOT_IN_FILE: Dict[str, Dict[str, str]] = {
    "3.4": {
        "auto-tls": "client-transport-security: auto-tls",
        "cert-file": "client-transport-security: cert-file",
        "client-cert-allowed-hostname": "",
        "client-cert-auth": "client-transport-security: client-cert-auth",
        "client-crl-file": "",
        "cluster-active-size": "",  # legacy flags etcd accepts and ignores
        "cluster-remove-delay": "",
        "cluster-sync-interval": "",
        "config": "",
        "config-file": "",  # names the file itself
        "experimental-peer-skip-client-san-verification": "",
        "force": "",
        "key-file": "client-transport-security: key-file",
        "max-result-buffer": "",
        "max-retry-attempts": "",
        "peer-auto-tls": "peer-transport-security: auto-tls",
        "peer-cert-allowed-cn": "PeerTLSInfo: AllowedCN",
        "peer-cert-allowed-hostname": "",
        "peer-cert-file": "peer-transport-security: cert-file",
        "peer-client-cert-auth": "peer-transport-security: client-cert-auth",
        "peer-crl-file": "",
        "peer-election-timeout": "",
        "peer-heartbeat-interval": "",
        "peer-key-file": "peer-transport-security: key-file",
        "peer-trusted-ca-file": "peer-transport-security: trusted-ca-file",
        "retry-interval": "",
        "snapshot": "",
        "test.coverprofile": "",
        "test.outputdir": "",
        "trusted-ca-file": "client-transport-security: trusted-ca-file",
        "v": "",
        "version": "",
        "vv": "",
    },
    "3.5": {
        "auto-tls": "client-transport-security: auto-tls",
        "cert-file": "client-transport-security: cert-file",
        "client-cert-allowed-hostname": "client-transport-security: allowed-hostname",
        "client-cert-auth": "client-transport-security: client-cert-auth",
        "client-cert-file": "client-transport-security: client-cert-file",
        "client-crl-file": "",
        "client-key-file": "client-transport-security: client-key-file",
        "cluster-active-size": "",  # legacy flags etcd accepts and ignores
        "cluster-remove-delay": "",
        "cluster-sync-interval": "",
        "config": "",
        "config-file": "",  # names the file itself
        "experimental-peer-skip-client-san-verification": "",
        "experimental-snapshot-catchup-entries": "experimental-snapshot-catch-up-entries",
        "force": "",
        "key-file": "client-transport-security: key-file",
        "max-result-buffer": "",
        "max-retry-attempts": "",
        "peer-auto-tls": "peer-transport-security: auto-tls",
        "peer-cert-allowed-cn": "peer-transport-security: allowed-cn",
        "peer-cert-allowed-hostname": "peer-transport-security: allowed-hostname",
        "peer-cert-file": "peer-transport-security: cert-file",
        "peer-client-cert-auth": "peer-transport-security: client-cert-auth",
        "peer-client-cert-file": "peer-transport-security: client-cert-file",
        "peer-client-key-file": "peer-transport-security: client-key-file",
        "peer-crl-file": "",
        "peer-election-timeout": "",
        "peer-heartbeat-interval": "",
        "peer-key-file": "peer-transport-security: key-file",
        "peer-trusted-ca-file": "peer-transport-security: trusted-ca-file",
        "raft-read-timeout": "",  # flag-only globals of rafthttp; the file keeps their defaults
        "raft-write-timeout": "",
        "retry-interval": "",
        "snapshot": "",
        "socket-reuse-address": "socket-options: reuse-address",
        "socket-reuse-port": "socket-options: reuse-port",
        "test.coverprofile": "",
        "test.outputdir": "",
        "trusted-ca-file": "client-transport-security: trusted-ca-file",
        "v": "",
        "version": "",
        "vv": "",
    },
}

# Keys that set up, weaken or override transport security; user extra config may not carry them.
# Flat TLS flag names (cert-file, client-cert-auth, auto-tls, experimental-peer-skip-client-san-verification...)
# are absent because the file never reads them: they cannot override anything.
TLS_KEYS: FrozenSet[str] = frozenset({
    "ClientAutoTLS",  # untagged field; overwritten by client-transport-security's auto-tls today
    "ClientTLSInfo",  # untagged field: can set CRLFile, InsecureSkipVerify, SkipClientSANVerify, CipherSuites
    "PeerAutoTLS",  # untagged field; overwritten by peer-transport-security's auto-tls today
    "PeerTLSInfo",  # untagged field: as ClientTLSInfo, for the peer side
    "cipher-suites",  # can admit weak ciphers on both listeners
    "client-transport-security",  # client certs, CA, client-cert-auth, auto-tls
    "peer-transport-security",  # peer certs, CA, client-cert-auth, auto-tls
    "self-signed-cert-validity",  # 3.5: lifetime of auto-tls certificates
    "tls-max-version",  # 3.5: caps the protocol version
    "tls-min-version",  # 3.5: could only raise it (TLS1.2 is the floor), but it is the collection's to set
})

# Keys whose default from a config file differs from the flag's default, with the flag's default:
# writing these makes a file-started member behave like a flag-started one. The file starts from
# embed.NewConfig(); the flags default to literals in etcdmain/config.go.
FILE_DEFAULTS_DIFFERING: Dict[str, Dict[str, object]] = {
    "3.4": {
        # File default "": a retention like "1h" then fails ("unsupported compaction mode"),
        # a plain number like "1" silently turns compaction off.
        "auto-compaction-mode": "periodic",
        # File default "", which StartEtcd reads as "0": same effect, written for exactness.
        "auto-compaction-retention": "0",
        # Flag default true; NewConfig leaves it false, so /v3/* over HTTP answers 404.
        "enable-grpc-gateway": True,
    },
    "3.5": {
        "auto-compaction-mode": "periodic",  # as in 3.4
        "auto-compaction-retention": "0",  # as in 3.4
        # Only used with experimental-enable-distributed-tracing; the file leaves both empty.
        "experimental-distributed-tracing-address": "localhost:4317",
        "experimental-distributed-tracing-service-name": "etcd",
        # File default "" means Go's choice, which etcd's transport raises to TLS1.2: same effect.
        "tls-min-version": "TLS1.2",
    },
}

_TLS_FOLDED = frozenset(key.casefold() for key in TLS_KEYS)
_VERSION = re.compile(r"[vV]?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?")


def minor(version: str) -> str:
    """The minor release of an etcd version: "3.5.16", "v3.5.16" and "3.5.0-rc.1" give "3.5"."""
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ValueError("not an etcd version: %r" % (version,))
    return "%d.%d" % (int(match.group(1)), int(match.group(2)))


def is_tls_key(key: str) -> bool:
    """Whether etcd would take this top-level key as one of TLS_KEYS (Go matches names case-insensitively)."""
    return key.casefold() in _TLS_FOLDED
