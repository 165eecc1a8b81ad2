"""Bad input against a deployed cluster: refused by name, and nothing on any member changed or restarted.

The checks run before any member is touched, so one deployed cluster serves every case. A check reports every
problem it finds in one refusal, so the cases one check refuses together share a run (BATCHES); each case's own
words must still be in it.
"""

from __future__ import annotations

import re

import pytest

from labtest import CA_PASSPHRASE, NODES, restarted

FIRST, SECOND = NODES[0], NODES[1]

# (id, extra vars, host vars, words the refusal must contain)
CASES = [
    ("election-above-etcd-limit", {"etcd_election_timeout": 60000}, {}, ["etcd_election_timeout is 60000", "50000"]),
    ("election-below-5-heartbeats", {"etcd_heartbeat_interval": 500, "etcd_election_timeout": 1000}, {},
     ["etcd_election_timeout (1000 ms) is less than 5 times etcd_heartbeat_interval (500 ms)"]),
    ("heartbeat-zero", {"etcd_heartbeat_interval": 0}, {}, ["etcd_heartbeat_interval is 0"]),
    ("heartbeat-not-a-number", {"etcd_heartbeat_interval": "fast"}, {},
     ["argument 'etcd_heartbeat_interval' is of type str and we were unable to convert to int"]),
    ("retention-with-a-space", {"etcd_auto_compaction_retention": "1 hour"}, {},
     ["etcd_auto_compaction_retention is '1 hour'"]),
    ("retention-hours-as-fraction", {"etcd_auto_compaction_retention": "1.5"}, {}, ["etcd_auto_compaction_retention is '1.5'"]),
    ("retention-duration-in-revision-mode",
     {"etcd_auto_compaction_mode": "revision", "etcd_auto_compaction_retention": "1h"}, {},
     ["etcd_auto_compaction_retention is '1h': with etcd_auto_compaction_mode revision"]),
    ("negative-quota", {"etcd_quota_backend_bytes": -1}, {}, ["etcd_quota_backend_bytes is -1"]),
    ("snapshot-count-zero", {"etcd_snapshot_count": 0}, {}, ["etcd_snapshot_count is 0"]),
    ("txn-ops-zero", {"etcd_max_txn_ops": 0}, {}, ["etcd_max_txn_ops is 0"]),
    ("request-bytes-negative", {"etcd_max_request_bytes": -5}, {}, ["etcd_max_request_bytes is -5"]),
    ("keepalive-negative", {"etcd_grpc_keepalive_timeout": -1}, {}, ["etcd_grpc_keepalive_timeout is -1"]),
    ("batch-interval-negative", {"etcd_backend_batch_interval": -100}, {}, ["etcd_backend_batch_interval is -100"]),
    ("log-level-unknown", {"etcd_log_level": "verbose"}, {}, ["etcd_log_level must be one of"]),
    ("log-output-unknown", {"etcd_log_output": "syslog"}, {}, ["etcd_log_output must be one of"]),
    ("freelist-unknown", {"etcd_backend_bbolt_freelist_type": "tree"}, {}, ["etcd_backend_bbolt_freelist_type must be one of"]),
    ("compaction-mode-unknown", {"etcd_auto_compaction_mode": "daily"}, {}, ["etcd_auto_compaction_mode must be one of"]),
    ("downgrade", {"etcd_version": "3.4.23"}, {},
     ["etcd_version is 3.4.23, but the host runs etcd 3.5.16: etcd does not go back a minor version"]),
    ("unsupported-minor", {"etcd_version": "3.6.0"}, {}, ["etcd_version is 3.6.0: this collection deploys etcd 3.4 and 3.5"]),
    ("version-not-a-release", {"etcd_version": "latest"}, {}, ["etcd_version is latest: give a release like 3.5.16"]),
    ("address-not-on-host", {}, {SECOND: {"etcd_address": "172.29.15.99"}},
     [SECOND + ": etcd_listen_client_urls has https://172.29.15.99:2379", "the host has no address 172.29.15.99"]),
    ("metrics-address-not-on-host", {"etcd_listen_metrics_urls": ["http://10.99.0.1:2381"]}, {},
     ["etcd_listen_metrics_urls has http://10.99.0.1:2381, but the host has no address 10.99.0.1"]),
    ("port-held-by-another-process", {"etcd_listen_metrics_urls": ["http://0.0.0.0:2382"]}, {},
     [FIRST + ": etcd_listen_metrics_urls has http://0.0.0.0:2382, but python3 already listens on port 2382"]),
    ("data-dir-root", {"etcd_data_dir": "/"}, {}, ["etcd_data_dir is /, a system directory"]),
    ("data-dir-relative", {"etcd_data_dir": "var/lib/etcd"}, {}, ["etcd_data_dir is 'var/lib/etcd': give an absolute path"]),
    ("data-dir-with-dotdot", {"etcd_data_dir": "/var/lib/../etc"}, {}, ["etcd_data_dir is '/var/lib/../etc'"]),
    ("certs-in-etc", {"etcd_certs_path": "/etc"}, {}, ["etcd_certs_path is /etc, a system directory"]),
    ("config-in-etc", {"etcd_config_path": "/etc/etcd.yaml"}, {}, ["etcd_config_path is /etc/etcd.yaml: its directory /etc"]),
    ("data-dir-inside-certs", {"etcd_data_dir": "/etc/ssl/etcd/data"}, {}, ["etcd_certs_path (/etc/ssl/etcd) and etcd_data_dir"]),
    ("member-name-with-comma", {}, {SECOND: {"etcd_name": "etcd,2"}}, [SECOND + ": etcd_name is 'etcd,2'"]),
    ("member-name-with-equals", {}, {SECOND: {"etcd_name": "etcd=2"}}, [SECOND + ": etcd_name is 'etcd=2'"]),
    ("member-name-with-path", {}, {SECOND: {"etcd_name": "../etcd-2"}}, [SECOND + ": etcd_name is '../etcd-2'"]),
    ("client-name-with-path", {"etcd_clients": [{"name": "../../evil", "prefix": "/evil/"}]}, {},
     ["etcd_clients has a client named '../../evil'"]),
    ("client-prefix-not-absolute", {"etcd_clients": [{"name": "billing", "prefix": "billing/"}]}, {},
     ["etcd_clients: client billing has the prefix 'billing/', which does not start with '/'"]),
    ("role-with-unknown-permission",
     {"etcd_roles": [{"name": "app", "permissions": [{"key": "/app/", "prefix": True, "access": "all"}]}]}, {},
     ["etcd_roles -> permissions -> access must be one of: read, write, readwrite, got: all"]),
    ("user-with-undeclared-role", {"etcd_users": [{"name": "ops", "roles": ["operators"]}]}, {},
     ["etcd_users: user ops has the role operators, which neither etcd_roles nor etcd_clients declares"]),
    ("auth-without-root", {"etcd_auth_enabled": True, "etcd_root_password": ""}, {},
     ["etcd_auth_enabled is true but etcd_root_password is empty"]),
    ("extra-config-tls-override",
     {"etcd_extra_config": {"client-transport-security": {"client-cert-auth": False}}}, {},
     ["etcd_extra_config sets client-transport-security: the collection sets transport security itself"]),
    ("extra-config-tls-override-other-case", {"etcd_extra_config": {"Client-Transport-Security": {}}}, {},
     ["etcd_extra_config sets Client-Transport-Security"]),
    ("extra-config-unknown-key", {"etcd_extra_config": {"quota-backend-byte": 1}}, {},
     ["etcd_extra_config has 'quota-backend-byte', which etcd 3.5 does not read"]),
    ("extra-config-key-of-another-version", {"etcd_extra_config": {"experimental-backend-bbolt-freelist-type": "map"}}, {},
     ["etcd_extra_config sets experimental-backend-bbolt-freelist-type, which comes from etcd_backend_bbolt_freelist_type"]),
    ("extra-config-setting-a-variable", {"etcd_extra_config": {"election-timeout": 5000}}, {},
     ["etcd_extra_config sets election-timeout, which comes from etcd_election_timeout"]),
    ("extra-config-not-a-mapping", {"etcd_extra_config": ["a"]}, {}, ["argument 'etcd_extra_config' is of type list"]),
    ("listen-url-without-tls", {"etcd_listen_client_urls": ["http://0.0.0.0:2379"]}, {},
     ["etcd_listen_client_urls has http://0.0.0.0:2379: client and peer traffic is TLS"]),
    ("listen-url-with-a-name", {"etcd_listen_peer_urls": ["https://etcd.example.com:2380"]}, {},
     ["etcd_listen_peer_urls has https://etcd.example.com:2380: etcd listens on IP addresses only"]),
    ("advertise-url-without-scheme", {"etcd_advertise_client_urls": ["172.29.15.11:2379"]}, {},
     ["etcd_advertise_client_urls has '172.29.15.11:2379'"]),
    ("initial-cluster-without-this-member", {"etcd_initial_cluster": "other=https://172.29.15.50:2380"}, {},
     ["etcd_initial_cluster (other=https://172.29.15.50:2380) has no entry for this member's etcd_name"]),
    ("empty-token", {"etcd_initial_cluster_token": " "}, {}, ["etcd_initial_cluster_token is empty"]),
    ("country-not-two-letters", {"etcd_pki_country": "USA"}, {}, ["etcd_pki_country is 'USA'"]),
    ("certificate-outlives-ca", {"etcd_pki_cert_days": 2000}, {}, ["etcd_pki_cert_days (2000) is longer than etcd_pki_ca_days"]),
    ("renewal-window-too-wide", {"etcd_pki_renew_days": 800}, {}, ["etcd_pki_renew_days (800) must be shorter"]),
    ("reissue-unknown-member", {"etcd_pki_reissue": "etcd-test-9"}, {}, ["etcd_pki_reissue names etcd-test-9"]),
    ("wrong-ca-passphrase", {"etcd_pki_ca_key_passphrase": "not-the-one"}, {},
     ["etcd_pki_ca_key_passphrase does not decrypt the CA key"]),
    ("missing-ca-passphrase", {"etcd_pki_ca_key_passphrase": ""}, {},
     ["is encrypted, but etcd_pki_ca_key_passphrase is empty"]),
    # A controller without the members' CA (a lost or wrong etcd_pki_dir): each member says it trusts one.
    ("ca-missing-on-controller", {"etcd_pki_dir": "/tmp/quorum-etcd-test-no-ca"}, {},
     [node + " already trusts a CA in /etc/ssl/etcd/ca.pem, but etcd_pki_dir (/tmp/quorum-etcd-test-no-ca) has none"
      for node in NODES]),
    ("etcd-as-root", {"etcd_user": "root"}, {}, ["etcd_user is 'root'"]),
    ("unit-name-with-path", {"etcd_service_name": "etcd/../sshd"}, {}, ["etcd_service_name is 'etcd/../sshd'"]),
    ("port-out-of-range", {"etcd_client_port": 70000}, {}, ["etcd_client_port of %s is 70000: a port must be a number from 1" % FIRST]),
    ("one-port-for-both", {"etcd_peer_port": 2379}, {}, ["uses port 2379 for both etcd_client_port and etcd_peer_port"]),
    ("no-tls", {"etcd_protocol": "http"}, {}, ["etcd_protocol must be one of: https"]),
    ("archive-without-path", {"etcd_install_source": "archive"}, {}, ["etcd_install_source is archive but etcd_install_archive is empty"]),
]

