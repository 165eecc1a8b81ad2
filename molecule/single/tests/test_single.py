"""The single scenario's own choices: etcd 3.4 from an archive, EC keys, encrypted CA, file logs, high-performance profile,
authentication on, backups into a directory on the member."""

import base64
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import testinfra.utils.ansible_runner
from cryptography.hazmat.primitives import serialization

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = RUNNER.get_hosts("etcd")
PKI_DIR = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "etcdcerts")


def fired(host, unit: str) -> list:
    """Starts unit as its timer would; the JSON lines it printed, once there: journald may file a unit's last lines a
    moment after the unit has ended."""
    since = host.check_output("date +%s.%N")
    host.check_output("systemctl start %s.service" % unit)
    deadline = time.monotonic() + 30
    while True:
        said = [json.loads(line) for line in host.check_output("journalctl -t %s --since @%s -o cat" % (unit, since)).splitlines()
                if line.startswith("{")]
        if said or time.monotonic() > deadline:
            return said
        time.sleep(0.2)


def test_etcd_3_4_has_no_etcdutl_and_its_own_freelist_key(host):
    assert host.file("/usr/local/bin/etcdctl").exists
    assert not host.file("/usr/local/bin/etcdutl").exists
    config = host.file("/etc/etcd/config.yaml").content_string
    assert "experimental-backend-bbolt-freelist-type: map" in config


def test_high_performance_profile_is_in_the_config(host):
    config = host.file("/etc/etcd/config.yaml").content_string
    assert "quota-backend-bytes: 8589934592" in config
    # Seconds in the inventory, nanoseconds in etcd's configuration file.
    assert "grpc-keepalive-interval: 2000000000" in config
    assert "grpc-keepalive-timeout: 6000000000" in config
    assert "auto-compaction-retention: 1h" in config


def test_member_certificate_is_ec_with_the_extra_names(host):
    text = host.check_output("openssl x509 -in /etc/ssl/etcd/etcd.pem -noout -text")
    assert "id-ecPublicKey" in text and "prime256v1" in text
    assert "ecdsa-with-SHA384" in text
    assert "DNS:etcd.molecule.test" in text and "IP Address:192.0.2.10" in text


# A client without a certificate, which etcd logs as rejected.
REJECTED_CLIENT = (
    "python3 -c 'import socket, ssl; c = ssl.create_default_context(cafile=\"/etc/ssl/etcd/ca.pem\"); "
    "s = c.wrap_socket(socket.create_connection((\"127.0.0.1\", 2379)), server_hostname=\"127.0.0.1\"); s.recv(1)'"
)


def logged(host, path):
    """Whether etcd wrote to path, within 10 s of a rejected client (at log level warn etcd may have had nothing
    to say before)."""
    host.run(REJECTED_CLIENT)
    for _attempt in range(20):
        if host.file(path).size > 0:
            return True
        time.sleep(0.5)
    return False


def test_logs_go_to_a_rotated_file(host):
    assert logged(host, "/var/log/etcd/etcd.log")
    assert host.file("/var/log/etcd/etcd.log").user == "etcd"
    host.check_output("logrotate --force /etc/logrotate.d/etcd")
    assert host.file("/var/log/etcd/etcd.log.1").size > 0
    # etcd goes on writing at the start of the truncated file (no hole before it).
    assert logged(host, "/var/log/etcd/etcd.log")
    assert host.file("/var/log/etcd/etcd.log").content_string.startswith('{"level"')


def test_ca_key_is_encrypted_and_named_clients_were_issued():
    with open(os.path.join(PKI_DIR, "ca-key.pem"), "rb") as handle:
        pem = handle.read()
    # PKCS#8 (PBES2: scrypt and AES-256), not OpenSSL's traditional form with its one MD5 pass, nor PBKDF2 at 2048
    # rounds
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") and b"Proc-Type" not in pem
    parsed = subprocess.run(["openssl", "asn1parse"], input=pem, capture_output=True, check=True).stdout
    assert all(word in parsed for word in (b":PBES2", b":scrypt", b":aes-256-cbc")), parsed
    assert b"PBKDF2" not in parsed
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_pem_private_key(pem, password=None)
    assert serialization.load_pem_private_key(pem, password=b"molecule-only-passphrase")
    assert os.path.exists(os.path.join(PKI_DIR, "clients", "app.pem"))
    assert os.stat(os.path.join(PKI_DIR, "clients", "app-key.pem")).st_mode & 0o777 == 0o600


# The admin certificate (no common name) through the JSON gateway without a token: prints the HTTP status.
UNAUTHENTICATED_RANGE = """
import ssl, urllib.error, urllib.request
ctx = ssl.create_default_context(cafile="/etc/ssl/etcd/ca.pem")
ctx.load_cert_chain("/etc/ssl/etcd/admin.pem", "/etc/ssl/etcd/admin-key.pem")
request = urllib.request.Request("https://127.0.0.1:2379/v3/kv/range", b'{"key": "L2FwcC94"}',
                                 {"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(request, context=ctx, timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode(errors="replace"))
"""


def test_authentication_is_on_and_the_client_is_held_to_its_prefix(host):
    assert set(host.check_output("/etc/etcd/etcdctl.sh user list").split()) == {"root", "app", "gateway-app"}
    assert "/app/" in host.check_output("/etc/etcd/etcdctl.sh role get app")
    # etcd 3.4 has no "auth status": authentication is on when the admin certificate alone is refused.
    refused = host.check_output("python3 -c %s", UNAUTHENTICATED_RANGE)
    assert not refused.startswith("200"), refused


