"""The decision to (re)issue a certificate, on real certificates made with cryptography."""

import datetime
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.quorum.etcd.plugins.plugin_utils.certificate_status import (
    ca_key_encryption_problem,
    ca_key_state,
    certificate_expiries,
    certificates_due,
    normalize_san,
    reason_to_issue,
)

NOW = datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)
SANS = ["DNS:etcd-1", "IP:10.0.0.1", "IP:::1"]
USAGES = ["serverAuth", "clientAuth"]


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn="test CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=1000))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(ca, cn="etcd-1", sans=("etcd-1", "10.0.0.1", "::1"), days=700, usages=tuple(USAGES), key=None):
    import ipaddress

    ca_key, ca_cert = ca
    key = key or ec.generate_private_key(ec.SECP256R1())
    names = []
    for s in sans:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(s)))
        except ValueError:
            names.append(x509.DNSName(s))
    oids = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH}
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn) if cn else x509.Name([]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([oids[u] for u in usages]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key), key


@pytest.fixture(scope="module")
def ca():
    return make_ca()


def _reason(ca, cert, key, **overrides):
    args = dict(common_name="etcd-1", sans=SANS, usages=USAGES, renew_days=30, now=NOW)
    args.update(overrides)
    return reason_to_issue(cert, key, ca[1].public_bytes(serialization.Encoding.PEM), **args)


def test_a_matching_certificate_is_left_alone(ca):
    cert, key = make_leaf(ca)[:2]
    assert _reason(ca, cert, key) == ""


def test_san_spelling_does_not_matter(ca):
    cert, key = make_leaf(ca)[:2]
    assert _reason(ca, cert, key, sans=["DNS:ETCD-1", "IP:10.0.0.1", "IP:0:0::1"]) == ""


@pytest.mark.parametrize(
    "change, expected",
    [
        (dict(sans=SANS + ["DNS:etcd.company.com"]), "names change (+DNS:etcd.company.com)"),
        (dict(sans=["DNS:etcd-1", "IP:10.0.0.1"]), "names change (-IP:::1)"),
        (dict(common_name="etcd-2"), "common name changes to etcd-2"),
        (dict(usages=["clientAuth"]), "key usages change to clientAuth"),
        (dict(renew_days=800), "expires 2028-10-25, within etcd_pki_renew_days (800)"),
    ],
)
def test_what_makes_a_certificate_due(ca, change, expected):
    cert, key = make_leaf(ca)[:2]
    assert _reason(ca, cert, key, **change) == expected


def test_a_certificate_without_a_common_name(ca):
    cert, key = make_leaf(ca, cn=None)[:2]
    assert _reason(ca, cert, key, common_name=None) == ""
    assert _reason(ca, cert, key) == "common name changes to etcd-1"
    cert, key = make_leaf(ca)[:2]
    assert _reason(ca, cert, key, common_name=None).startswith("its common name goes")


def test_missing_certificate_or_key(ca):
    cert, key = make_leaf(ca)[:2]
    assert _reason(ca, None, key) == "not issued yet"
    assert _reason(ca, cert, None) == "its key is missing"


def test_replaced_key(ca):
    cert = make_leaf(ca)[0]
    other = _pem_key(ec.generate_private_key(ec.SECP256R1()))
    assert _reason(ca, cert, other) == "its key was replaced"


def test_certificate_from_another_ca(ca):
    cert, key = make_leaf(make_ca("other CA"))[:2]
    assert _reason(ca, cert, key) == "issued by another CA"


def test_certificates_due_reads_the_directory(tmp_path, ca):
    (tmp_path / "ca.pem").write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    cert, key = make_leaf(ca, days=10)[:2]
    (tmp_path / "etcd.pem").write_bytes(cert)
    (tmp_path / "etcd-key.pem").write_bytes(key)
    due = certificates_due(str(tmp_path), ["etcd", "peer"], str(tmp_path / "ca.pem"), "etcd-1", SANS, USAGES, 30)
    assert [d["name"] for d in due] == ["etcd", "peer"]
    assert due[0]["reason"].startswith("expires ")
    assert due[1]["reason"] == "not issued yet"
    assert due[1]["common_name"] == "etcd-1" and due[1]["sans"] == SANS and due[1]["usages"] == USAGES


def test_everything_is_due_without_a_ca(tmp_path):
    due = certificates_due(str(tmp_path), ["root"], str(tmp_path / "ca.pem"), None, [], ["clientAuth"], 30)
    assert due == [{"name": "root", "reason": "the CA is new", "forced": False, "directory": str(tmp_path),
                    "common_name": "root", "sans": [], "usages": ["clientAuth"]}]


def test_no_common_name_is_asked_of_every_certificate(tmp_path):
    due = certificates_due(str(tmp_path), ["admin", "billing"], str(tmp_path / "ca.pem"), "root", [], ["clientAuth"], 30,
                           no_common_name=True)
    assert [d["common_name"] for d in due] == [None, None]


def test_a_reissue_may_name_the_certificates_it_forces(tmp_path, ca):
    (tmp_path / "ca.pem").write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    for name in ("billing", "reports"):
        cert, key = make_leaf(ca, cn=name, sans=(), usages=("clientAuth",))[:2]
        (tmp_path / (name + ".pem")).write_bytes(cert)
        (tmp_path / (name + "-key.pem")).write_bytes(key)

    def forced(force):
        return [(d["name"], d["forced"]) for d in certificates_due(
            str(tmp_path), ["billing", "reports"], str(tmp_path / "ca.pem"), None, [], ["clientAuth"], 30, force=force)]
    assert forced([]) == [] and forced(False) == []
    assert forced(["etcd-1", "reports"]) == [("reports", True)]
    assert forced(["all"]) == forced(True) == forced("all") == [("billing", True), ("reports", True)]


def test_a_forced_reissue_is_due_and_says_so(tmp_path):
    due = certificates_due(str(tmp_path), ["etcd"], str(tmp_path / "ca.pem"), None, [], [], 30, force=True)
    assert [(d["name"], d["reason"], d["forced"]) for d in due] == [("etcd", "the CA is new", True)]


def test_normalize_san():
    assert normalize_san("IP:fd00:0:0::1") == "IP:fd00::1"
    assert normalize_san("DNS:Etcd-1") == "DNS:etcd-1"


def test_the_ca_key_state_tells_pkcs8_from_the_legacy_form(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ca-key.pem"
    assert ca_key_state(str(path), "pw") == ("absent", "")
    path.write_bytes(_pem_key(key))
    assert ca_key_state(str(path), "") == ("unencrypted", "")
    encryption = serialization.BestAvailableEncryption(b"pw")
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, encryption))
    assert ca_key_state(str(path), "pw") == ("legacy", "")
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    assert ca_key_state(str(path), "pw") == ("weak", "")  # PBKDF2 at 2048 rounds
    assert ca_key_state(str(path), "wrong")[1].startswith("etcd_pki_ca_key_passphrase does not decrypt the CA key")
    path.write_bytes(scrypt_encrypted(path.read_bytes(), "pw"))
    assert ca_key_state(str(path), "pw") == ("encrypted", "")
    assert ca_key_state(str(path), "wrong")[1].startswith("etcd_pki_ca_key_passphrase does not decrypt the CA key")