# The cases each run holds: those one check refuses together, in the order the checks run; the cases that need
# the members' state (addresses, ports, versions, CA) or that set the same variable run alone.
BATCHES = [
    ["port-out-of-range"],
    ["one-port-for-both"],
    ["log-output-unknown", "no-tls"],
    ["unsupported-minor", "data-dir-root", "certs-in-etc", "member-name-with-comma", "client-name-with-path",
     "listen-url-without-tls", "listen-url-with-a-name", "advertise-url-without-scheme", "etcd-as-root",
     "unit-name-with-path"],
    ["version-not-a-release", "data-dir-relative", "member-name-with-equals", "client-prefix-not-absolute"],
    ["data-dir-with-dotdot", "member-name-with-path", "extra-config-tls-override", "extra-config-tls-override-other-case",
     "extra-config-unknown-key", "extra-config-key-of-another-version", "extra-config-setting-a-variable"],
    ["extra-config-not-a-mapping"],
    ["config-in-etc", "data-dir-inside-certs"],
    ["archive-without-path"],
    ["country-not-two-letters", "certificate-outlives-ca", "reissue-unknown-member"],
    ["renewal-window-too-wide"],
    ["log-level-unknown", "freelist-unknown", "compaction-mode-unknown"],
    ["election-above-etcd-limit", "heartbeat-zero", "retention-with-a-space", "negative-quota", "snapshot-count-zero",
     "txn-ops-zero", "request-bytes-negative", "keepalive-negative", "batch-interval-negative",
     "initial-cluster-without-this-member", "empty-token"],
    ["election-below-5-heartbeats", "retention-hours-as-fraction"],
    ["heartbeat-not-a-number"],
    ["retention-duration-in-revision-mode"],
    ["role-with-unknown-permission"],
    ["user-with-undeclared-role", "auth-without-root"],
    ["downgrade", "address-not-on-host", "metrics-address-not-on-host"],
    ["port-held-by-another-process"],
    ["wrong-ca-passphrase"],
    ["missing-ca-passphrase"],
    ["ca-missing-on-controller"],
]


