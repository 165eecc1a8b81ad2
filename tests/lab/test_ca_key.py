"""The CA key on the controller against etcd_pki_ca_key_passphrase: a key that should be encrypted is, as PKCS#8
with scrypt."""

from __future__ import annotations

import re
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from labtest import CA_PASSPHRASE, restarted


def kdf(pem: bytes) -> str:
    """The key derivation function of an encrypted PKCS#8 key, as OpenSSL reads it."""
    parsed = subprocess.run(["openssl", "asn1parse"], input=pem, capture_output=True, check=True).stdout.decode()
    return next(name for name in ("scrypt", "PBKDF2") if ":" + name in parsed)


def test_a_ca_key_made_without_the_passphrase_is_encrypted_with_it(lab):
    path = lab.pki / "ca-key.pem"
    # As the lab's deploy made it: community.crypto wrote PKCS#8 with PBKDF2 at 2048 rounds, re-encrypted at once.
    assert kdf(path.read_bytes()) == "scrypt"
    key = serialization.load_pem_private_key(path.read_bytes(), password=CA_PASSPHRASE.encode())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    files, units = lab.files(), lab.units()
    unencrypted = path.read_bytes()
    # Check mode says it would encrypt the key, and leaves it as it is.
    checked = lab.playbook(args=("--check",))
    assert checked.rc == 0, checked.output
    assert re.search(r"TASK \[quorum\.etcd\.etcd_pki : Encrypt the CA key with etcd_pki_ca_key_passphrase, as PKCS#8 "
                     r"with scrypt\] \**\s+changed: ", checked.output), checked.output
    assert path.read_bytes() == unencrypted
    run = lab.playbook()
    assert run.rc == 0, run.output
    with pytest.raises(TypeError):  # encrypted: no longer opens without a password
        serialization.load_pem_private_key(path.read_bytes(), password=None)
    serialization.load_pem_private_key(path.read_bytes(), password=CA_PASSPHRASE.encode())
    assert kdf(path.read_bytes()) == "scrypt"
    assert path.stat().st_mode & 0o777 == 0o600
    # The members' certificates were signed by the same key: nothing on them changed.
    assert lab.files() == files and restarted(units, lab.units()) == []


def test_a_ca_key_in_the_legacy_pem_form_is_re_encrypted_with_scrypt(lab):
    """OpenSSL's traditional encrypted PEM derives its key by one MD5 pass: the same key is written as PKCS#8 with
    scrypt, by the same task that re-encrypts community.crypto's PBKDF2 (see the test above)."""
    path = lab.pki / "ca-key.pem"
    key = serialization.load_pem_private_key(path.read_bytes(), password=CA_PASSPHRASE.encode())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.BestAvailableEncryption(CA_PASSPHRASE.encode())))
    assert b"Proc-Type: 4,ENCRYPTED" in path.read_bytes()
    files, units = lab.files(), lab.units()
    run = lab.playbook()
    assert run.rc == 0, run.output
    pem = path.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") and b"Proc-Type" not in pem
    assert kdf(pem) == "scrypt"
    same = serialization.load_pem_private_key(pem, password=CA_PASSPHRASE.encode())
    assert same.private_numbers() == key.private_numbers()
    assert lab.files() == files and restarted(units, lab.units()) == []