def scrypt_encrypted(key_pem: bytes, passphrase: str) -> bytes:
    """The key as the etcd_pki role encrypts it: PKCS#8 with scrypt, by OpenSSL."""
    return subprocess.run(["openssl", "pkcs8", "-topk8", "-scrypt", "-passin", "env:PW", "-passout", "env:PW"],
                          input=key_pem, env={"PW": passphrase}, capture_output=True, check=True).stdout


def test_a_ca_key_is_refused_beside_the_certificate_of_another_ca(tmp_path):
    key, certificate = make_ca()
    (tmp_path / "ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    encryption = serialization.BestAvailableEncryption(b"pw")
    (tmp_path / "ca-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    assert ca_key_state(str(tmp_path / "ca-key.pem"), "pw", str(tmp_path / "ca.pem")) == ("weak", "")
    other_key = make_ca("another CA")[0]
    (tmp_path / "ca-key.pem").write_bytes(_pem_key(other_key))
    assert ca_key_state(str(tmp_path / "ca-key.pem"), "", str(tmp_path / "ca.pem")) == (
        "unencrypted", "the CA key %s is not the key of the CA certificate: give the key and the certificate of one CA"
        % (tmp_path / "ca-key.pem"))


def test_a_ca_given_in_variables_is_read_from_them_and_named_so(tmp_path):
    key, certificate = make_ca()
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    unused = str(tmp_path / "absent.pem")
    assert ca_key_state(unused, "", unused, _pem_key(key), certificate_pem) == ("unencrypted", "")
    other_key = make_ca("another CA")[0]
    assert ca_key_state(unused, "", unused, _pem_key(other_key), certificate_pem)[1].startswith(
        "etcd_pki_ca_private_key is not the key of the CA certificate")
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"pw"))
    assert ca_key_state(unused, "wrong", unused, encrypted, certificate_pem)[1] == (
        "etcd_pki_ca_key_passphrase does not decrypt etcd_pki_ca_private_key: give the passphrase it was encrypted with")
    assert ca_key_state(unused, "", unused, b"not a key", certificate_pem)[0] == "unreadable"