CASE = {case[0]: case for case in CASES}


def merged(names):
    """The extra vars and host vars of the cases together (their etcd_extra_config mappings merged)."""
    extra_vars, hostvars = {}, {}
    for name in names:
        case_vars, case_hostvars = CASE[name][1], CASE[name][2]
        for key, value in case_vars.items():
            if isinstance(value, dict) and isinstance(extra_vars.get(key), dict):
                value = dict(extra_vars[key], **value)
            else:
                assert key not in extra_vars, "two cases of one batch set %s" % key
            extra_vars[key] = value
        for host, values in case_hostvars.items():
            hostvars.setdefault(host, {}).update(values)
    return extra_vars, hostvars


def test_every_case_is_in_one_batch():
    assert sorted(name for batch in BATCHES for name in batch) == sorted(CASE)


@pytest.fixture(scope="module")
def baseline(lab):
    """The members' files and processes, and a process of another program on port 2382 of the first member."""
    lab.sh(FIRST, "nohup python3 -m http.server 2382 >/dev/null 2>&1 & sleep 0; true")
    lab.wait(lambda: ":2382" in lab.sh(FIRST, "ss -ltn"), 10, "the stand-in listener")
    yield lab.files(), lab.units()
    lab.sh(FIRST, "pkill -f 'http[.]server 2382' || true")


