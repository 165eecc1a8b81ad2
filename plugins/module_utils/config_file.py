# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""etcd's YAML configuration file (``etcd --config-file``), built from the roles' settings.

The one place that turns the roles' variables (``etcd_name``, ``etcd_data_dir``, ...; see
``roles/etcd/defaults/main.yml``) into the keys etcd reads: the ``quorum.etcd.etcd_config_file`` filter
renders it for the ``etcd_config`` role, and the integration tests start etcd from exactly this.

What the file needs that the flags do not (see ``etcd_config_keys``):

* URLs are comma-separated strings, ``log-outputs`` a list;
* durations are nanoseconds: the gRPC keepalives (seconds in the settings) and the backend batch
  interval (milliseconds in the settings); heartbeat and election timeout stay milliseconds;
* TLS is nested under ``client-transport-security`` / ``peer-transport-security``;
* ``enable-grpc-gateway`` defaults to off when etcd 3.4 reads a file (the flag defaults to on), and the
  collection's modules talk to the JSON gateway, so it is written;
* the bbolt freelist key lost its ``experimental-`` prefix in 3.5.

``etcd_extra_config`` is merged last, key by key (not recursively): its keys override, new ones come last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, List

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_config_keys import FILE_DEFAULTS_DIFFERING, minor

NANOSECONDS_PER_SECOND = 1000000000
NANOSECONDS_PER_MILLISECOND = 1000000

# Where etcd logs for each etcd_log_output; "{log_dir}" is etcd_log_dir.
LOG_OUTPUTS: Dict[str, List[str]] = {
    "stderr": ["stderr"],
    "file": ["{log_dir}/etcd.log"],
}

# The certificate files under etcd_certs_path that the etcd_pki role writes.
CLIENT_CERT = "etcd.pem"
CLIENT_KEY = "etcd-key.pem"
PEER_CERT = "peer.pem"
PEER_KEY = "peer-key.pem"
CA_CERT = "ca.pem"
# The key pair that signs and checks the members' JWT auth tokens: the same on every member, so that a token one
# member issued is good on all of them (simple tokens are not).
JWT_KEY = "jwt-key.pem"
JWT_PUBLIC_KEY = "jwt.pub"
AUTH_TOKENS = ("jwt", "simple")
# The cipher suites a member may offer with TLS 1.2: forward secret and authenticated encryption only, which no
# TLS 1.0 or 1.1 client can use either. (TLS 1.3's suites are Go's to choose.) etcd 3.4 knows the ChaCha20 ones by
# Go's older names.
CIPHER_SUITES = (
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
)
CIPHER_SUITE_NAMES_3_4 = {
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
}
TLS_VERSIONS = ("TLS1.2", "TLS1.3")


def freelist_key(version: str) -> str:
    """The bbolt freelist key of an etcd release: experimental- before 3.5."""
    major, minor_ = (int(part) for part in minor(version).split("."))
    return "backend-bbolt-freelist-type" if (major, minor_) >= (3, 5) else "experimental-backend-bbolt-freelist-type"


class _Settings:
    """Reads settings by name, with a clear ValueError for a missing or mistyped one."""

    def __init__(self, settings: Mapping[str, Any]):
        if not isinstance(settings, Mapping):
            raise ValueError("etcd settings must be a mapping of role variables, not %s" % type(settings).__name__)
        self.settings = settings

    def get(self, name: str) -> Any:
        try:
            value = self.settings[name]
        except KeyError:
            raise ValueError("missing etcd setting %s" % name) from None
        if value is None:
            raise ValueError("missing etcd setting %s (it is None)" % name)
        return value

    def optional_text(self, name: str, default: str) -> str:
        """A setting that may be missing, as text."""
        value = self.settings.get(name)
        return default if value is None else str(value)

    def text(self, name: str) -> str:
        value = self.get(name)
        if isinstance(value, (Mapping, list, tuple, set)):
            raise ValueError("etcd setting %s must be a string, not %s" % (name, type(value).__name__))
        return str(value)

    def integer(self, name: str) -> int:
        """As Jinja's int filter on good values ("5", 5, 5.0); a value it would turn into 0 is refused."""
        value = self.get(name)
        if isinstance(value, bool) or isinstance(value, (Mapping, list, tuple, set)):
            raise ValueError("etcd setting %s must be an integer, not %r" % (name, value))
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            raise ValueError("etcd setting %s must be an integer, not %r" % (name, value)) from None

    def urls(self, name: str) -> str:
        """A list of URLs as etcd's file takes them: comma-separated (a string is taken as already joined)."""
        value = self.get(name)
        if isinstance(value, str):
            return value
        if not isinstance(value, (list, tuple)) or not all(isinstance(url, str) for url in value):
            raise ValueError("etcd setting %s must be a list of URLs, not %r" % (name, value))
        return ",".join(value)


