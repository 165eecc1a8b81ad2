"""Access control as an SRE would try it: two applications onboarded by etcd_clients and authentication turned
on under a write load, each application held to its own prefix, a re-run that changes nothing, and authentication
off again at the end (the other lab tests run without it)."""

from __future__ import annotations

import datetime
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdApiError, EtcdClient, EtcdError
from labtest import ADDRESSES, NODES, Loaded, restarted

ENDPOINTS = ["https://%s:2379" % ADDRESSES[node] for node in NODES]
# A gRPC client (its certificate's common name is its user), its files copied to the second member.
APP_A = {"name": "app-a", "prefix": "/app-a/", "access": "readwrite", "hosts": [NODES[1]], "owner": "nobody"}
# A JSON-gateway client: a certificate without a common name, and a password.
APP_B = {"name": "app-b", "prefix": "/app-b/", "access": "readwrite", "password": "app-b-secret"}
ACCESS = {
    "etcd_auth_enabled": True,
    "etcd_clients": [APP_A, APP_B],
    "etcd_roles": [{"name": "audit", "permissions": [{"key": "/app-", "range_end": "/app.", "access": "read"}]}],
    "etcd_users": [{"name": "auditor", "password": "auditor-secret", "roles": ["audit"]}],
}
APP_A_FILES = "/etc/etcd-client/app-a"


@pytest.fixture(scope="module")
def secured(lab):
    units = lab.units()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=ACCESS)
    assert run.rc == 0, run.output
    yield loaded, run, units, lab.units()
    # Turned off, and the users and roles no longer declared deleted (etcd_rbac_exclusive); root stays.
    off = lab.playbook({"etcd_auth_enabled": False, "etcd_clients": [], "etcd_rbac_exclusive": True})
    assert off.rc == 0, off.output
    assert "Authentication Status: false" in lab.etcdctl(NODES[0], "auth", "status")
    assert lab.etcdctl(NODES[0], "user", "list").split() == ["root"]
    assert lab.etcdctl(NODES[0], "role", "list").split() == ["root"]


def client(lab, name: str, **auth) -> EtcdClient:
    return EtcdClient(ENDPOINTS, ca_cert=str(lab.pki / "ca.pem"), client_cert=str(lab.pki / "clients" / (name + ".pem")),
                      client_key=str(lab.pki / "clients" / (name + "-key.pem")), **auth)


def test_authentication_is_turned_on_with_no_write_lost_and_no_restart(lab, secured):
    loaded, run, before, after = secured
    loaded.assert_nothing_lost()
    assert restarted(before, after) == []
    assert "Authentication Status: true" in lab.etcdctl(NODES[0], "auth", "status")
    users = lab.etcdctl(NODES[0], "user", "list").split()
    assert {"root", "app-a", "app-b", "auditor"} <= set(users)


def test_a_certificate_client_reaches_its_prefix_and_nothing_else(lab, secured):
    node = NODES[1]
    modes = lab.sh(node, "stat -c '%%n %%a %%U' %s/*" % APP_A_FILES).split("\n")
    assert sorted(line for line in modes if line) == [
        "%s/app-a-key.pem 600 nobody" % APP_A_FILES, "%s/app-a.pem 644 nobody" % APP_A_FILES,
        "%s/ca.pem 644 nobody" % APP_A_FILES]
    etcdctl = ("ETCDCTL_API=3 /usr/local/bin/etcdctl --command-timeout=5s --endpoints https://127.0.0.1:2379 "
               "--cacert {d}/ca.pem --cert {d}/app-a.pem --key {d}/app-a-key.pem ".format(d=APP_A_FILES))
    lab.sh(node, etcdctl + "put /app-a/greeting hello")
    assert lab.sh(node, etcdctl + "get /app-a/greeting --print-value-only").strip() == "hello"
    for refused in ("put /app-b/greeting hello", "get /app-b/greeting", "get / --prefix --keys-only"):
        out = lab.sh(node, etcdctl + refused + " 2>&1; echo rc=$?", check=False)
        assert "permission denied" in out and "rc=1" in out, (refused, out)


def test_a_password_client_reaches_its_prefix_through_the_gateway_and_nothing_else(lab, secured):
    app_b = client(lab, "app-b", user="app-b", password=APP_B["password"])
    app_b.put("/app-b/greeting", "hello")
    assert [kv["value"] for kv in app_b.range("/app-b/greeting")] == [b"hello"]
    for refused in (lambda: app_b.put("/app-a/greeting", "x"), lambda: app_b.range("/app-a/greeting"),
                    lambda: app_b.range("/", prefix=True)):
        with pytest.raises(EtcdApiError, match="permission denied"):
            refused()
    # The certificate-only client's certificate has a common name, which the gateway refuses once auth is on.
    with pytest.raises(EtcdError):
        client(lab, "app-a", user="app-b", password=APP_B["password"]).range("/app-b/greeting")
    # The declared reader reads both applications' keys, and writes none.
    auditor = EtcdClient(ENDPOINTS, ca_cert=str(lab.pki / "ca.pem"), client_cert=str(lab.pki / "admin" / "admin.pem"),
                         client_key=str(lab.pki / "admin" / "admin-key.pem"), user="auditor", password="auditor-secret")
    assert [kv["value"] for kv in auditor.range("/app-a/greeting") + auditor.range("/app-b/greeting")] == [b"hello"] * 2
    with pytest.raises(EtcdApiError, match="permission denied"):
        auditor.put("/app-a/greeting", "x")


def test_a_certificate_from_another_ca_is_refused(lab, secured, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "root")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "other.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "other-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    stranger = EtcdClient(ENDPOINTS[:1], ca_cert=str(lab.pki / "ca.pem"), client_cert=str(tmp_path / "other.pem"),
                          client_key=str(tmp_path / "other-key.pem"))
    with pytest.raises(EtcdError):
        stranger.range("/app-a/greeting")


def test_a_rerun_with_authentication_on_changes_nothing(lab, secured):
    run = lab.playbook(ACCESS)
    assert run.rc == 0, run.output
    recap = run.output[run.output.rindex("PLAY RECAP"):]
    assert all(re.search(r"%s +: ok=\d+ +changed=0 " % node, recap) for node in NODES), run.output


def test_a_change_made_by_hand_is_put_back_by_the_next_run_and_nothing_else_is_touched(lab, secured):
    lab.etcdctl(NODES[0], "user", "revoke-role", "auditor", "audit")
    lab.etcdctl(NODES[0], "role", "grant-permission", "audit", "readwrite", "/elsewhere")
    run = lab.playbook(ACCESS)
    assert run.rc == 0, run.output
    assert "Roles: audit" in lab.etcdctl(NODES[0], "user", "get", "auditor")
    assert "/elsewhere" not in lab.etcdctl(NODES[0], "role", "get", "audit")
    # Only the role and the user that differed were run for.
    access = "".join(task for task in run.output.split("TASK [") if task.startswith("quorum.etcd.etcd_access : "))
    assert re.findall(r"(?:changed|ok): \[%s\] => \(item=([\w-]+)\)" % NODES[0], access) == ["audit", "auditor"], access