def test_a_certificate_client_reaches_its_prefix_over_grpc_and_nothing_else(host):
    etcdctl = ("ETCDCTL_API=3 etcdctl --command-timeout=5s --endpoints https://127.0.0.1:2379 --cacert {d}/ca.pem "
               "--cert {d}/app.pem --key {d}/app-key.pem ".format(d="/etc/etcd-client/app"))
    host.check_output(etcdctl + "put /app/greeting hello")
    assert host.check_output(etcdctl + "get /app/greeting --print-value-only") == "hello"
    for refused in ("put /gateway-app/greeting hello", "get / --prefix --keys-only"):
        out = host.run(etcdctl + refused)
        assert out.rc == 1 and "permission denied" in out.stderr, (refused, out.stdout, out.stderr)


def test_a_password_client_reaches_its_prefix_through_the_gateway_and_nothing_else(host):
    """From the controller, as a Python client of the JSON gateway would: its certificate (no common name) and a
    token for its user and password."""
    url = "https://%s:2379" % RUNNER.get_variables(host.backend.host)["etcd_address"]
    context = ssl.create_default_context(cafile=os.path.join(PKI_DIR, "ca.pem"))
    context.load_cert_chain(os.path.join(PKI_DIR, "clients", "gateway-app.pem"),
                            os.path.join(PKI_DIR, "clients", "gateway-app-key.pem"))
    headers = {"Content-Type": "application/json"}

    def post(path, body):
        request = urllib.request.Request(url + path, json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(request, context=context, timeout=5) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def b64(text):
        return base64.b64encode(text.encode()).decode()

    status, login = post("/v3/auth/authenticate", {"name": "gateway-app", "password": "molecule-only-gateway-app-password"})
    assert status == 200, login
    headers["Authorization"] = login["token"]
    assert post("/v3/kv/put", {"key": b64("/gateway-app/greeting"), "value": b64("hello")})[0] == 200
    status, found = post("/v3/kv/range", {"key": b64("/gateway-app/greeting")})
    assert status == 200 and [base64.b64decode(kv["value"]) for kv in found["kvs"]] == [b"hello"], found
    for path, body in (("/v3/kv/put", {"key": b64("/app/greeting"), "value": b64("x")}),
                       ("/v3/kv/range", {"key": b64("/"), "range_end": b64("0")})):
        status, refused = post(path, body)
        assert status != 200 and "permission denied" in refused, (path, status, refused)


def test_a_backup_is_taken_now_then_the_timer_finds_the_interval_taken_and_it_is_encrypted(host):
    assert host.service("etcd-backup.timer").is_enabled and host.service("etcd-backup.timer").is_running
    settings = host.file("/etc/etcd/backup.env")
    assert (settings.user, settings.group, settings.mode) == ("root", "root", 0o600)
    canary = "canary-%d" % time.time_ns()
    etcdctl = "/etc/etcd/etcdctl.sh --endpoints=https://127.0.0.1:2379 "
    host.check_output(etcdctl + "put /backup/canary " + canary)
    taken = json.loads(host.check_output("/usr/local/sbin/etcd-backup --now"))
    assert taken["member"] == "etcd-single" and taken["repository"] == "/var/backups/etcd/repository"
    assert taken["keys"] > 0 and taken["size"] > 0
    (said,) = fired(host, "etcd-backup")
    assert said["skipped"] == "this interval's backup is taken" and said["taken"].startswith("etcd-single@"), said
    listed = json.loads(host.check_output(
        "set -a; . /etc/etcd/backup.env; restic snapshots --json --tag etcd --host molecule-single"))
    assert [snapshot["short_id"] for snapshot in listed] == [taken["id"][:8]]
    assert host.run("grep -rq %s /var/backups/etcd/repository" % canary).rc == 1
    found = json.loads(host.check_output("/usr/local/sbin/etcd-backup --find latest"))
    assert found["id"] == taken["id"][:8] and "member=etcd-single" in found["tags"]


def test_a_backup_is_found_by_the_time_it_was_taken_and_none_before_the_first(host):
    latest = json.loads(host.check_output("/usr/local/sbin/etcd-backup --find latest"))
    assert json.loads(host.check_output("/usr/local/sbin/etcd-backup --find %s" % latest["time"]))["id"] == latest["id"]
    assert json.loads(host.check_output("/usr/local/sbin/etcd-backup --find 2000-01-01T00:00")) == {}


def test_a_restore_drill_of_the_latest_backup_passes_on_etcd_3_4_with_authentication_on(host):
    assert host.service("etcd-backup-drill.timer").is_enabled and host.service("etcd-backup-drill.timer").is_running
    drill = json.loads(host.check_output("/usr/local/sbin/etcd-backup --drill-now 2>/dev/null").splitlines()[-1])
    latest = json.loads(host.check_output("/usr/local/sbin/etcd-backup --find latest"))
    assert drill["drill"] == "passed" and drill["id"] == latest["id"] and "keys=%d" % drill["keys"] in latest["tags"]
    metrics = host.file("/var/lib/prometheus/node-exporter/etcd_backup_drill.prom").content_string
    assert 'etcd_backup_drill_success{cluster="molecule-single",member="etcd-single"} 1' in metrics


def test_the_defrag_timer_leaves_a_member_whose_free_space_is_below_the_threshold(host):
    assert host.service("etcd-defrag.timer").is_enabled and host.service("etcd-defrag.timer").is_running
    (done,) = fired(host, "etcd-defrag")
    assert done["role"] == "leader" and done["defragmented"] is False and "below the threshold" in done["reason"], done
