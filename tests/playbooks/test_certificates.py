"""playbooks/certificates.yml: every certificate of the PKI on the controller with its expiry, read-only."""

import datetime
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_run import folded
from test_preflight import run_cluster, three


def write_certificate(path, cn, days):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days, hours=1)).sign(key, hashes.SHA256()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_name(path.stem + "-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_every_certificate_is_listed_soonest_first_and_the_expiring_ca_is_warned_about(tmp_path):
    pki = tmp_path / "pki"
    write_certificate(pki / "ca.pem", "prod CA", 20)
    write_certificate(pki / "members" / "etcd-1" / "peer.pem", "etcd-1", 700)
    write_certificate(pki / "clients" / "billing.pem", "billing", 300)
    before = sorted((p, p.stat().st_mtime_ns) for p in pki.rglob("*"))
    result = run_cluster(tmp_path, three(), playbook="certificates.yml")
    assert result.returncode == 0, result.output
    text = folded(result.output)
    listed = re.findall(r"(ca\.pem|clients/billing\.pem|members/etcd-1/peer\.pem) \(CN=", text)
    assert listed[:3] == ["ca.pem", "clients/billing.pem", "members/etcd-1/peer.pem"], result.output
    assert "in 20 days" in text
    assert ("WARNING: ca.pem (CN=prod CA) expires" in text
            and "The CA is not replaced by a deploy: make a new one before it expires." in text), result.output
    assert "billing.pem (CN=billing) expires" not in text.split("WARNING:")[1]
    assert not re.search(r"unreachable=[1-9]|changed=[1-9]", result.output), result.output
    assert sorted((p, p.stat().st_mtime_ns) for p in pki.rglob("*")) == before
