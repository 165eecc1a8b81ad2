"""Bad input is refused with a message that names the variable, before any host is touched.

The members of these inventories answer SSH on a closed loopback port: a task that tried to
reach one would end as unreachable, so a run that fails with unreachable=0 touched no host.
"""

import datetime
import hashlib
import http.server
import json
import os
import re
import threading

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_run import ansible_playbook, folded

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_cluster(tmp_path, hostvars, group_vars=None, playbook="cluster.yml", extra_vars=None):
    inventory = {
        "etcd": {
            "hosts": hostvars,
            "vars": dict(
                {"ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": 1,
                 "ansible_python_interpreter": "/usr/bin/python3"},
                **(group_vars or {}),
            ),
        }
    }
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(inventory))
    result = ansible_playbook(
        [
            os.path.join(REPO, "playbooks", playbook), "-i", str(tmp_path / "hosts.yml"),
            "-e", "etcd_pki_dir=%s" % (tmp_path / "pki"), "-e", "etcd_install_cache_dir=%s" % (tmp_path / "cache"),
        ] + ["-e", json.dumps(extra_vars)] * bool(extra_vars),
        timeout=300,
    )
    result.output = result.stdout + result.stderr
    return result


def new_ca(name="preflight CA"):
    """A CA's certificate and unencrypted key, PEM, as an operator would give them in etcd_pki_ca_certificate and
    etcd_pki_ca_private_key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1000))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode())


CA_CERTIFICATE, CA_KEY = new_ca()
ANOTHER_CA_KEY = new_ca("another CA")[1]


def absent(n, **hostvars):
    return {"quorum-preflight-absent-%d" % n: dict({"etcd_address": "10.9.9.%d" % n}, **hostvars)}


def three(**group_hostvars):
    hosts = {}
    for n in (1, 2, 3):
        hosts.update(absent(n, **group_hostvars))
    return hosts


def stand_ins(**hostvars):
    """Three members that this machine stands in for (it is read, not changed), at its loopback address."""
    hosts = {}
    for n in (1, 2, 3):
        hosts.update(absent(n, ansible_connection="local", ansible_become=False, etcd_address="127.0.0.1",
                            etcd_client_port=42379 + 10 * n, etcd_peer_port=42380 + 10 * n,
                            etcd_metrics_port=42381 + 10 * n, **hostvars))
    return hosts


def assert_refused_before_any_host(result, tmp_path, message):
    assert result.returncode != 0
    assert message in folded(result.output), result.output
    assert not re.search(r"unreachable=[1-9]", result.output), "a member was contacted:\n" + result.output
    assert not (tmp_path / "pki").exists()


# (id, hosts, group vars, what the refusal says)
CASES = [
    ("duplicate-name", {**absent(1, etcd_name="etcd-a"), **absent(2, etcd_name="etcd-a"), **absent(3)}, {},
     "member name etcd-a is used by quorum-preflight-absent-1, quorum-preflight-absent-2"),
    ("duplicate-address", {**absent(1), **absent(2, etcd_address="10.9.9.1"), **absent(3)}, {},
     "peer URL https://10.9.9.1:2380 is used by quorum-preflight-absent-1, quorum-preflight-absent-2"),
    ("port-twice", three(), {"etcd_peer_port": 2379},
     "quorum-preflight-absent-1 uses port 2379 for both etcd_client_port and etcd_peer_port"),
    ("key-type", three(), {"etcd_pki_key_type": "DSA"}, "etcd_pki_key_type must be one of: RSA, EC, got: DSA"),
    ("curve", three(), {"etcd_pki_ca_key_curve": "secp999"},
     "etcd_pki_ca_key_curve must be one of: prime256v1, secp384r1, secp521r1"),
    ("cert-outlives-ca", three(), {"etcd_pki_cert_days": 2000},
     "etcd_pki_cert_days (2000) is longer than etcd_pki_ca_days (1460)"),
    ("version", three(), {"etcd_version": "3.5"}, "etcd_version is 3.5: give a release like 3.5.16"),
    ("install-source", three(), {"etcd_install_source": "github"},
     "etcd_install_source must be one of: release, archive, package"),
    ("no-tls", three(), {"etcd_protocol": "http"}, "etcd_protocol must be one of: https, got: http"),
    ("retired-variable", three(), {"etcd_discovery_srv": "example.com"},
     "etcd_discovery_srv is no more: for members that find each other by DNS SRV records set etcd_discovery to srv"),
    ("config-setting", three(), {"etcd_log_level": "loud"},
     "etcd_log_level must be one of: debug, info, warn, error, panic, fatal"),
    ("empty-group", {}, {}, "the inventory group etcd has no hosts"),
    ("unknown-permission", three(),
     {"etcd_roles": [{"name": "app", "permissions": [{"key": "/app/", "prefix": True, "access": "admin"}]}]},
     "etcd_roles -> permissions -> access must be one of: read, write, readwrite, got: admin"),
    ("undeclared-role", three(), {"etcd_users": [{"name": "ops", "roles": ["operators"]}]},
     "etcd_users: user ops has the role operators, which neither etcd_roles nor etcd_clients declares"),
    ("client-prefix", three(), {"etcd_clients": [{"name": "billing", "prefix": "billing/"}]},
     "etcd_clients: client billing has the prefix 'billing/', which does not start with '/'"),
    ("auth-without-root", three(), {"etcd_auth_enabled": True},
     "etcd_auth_enabled is true but etcd_root_password is empty"),
    ("retired-client-list", three(), {"etcd_pki_clients": ["app"]},
     "etcd_pki_clients is no more: give each application as an entry of etcd_clients"),
    ("tls13-on-3.4", three(), {"etcd_version": "3.4.23", "etcd_tls_min_version": "TLS1.3"},
     "etcd_tls_min_version is TLS1.3, which etcd 3.4 cannot set"),
    ("weak-cipher", three(), {"etcd_tls_cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"]},
     "etcd_tls_cipher_suites must be one or more of: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    ("ca-sign-before-trust", three(), {"etcd_pki_ca_rotation": "sign"},
     "etcd_pki_ca_rotation is sign, but no new CA is trusted yet (etcd_pki_dir has no ca-next.pem): run the trust "
     "stage first"),
    ("ca-half-given", three(), {"etcd_pki_ca_certificate": CA_CERTIFICATE},
     "etcd_pki_ca_certificate and etcd_pki_ca_private_key come together: give both"),
    ("ca-key-of-another-ca", three(), {"etcd_pki_ca_certificate": CA_CERTIFICATE, "etcd_pki_ca_private_key": ANOTHER_CA_KEY},
     "etcd_pki_ca_private_key is not the key of the CA certificate: give the key and the certificate of one CA"),
    ("ca-rotation-from-variables", three(),
     {"etcd_pki_ca_certificate": CA_CERTIFICATE, "etcd_pki_ca_private_key": CA_KEY, "etcd_pki_ca_rotation": "trust"},
     "etcd_pki_ca_rotation makes the next CA key in etcd_pki_dir, which a controller that keeps nothing loses"),
    ("firewall-network-name", three(), {"etcd_firewall_enabled": True, "etcd_firewall_client_networks": ["office"]},
     "etcd_firewall_client_networks: 'office' is neither an IP address nor a network in CIDR notation"),
    ("backup-without-password", three(), {"etcd_backup_enabled": True},
     "etcd_backup_password is empty: the backups are encrypted with it (restic)"),
    ("backup-interval", three(), {"etcd_backup_enabled": True, "etcd_backup_password": "x", "etcd_backup_interval": "5h"},
     "etcd_backup_interval is '5h': give minutes that divide an hour (15m, 30m), hours that divide a day"),
    ("backup-memory-limit", three(), {"etcd_backup_enabled": True, "etcd_backup_password": "x", "etcd_backup_memory_limit": "96M"},
     "etcd_backup_memory_limit is '96M': give an amount Go understands, such as 96MiB or 1GiB"),
    ("backup-max-age", three(), {"etcd_backup_enabled": True, "etcd_backup_password": "x", "etcd_backup_max_age": "a day"},
     "etcd_backup_max_age is 'a day': give a duration such as 13h or 2d"),
    # -e etcd_use_localhost=yes, or a quoted value in YAML: Ansible's conditionals would refuse it half way through.
    ("text-for-a-boolean", three(), {"etcd_use_localhost": "yes"},
     "etcd_use_localhost is the text 'yes', not a boolean (-e etcd_use_localhost=yes passes text): set it in the "
     "inventory or a vars file, or give it as JSON: -e '{\"etcd_use_localhost\": true}'"),
    ("defrag-ratio", three(), {"etcd_defrag_threshold_ratio": 1.5},
     "etcd_defrag_threshold_ratio is 1.5: give the share of the database that must be free, from 0"),
    ("scrape-interval", three(), {"etcd_monitoring_scrape_interval": "10 seconds"},
     "etcd_monitoring_scrape_interval is '10 seconds': give a whole number of seconds, minutes or hours"),
    ("metrics-tls-without-client", three(), {"etcd_metrics_scheme": "https"},
     "etcd_metrics_scheme is https, so Prometheus must present a client certificate of the cluster's CA: declare it "
     "in etcd_clients"),
    # The Kubernetes layout without kube-apiserver's client: kubeadm's configuration would name files never made.
    ("kubernetes-without-apiserver-client", three(), {"etcd_kubernetes_enabled": True},
     "etcd_kubernetes_enabled is true, but etcd_clients has no client kube-apiserver-etcd-client, kube-apiserver's "
     "(etcd_kubernetes_client): add {name: kube-apiserver-etcd-client, prefix: /registry/"),
    ("srv-without-domain", three(), {"etcd_discovery": "srv"},
     "etcd_discovery is srv but etcd_domain_name is empty: set the domain of the SRV records"),
    ("srv-name", three(), {"etcd_discovery_srv_name": "blue green"},
     "etcd_discovery_srv_name is 'blue green': it ends the services' names"),
    ("srv-record-of-no-member", three(),
     {"etcd_discovery": "srv", "etcd_domain_name": "example.com",
      "etcd_discovery_srv_records": [{"name": "etcd-9", "target": "etcd-9.example.com", "port": 2380}]},
     "etcd_discovery_srv_records names 'etcd-9', which is no member's etcd_name"),
]

# The cases one check refuses together share a run, in the order the checks run; a case with hosts of its own, or
# that sets a variable another sets, runs alone. Each case's own words must be in its run's refusal.
BATCHES = [
    ["duplicate-name"],
    ["duplicate-address"],
    ["empty-group"],
    ["port-twice"],
    ["install-source", "no-tls", "text-for-a-boolean"],
    ["version", "retired-variable", "client-prefix", "retired-client-list"],
    ["key-type", "curve"],
    ["cert-outlives-ca"],
    ["ca-sign-before-trust"],
    ["ca-half-given"],
    ["ca-key-of-another-ca"],
    ["ca-rotation-from-variables"],
    ["config-setting", "weak-cipher"],
    ["tls13-on-3.4"],
    ["firewall-network-name"],
    ["unknown-permission"],
    ["undeclared-role", "auth-without-root"],
    ["backup-without-password", "defrag-ratio"],
    ["backup-interval"],
    ["backup-max-age"],
    ["backup-memory-limit"],
    ["scrape-interval", "metrics-tls-without-client"],
    ["kubernetes-without-apiserver-client"],
    ["srv-without-domain", "srv-name"],
    ["srv-record-of-no-member"],
]
CASE = {case[0]: case for case in CASES}


def test_every_case_is_in_one_batch():
    assert sorted(name for batch in BATCHES for name in batch) == sorted(CASE)


@pytest.mark.parametrize("names", BATCHES, ids=["+".join(batch) for batch in BATCHES])
def test_bad_input_is_refused_by_name(tmp_path, names):
    hosts = CASE[names[0]][1]
    group_vars = {}
    for name in names:
        assert CASE[name][1] == hosts and not set(CASE[name][2]) & set(group_vars), "%s cannot share a run" % name
        group_vars.update(CASE[name][2])
    result = run_cluster(tmp_path, hosts, group_vars)
    for name in names:
        assert_refused_before_any_host(result, tmp_path, CASE[name][3])


def test_a_ca_given_in_variables_is_refused_beside_another_in_etcd_pki_dir(tmp_path):
    (tmp_path / "pki").mkdir()
    (tmp_path / "pki" / "ca.pem").write_text(new_ca("the directory's CA")[0])
    before = (tmp_path / "pki" / "ca.pem").read_text()
    result = run_cluster(tmp_path, three(), {"etcd_pki_ca_certificate": CA_CERTIFICATE, "etcd_pki_ca_private_key": CA_KEY,
                                             "etcd_pki_ca_key_passphrase": "unused"})
    assert result.returncode != 0
    assert ("etcd_pki_dir (%s) holds another CA than etcd_pki_ca_certificate: point etcd_pki_dir at an empty directory"
            % (tmp_path / "pki")) in folded(result.output), result.output
    assert "etcd_pki_ca_private_key is not encrypted, so etcd_pki_ca_key_passphrase opens nothing" in folded(result.output)
    assert not re.search(r"unreachable=[1-9]", result.output), "a member was contacted:\n" + result.output
    assert (tmp_path / "pki" / "ca.pem").read_text() == before
    assert sorted(path.name for path in (tmp_path / "pki").iterdir()) == ["ca.pem"]


def test_a_ca_key_that_is_not_the_ca_certificates_is_refused_unless_a_sign_stage_stopped_half_way(tmp_path):
    old_certificate, old_key = new_ca("old CA")
    new_certificate, new_key = new_ca("new CA")
    pki = tmp_path / "pki"
    pki.mkdir()
    (pki / "ca.pem").write_text(new_certificate)  # the sign stage moved the new CA in, and stopped before its key
    (pki / "ca-key.pem").write_text(old_key)
    mismatch = "the CA key %s is not the key of the CA certificate" % (pki / "ca-key.pem")
    refused = run_cluster(tmp_path, three())
    assert refused.returncode != 0 and mismatch in folded(refused.output), refused.output
    assert not re.search(r"unreachable=[1-9]", refused.output), "a member was contacted:\n" + refused.output
    (pki / "ca-next.pem").write_text(new_certificate)
    (pki / "ca-next-key.pem").write_text(new_key)
    (pki / "ca-previous.pem").write_text(old_certificate)
    resumed = run_cluster(tmp_path, three(), {"etcd_pki_ca_rotation": "sign"})
    # Past every check, to the members (which do not answer here).
    assert mismatch not in folded(resumed.output) and re.search(r"unreachable=[1-9]", resumed.output), resumed.output


def test_single_node_playbook_refuses_a_cluster(tmp_path):
    result = run_cluster(tmp_path, three(), playbook="single_node.yml")
    assert_refused_before_any_host(result, tmp_path, "single_node.yml deploys one member, and the group etcd has 3")


def test_recovery_needs_its_confirmation_and_checks_the_inputs_before_any_host(tmp_path):
    unconfirmed = run_cluster(tmp_path, three(), playbook="recover.yml")
    assert_refused_before_any_host(unconfirmed, tmp_path, "set -e etcd_recover_confirm=true to go on")
    bad_input = run_cluster(tmp_path, three(), {"etcd_version": "3.5"}, playbook="recover.yml",
                            extra_vars={"etcd_recover_confirm": True})
    assert_refused_before_any_host(bad_input, tmp_path, "etcd_version is 3.5: give a release like 3.5.16")


def test_a_restore_needs_its_confirmation_and_a_snapshot_before_any_host(tmp_path):
    unconfirmed = run_cluster(tmp_path, three(), playbook="restore.yml", extra_vars={"etcd_restore_snapshot": "/s.db"})
    assert_refused_before_any_host(unconfirmed, tmp_path, "set -e etcd_restore_confirm=true and name the snapshot")
    unnamed = run_cluster(tmp_path, three(), playbook="restore.yml", extra_vars={"etcd_restore_confirm": True})
    assert_refused_before_any_host(unnamed, tmp_path, "either a file (-e etcd_restore_snapshot=PATH) or a backup "
                                                      "(-e etcd_restore_backup=ID, latest, or a time such as 2026-11-26T14:05 in UTC)")
    both = run_cluster(tmp_path, three(), playbook="restore.yml", extra_vars={
        "etcd_restore_confirm": True, "etcd_restore_snapshot": "/s.db", "etcd_restore_backup": "latest"})
    assert_refused_before_any_host(both, tmp_path, "either a file (-e etcd_restore_snapshot=PATH) or a backup")
    elsewhere = run_cluster(tmp_path, three(), playbook="restore.yml", extra_vars={
        "etcd_restore_confirm": True, "etcd_restore_snapshot": "/s.db", "etcd_restore_snapshot_host": "backup-1"})
    assert_refused_before_any_host(elsewhere, tmp_path, "etcd_restore_snapshot_host is backup-1, which is not a host of "
                                                        "the inventory")


def test_a_removal_names_its_members_before_any_host(tmp_path):
    unnamed = run_cluster(tmp_path, three(), playbook="remove_member.yml", extra_vars={"etcd_remove_members": " "})
    assert_refused_before_any_host(unnamed, tmp_path, "etcd_remove_members is empty: name the members to remove")


def test_an_even_member_count_is_warned_about(tmp_path):
    result = run_cluster(tmp_path, {**absent(1), **absent(2)})
    assert "WARNING: the etcd group has 2 members" in folded(result.output)
    # Past the checks, the run goes on to the (absent) members.
    assert len(re.findall(r"unreachable=1", result.output)) == 2, result.output


def test_an_architecture_without_releases_is_refused_by_name(tmp_path):
    """This machine stands in for the members, which are only read."""
    result = run_cluster(tmp_path, stand_ins(ansible_architecture="ppc64le"))
    assert result.returncode != 0
    assert ("quorum-preflight-absent-1, quorum-preflight-absent-2, quorum-preflight-absent-3: the host is ppc64le, "
            "and etcd's releases are for x86_64 (amd64) and aarch64 (arm64) only" in folded(result.output)), \
        result.output
    assert re.search(r"changed: \[quorum-preflight-absent-\d", result.output) is None, result.output
    assert not (tmp_path / "pki").exists() and not (tmp_path / "cache").exists()


class Mirror(http.server.SimpleHTTPRequestHandler):
    """A release mirror whose SHA256SUMS does not match its archive."""

    requested = []

    def do_GET(self):
        Mirror.requested.append(self.path)
        if self.path.endswith("/SHA256SUMS"):
            name = self.path.split("/")[1]
            body = ("%s  etcd-%s-linux-amd64.tar.gz\n" % (hashlib.sha256(b"the real archive").hexdigest(), name)).encode()
        elif self.path.endswith(".tar.gz"):
            body = b"a tampered archive"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_older_release_is_fetched_from_its_release_and_a_bad_checksum_is_refused(tmp_path):
    """The members are read before the download (this machine stands in for them); nothing is changed."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_cluster(
            tmp_path,
            stand_ins(ansible_architecture="x86_64"),
            {"etcd_version": "v3.5.10", "etcd_install_release_url": "http://127.0.0.1:%d" % server.server_port},
        )
    finally:
        server.shutdown()
    assert "/v3.5.10/SHA256SUMS" in Mirror.requested
    assert "/v3.5.10/etcd-v3.5.10-linux-amd64.tar.gz" in Mirror.requested
    assert result.returncode != 0
    assert "did not match" in folded(result.output), result.output
    # Only the controller's download cache was made ("-> localhost"); no member changed.
    assert re.search(r"changed: \[quorum-preflight-absent-\d\]", result.output) is None, result.output
    assert "changed: [quorum-preflight-absent-1 -> localhost]" in result.output
    assert not (tmp_path / "pki").exists()
    # The cache has a directory for this mirror alone, and nothing unpacked in it.
    (source_dir,) = (tmp_path / "cache").iterdir()
    assert source_dir.name.startswith("release-") and not (source_dir / "etcd-v3.5.10-linux-amd64").exists()


def play_of_roles(tmp_path, *roles):
    """A playbook of the user's own that runs only these roles on the etcd group."""
    playbook = tmp_path / "roles.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "etcd", "become": True, "gather_facts": False, "roles": list(roles)}]))
    return str(playbook)


def test_a_role_used_alone_checks_its_inputs_before_any_host(tmp_path):
    result = run_cluster(tmp_path, three(), {"etcd_election_timeout": 200}, playbook=play_of_roles(tmp_path, "quorum.etcd.etcd_config"))
    assert_refused_before_any_host(result, tmp_path, "etcd_election_timeout (200 ms) is less than 5 times etcd_heartbeat_interval")


def test_the_shared_role_refuses_to_run_alone(tmp_path):
    result = run_cluster(tmp_path, three(), playbook=play_of_roles(tmp_path, "quorum.etcd._common"))
    assert_refused_before_any_host(result, tmp_path, "quorum.etcd._common is internal to the quorum.etcd roles")