@pytest.mark.parametrize("names", BATCHES, ids=["+".join(batch) for batch in BATCHES])
def test_bad_input_is_refused_before_any_member_changes(lab, baseline, names):
    files, units = baseline
    run = lab.playbook(*merged(names))
    assert run.rc != 0, run.output
    for name in names:
        for word in CASE[name][3]:
            assert word in run.text, "%s: %r is not in the refusal:\n%s" % (name, word, run.output)
    # The refusal alone, not the argument spec or tracebacks around it.
    assert "argument_spec_data" not in run.output and "Traceback" not in run.output, run.output
    assert not re.search(r"changed: \[", run.output), run.output
    assert lab.files() == files, "a member's files changed:\n" + run.output
    assert restarted(units, lab.units()) == []
    assert lab.healthy()


def test_a_host_that_cannot_be_reached_changes_no_member(lab, baseline):
    """A fourth host in the group that does not answer: the three members are left as they are."""
    files, units = baseline
    run = lab.playbook(extra_hosts={"etcd-test-4": {"etcd_address": "172.29.15.14"}})
    assert run.rc != 0
    assert re.search(r"fatal: \[etcd-test-4\]: (UNREACHABLE|FAILED)", run.output), run.output
    assert not re.search(r"changed: \[", run.output), run.output
    assert lab.files() == files
    assert restarted(units, lab.units()) == []


def test_a_ca_the_members_do_not_trust_is_refused_before_anything_is_read_back_or_changed(lab, baseline, tmp_path):
    """etcd_pki_dir of another cluster (an inventory copied with its PKI), whose CA has the same name and no
    certificates of these members: its certificates would cut every member off."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    files, units = baseline
    other = tmp_path / "other-pki"
    other.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.load_pem_x509_certificate((lab.pki / "ca.pem").read_bytes()).subject
    now = datetime.datetime.now(datetime.timezone.utc)
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(7)
          .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    (other / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (other / "ca-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.BestAvailableEncryption(CA_PASSPHRASE.encode())))
    (other / "ca-key.pem").chmod(0o600)
    before = sorted(path.name for path in other.iterdir())
    run = lab.playbook(extra_vars={"etcd_pki_dir": str(other)})
    assert run.rc != 0, run.output
    for node in NODES:
        assert "%s does not trust the CA in %s/ca.pem (%s)" % (node, other, ca.fingerprint(hashes.SHA256()).hex()) \
            in run.text, run.output
    assert not re.search(r"changed: \[", run.output), run.output
    assert sorted(path.name for path in other.iterdir()) == before
    assert lab.files() == files
    assert restarted(units, lab.units()) == []