def test_every_certificate_with_its_expiry_soonest_first(tmp_path, ca):
    (tmp_path / "ca.pem").write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    (tmp_path / "members" / "etcd-1").mkdir(parents=True)
    cert, key = make_leaf(ca, days=10)[:2]
    (tmp_path / "members" / "etcd-1" / "peer.pem").write_bytes(cert)
    (tmp_path / "members" / "etcd-1" / "peer-key.pem").write_bytes(key)
    (tmp_path / "jwt.pub").write_bytes(b"not a certificate")
    # Left out: the bundle of the CAs listed on their own, and a CA a rotation retired.
    (tmp_path / "ca-bundle.pem").write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    (tmp_path / "retired").mkdir()
    (tmp_path / "retired" / "ca-20260101T000000Z.pem").write_bytes(make_leaf(ca, days=1)[0])
    report = certificate_expiries(str(tmp_path), now=NOW)
    assert report[0]["not_after_timestamp"] == int(x509.load_pem_x509_certificate(cert).not_valid_after_utc.timestamp())
    assert report[1]["not_after_timestamp"] == int(ca[1].not_valid_after_utc.timestamp())
    assert [{k: v for k, v in entry.items() if k not in ("summary", "not_after_timestamp")} for entry in report] == [
        {"path": "members/etcd-1/peer.pem", "subject": "CN=etcd-1", "not_after": "2026-12-05", "days_left": 10},
        {"path": "ca.pem", "subject": "CN=test CA", "not_after": "2029-08-21", "days_left": 1000},
    ]
    assert report[0]["summary"] == "members/etcd-1/peer.pem (CN=etcd-1) expires 2026-12-05, in 10 days"


def test_a_ca_key_to_encrypt_needs_openssl_on_the_controller():
    lacks = ca_key_encryption_problem("/pki/ca-key.pem", "unencrypted", "pw", None)
    assert lacks == ("the CA key /pki/ca-key.pem is to be encrypted with etcd_pki_ca_key_passphrase by OpenSSL's "
                     "pkcs8 command (scrypt), which this controller lacks: install OpenSSL on the controller")
    for state in ("absent", "legacy", "weak"):
        assert ca_key_encryption_problem("/pki/ca-key.pem", state, "pw", None) == lacks
    assert ca_key_encryption_problem("/pki/ca-key.pem", "unencrypted", "pw", "/usr/bin/openssl") == ""
    assert ca_key_encryption_problem("/pki/ca-key.pem", "encrypted", "pw", None) == ""
    assert ca_key_encryption_problem("/pki/ca-key.pem", "unencrypted", "", None) == ""