def _bootstrap(s: _Settings) -> Dict[str, str]:
    """How the member finds the others if it bootstraps: the initial cluster given, or, with SRV discovery and none
    given, the records of etcd_domain_name (etcd takes only one of the two)."""
    initial_cluster = s.text("etcd_initial_cluster")
    if initial_cluster or s.optional_text("etcd_discovery", "static") != "srv":
        return {"initial-cluster": initial_cluster}
    srv_name = s.optional_text("etcd_discovery_srv_name", "")
    return {"discovery-srv": s.text("etcd_domain_name"), **({"discovery-srv-name": srv_name} if srv_name else {})}


def config_file(settings: Mapping[str, Any], peer_common_name: str = "") -> dict:
    """The content of etcd's configuration file for these role settings, keys in the order written.

    ``settings`` maps role variable names to values; ``etcd_extra_config`` may be absent (nothing to
    merge), ``etcd_log_dir`` is only needed with ``etcd_log_output: file``. With ``peer_common_name``, the peer
    port accepts only certificates with that common name (the members'), not a client's from the same CA; etcd 3.4
    cannot be told so from a file, and is not.
    Raises ValueError on a missing or unusable setting.
    """
    s = _Settings(settings)
    version = s.text("etcd_version")
    try:
        freelist = freelist_key(version)
    except ValueError:
        raise ValueError("etcd setting etcd_version is not an etcd version: %r" % version) from None

    log_output = s.text("etcd_log_output")
    if log_output not in LOG_OUTPUTS:
        raise ValueError("etcd setting etcd_log_output must be one of %s, not %r"
                         % (", ".join(sorted(LOG_OUTPUTS)), log_output))
    log_dir = s.text("etcd_log_dir") if log_output == "file" else ""
    log_outputs = [output.format(log_dir=log_dir) for output in LOG_OUTPUTS[log_output]]

    certs = s.text("etcd_certs_path")
    extra = settings.get("etcd_extra_config")
    if extra is None:
        extra = {}
    if not isinstance(extra, Mapping):
        raise ValueError("etcd setting etcd_extra_config must be a mapping, not %s" % type(extra).__name__)

    auth_token = s.text("etcd_auth_token")
    if auth_token not in AUTH_TOKENS:
        raise ValueError("etcd setting etcd_auth_token must be one of %s, not %r" % (", ".join(AUTH_TOKENS), auth_token))
    token_ttl = s.integer("etcd_auth_token_ttl")
    if auth_token == "jwt":
        auth_token = "jwt,pub-key=%s/%s,priv-key=%s/%s,sign-method=ES256,ttl=%ds" % (
            certs, JWT_PUBLIC_KEY, certs, JWT_KEY, token_ttl)

    tls_min_version = s.text("etcd_tls_min_version")
    if tls_min_version not in TLS_VERSIONS:
        raise ValueError("etcd setting etcd_tls_min_version must be one of %s, not %r"
                         % (", ".join(TLS_VERSIONS), tls_min_version))
    suites = s.get("etcd_tls_cipher_suites")
    if not isinstance(suites, (list, tuple)) or not suites or any(suite not in CIPHER_SUITES for suite in suites):
        raise ValueError("etcd setting etcd_tls_cipher_suites must be a list of some of %s, not %r"
                         % (", ".join(CIPHER_SUITES), suites))
    older = minor(version) == "3.4"
    if older and tls_min_version != "TLS1.2":
        raise ValueError("etcd setting etcd_tls_min_version is %s, which etcd 3.4 cannot set (it takes TLS 1.2 "
                         "and later)" % tls_min_version)
    if older:
        suites = [CIPHER_SUITE_NAMES_3_4.get(suite, suite) for suite in suites]

    config: Dict[str, Any] = {
        "name": s.text("etcd_name"),
        "data-dir": s.text("etcd_data_dir"),
        "listen-client-urls": s.urls("etcd_listen_client_urls"),
        "advertise-client-urls": s.urls("etcd_advertise_client_urls"),
        "listen-peer-urls": s.urls("etcd_listen_peer_urls"),
        "initial-advertise-peer-urls": s.urls("etcd_advertise_peer_urls"),
        # An empty list turns the metrics listener off.
        **({"listen-metrics-urls": s.urls("etcd_listen_metrics_urls")} if s.get("etcd_listen_metrics_urls") else {}),
        **_bootstrap(s),
        "initial-cluster-token": s.text("etcd_initial_cluster_token"),
        "initial-cluster-state": s.text("etcd_initial_cluster_state"),
        "logger": "zap",
        "log-level": s.text("etcd_log_level"),
        "log-outputs": log_outputs,
        "snapshot-count": s.integer("etcd_snapshot_count"),
        "heartbeat-interval": s.integer("etcd_heartbeat_interval"),
        "election-timeout": s.integer("etcd_election_timeout"),
        "max-snapshots": s.integer("etcd_max_snapshots"),
        "max-wals": s.integer("etcd_max_wals"),
        "max-txn-ops": s.integer("etcd_max_txn_ops"),
        "max-request-bytes": s.integer("etcd_max_request_bytes"),
        "grpc-keepalive-min-time": s.integer("etcd_grpc_keepalive_min_time") * NANOSECONDS_PER_SECOND,
        "grpc-keepalive-interval": s.integer("etcd_grpc_keepalive_interval") * NANOSECONDS_PER_SECOND,
        "grpc-keepalive-timeout": s.integer("etcd_grpc_keepalive_timeout") * NANOSECONDS_PER_SECOND,
        "backend-batch-limit": s.integer("etcd_backend_batch_limit"),
        "backend-batch-interval": s.integer("etcd_backend_batch_interval") * NANOSECONDS_PER_MILLISECOND,
        "quota-backend-bytes": s.integer("etcd_quota_backend_bytes"),
        "auto-compaction-mode": s.text("etcd_auto_compaction_mode"),
        "auto-compaction-retention": s.text("etcd_auto_compaction_retention"),
        "auth-token": auth_token,
        "auth-token-ttl": token_ttl,
        # etcd 3.4 leaves the JSON gateway off when started from a file (its flag defaults to on).
        "enable-grpc-gateway": True,
        "client-transport-security": {
            "cert-file": "%s/%s" % (certs, CLIENT_CERT),
            "key-file": "%s/%s" % (certs, CLIENT_KEY),
            "trusted-ca-file": "%s/%s" % (certs, CA_CERT),
            "client-cert-auth": True,
        },
        "peer-transport-security": {
            "cert-file": "%s/%s" % (certs, PEER_CERT),
            "key-file": "%s/%s" % (certs, PEER_KEY),
            "trusted-ca-file": "%s/%s" % (certs, CA_CERT),
            "client-cert-auth": True,
            # A list, from etcd 3.5.
            **({"allowed-cn": [peer_common_name]} if peer_common_name and not older else {}),
        },
        # etcd 3.4's file has no allowed-cn, and it ignores flags beside a file; but its decoder fills the
        # untagged Go field PeerTLSInfo by name, whose AllowedCN is what --peer-cert-allowed-cn sets.
        **({"PeerTLSInfo": {"AllowedCN": peer_common_name}} if peer_common_name and older else {}),
        "cipher-suites": list(suites),
        **({} if older else {"tls-min-version": tls_min_version}),
        freelist: s.text("etcd_backend_bbolt_freelist_type"),
    }
    # Where etcd defaults differently when started from a file, the flag's default: the file behaves as the
    # flags etcd's documentation describes (tracing's address and name, 3.5's TLS floor).
    for key, value in FILE_DEFAULTS_DIFFERING.get(minor(version), {}).items():
        config.setdefault(key, value)
    config.update(extra)
    return config
