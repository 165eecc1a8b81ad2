# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether an issued certificate still matches what is asked of it (runs on the controller)."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
from typing import Any, Iterable, Optional, Union

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError as error:  # ansible-core requires cryptography; the lookups name it if it is missing
    CRYPTOGRAPHY_ERROR: Optional[ImportError] = error
    USAGES: dict = {}
else:
    CRYPTOGRAPHY_ERROR = None
    USAGES = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH}


def normalize_san(entry: str) -> str:
    """'DNS:x' or 'IP:y' in one spelling, so that ::1 and 0:0::1 compare equal."""
    kind, dummy, value = entry.partition(":")
    if kind == "IP":
        return "IP:%s" % ipaddress.ip_address(value)
    return "%s:%s" % (kind, value.lower())


def _sans(cert: x509.Certificate) -> set[str]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    names = {"DNS:%s" % n.lower() for n in ext.get_values_for_type(x509.DNSName)}
    names |= {"IP:%s" % a for a in ext.get_values_for_type(x509.IPAddress)}
    return names


def _usages(cert: x509.Certificate) -> set:
    try:
        return set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return set()


def _public_bytes(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


# PBES2's scrypt (1.3.6.1.4.1.11591.4.11) in DER. cryptography writes PKCS#8 with PBKDF2 at OpenSSL's default 2048
# rounds and offers no other; the etcd_pki role has OpenSSL re-encrypt the key with scrypt, a memory-hard KDF.
_SCRYPT_OID = bytes.fromhex("06092b06010401da47040b")


def _pem_body(pem: bytes) -> bytes:
    """The DER inside a PEM block; b"" when it is not base64."""
    lines = [line for line in pem.strip().splitlines() if line and not line.startswith(b"-----")]
    try:
        return base64.b64decode(b"".join(lines), validate=True)
    except ValueError:
        return b""


def _load_key(key_pem: bytes, password: Optional[bytes] = None):
    """The key, without RSA's consistency check (a quarter second for 4096 bits): only its public half is used.
    TypeError when it is encrypted and no password is given (or the reverse), ValueError when it cannot be read."""
    try:
        return serialization.load_pem_private_key(key_pem, password=password, unsafe_skip_rsa_key_validation=True)
    except TypeError as error:
        if "unsafe_skip_rsa_key_validation" not in str(error):
            raise
    # cryptography before 39 has no such option
    return serialization.load_pem_private_key(key_pem, password=password)


def reason_to_issue(
    cert_pem: Optional[bytes],
    key_pem: Optional[bytes],
    ca_pem: bytes,
    common_name: Optional[str],
    sans: Iterable[str],
    usages: Iterable[str],
    renew_days: int,
    now: Optional[datetime.datetime] = None,
) -> str:
    """Why the certificate must be (re)issued, or '' when it is fine as it is; common_name None asks for none."""
    if not cert_pem:
        return "not issued yet"
    if not key_pem:
        return "its key is missing"
    cert = x509.load_pem_x509_certificate(cert_pem)
    ca = x509.load_pem_x509_certificate(ca_pem)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_after = cert.not_valid_after_utc
    if not_after - now < datetime.timedelta(days=renew_days):
        return "expires %s, within etcd_pki_renew_days (%d)" % (not_after.date().isoformat(), renew_days)
    if cert.issuer != ca.subject:
        return "issued by another CA"
    try:
        key = _load_key(key_pem)
    except (ValueError, TypeError):
        return "its key cannot be read"
    if _public_bytes(key.public_key()) != _public_bytes(cert.public_key()):
        return "its key was replaced"
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common_name is None:
        if names:
            return "its common name goes (the JSON gateway refuses a certificate with one once authentication is on)"
    elif not names or names[0].value != common_name:
        return "common name changes to %s" % common_name
    wanted = {normalize_san(s) for s in sans}
    if _sans(cert) != wanted:
        added = sorted(wanted - _sans(cert))
        removed = sorted(_sans(cert) - wanted)
        return "names change (%s)" % ", ".join(["+" + n for n in added] + ["-" + n for n in removed])
    if _usages(cert) != {USAGES[u] for u in usages}:
        return "key usages change to %s" % ", ".join(usages)
    return ""


def _read(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def certificates_due(
    directory: str,
    names: Iterable[str],
    ca_path: str,
    common_name: Optional[str],
    sans: Iterable[str],
    usages: Iterable[str],
    renew_days: int,
    force: Union[bool, Iterable[str]] = False,
    no_common_name: bool = False,
) -> list[dict[str, Any]]:
    """For each NAME.pem in directory that must be (re)issued, what to issue and why: {name, reason, forced,
    directory, common_name, sans, usages}; with force, every one, forced (to get a new key too) - force is true,
    or the names to force, where "all" names every one. The common name
    is common_name, else the name; with no_common_name, None: the certificate has none."""
    ca_pem = _read(ca_path)
    if isinstance(force, str):
        force = [force]
    due = []
    for name in names:
        wanted_cn = None if no_common_name else (common_name or name)
        if ca_pem is None:
            reason = "the CA is new"
        else:
            reason = reason_to_issue(
                _read(os.path.join(directory, name + ".pem")),
                _read(os.path.join(directory, name + "-key.pem")),
                ca_pem,
                wanted_cn,
                list(sans),
                list(usages),
                renew_days,
            )
        forced = force is True or (not isinstance(force, bool) and bool({name, "all"} & set(force or ())))
        if forced and not reason:
            reason = "its reissue was asked for (etcd_pki_reissue)"
        if reason:
            due.append({"name": name, "reason": reason, "forced": forced, "directory": directory,
                        "common_name": wanted_cn, "sans": list(sans), "usages": list(usages)})
    return due


def ca_key_state(
    path: str,
    passphrase: str,
    certificate_path: Optional[str] = None,
    key_pem: Optional[bytes] = None,
    certificate_pem: Optional[bytes] = None,
) -> tuple[str, str]:
    """(state, problem) of the CA key against etcd_pki_ca_key_passphrase and the CA certificate: state is absent,
    unencrypted, legacy (encrypted in OpenSSL's traditional PEM form, whose key is one MD5 pass over the passphrase),
    weak (PKCS#8 with a KDF other than scrypt: PBKDF2 as cryptography writes it, at 2048 rounds) or encrypted
    (PKCS#8 with scrypt); problem says why the roles cannot go on, or is ''.

    The key is read from path, or is key_pem (the CA given in variables, named so in the problems); the certificate
    likewise from certificate_path or certificate_pem, and is not compared when neither is there."""
    where = "the CA key %s" % path
    if key_pem:
        where = "etcd_pki_ca_private_key"
    else:
        key_pem = _read(path)
    if key_pem is None:
        return "absent", ""
    try:
        key = _load_key(key_pem)
        state = "unencrypted"
    except TypeError:  # it is encrypted
        state = ("legacy" if b"Proc-Type: 4,ENCRYPTED" in key_pem
                 else "encrypted" if _SCRYPT_OID in _pem_body(key_pem) else "weak")
    except ValueError as error:
        return "unreadable", "%s cannot be read (%s): restore it from your backup of etcd_pki_dir" % (where, error)
    if state != "unencrypted":
        if not passphrase:
            return state, ("%s is encrypted, but etcd_pki_ca_key_passphrase is empty: give the passphrase it was "
                           "encrypted with" % where)
        try:
            key = _load_key(key_pem, passphrase.encode())
        except (TypeError, ValueError):
            return state, ("etcd_pki_ca_key_passphrase does not decrypt %s: give the passphrase it was encrypted with"
                           % where)
    certificate_pem = certificate_pem or (_read(certificate_path) if certificate_path else None)
    if certificate_pem:
        try:
            certificate = x509.load_pem_x509_certificate(certificate_pem)
        except ValueError as error:
            return state, "the CA certificate cannot be read (%s): give it in PEM" % error
        if _public_bytes(certificate.public_key()) != _public_bytes(key.public_key()):
            return state, ("%s is not the key of the CA certificate: give the key and the certificate of one CA"
                           % where)
    return state, ""


def ca_key_encryption_problem(path: str, state: str, passphrase: str, openssl: Optional[str]) -> str:
    """Why the etcd_pki role cannot encrypt the CA key at path (in ca_key_state's state) with passphrase, as it does
    a new, unencrypted or less well encrypted key: the controller has no OpenSSL command (openssl, where it was
    found, or None). '' when it has, or nothing is to be encrypted."""
    if not passphrase or state not in ("absent", "unencrypted", "legacy", "weak") or openssl:
        return ""
    return ("the CA key %s is to be encrypted with etcd_pki_ca_key_passphrase by OpenSSL's pkcs8 command (scrypt), "
            "which this controller lacks: install OpenSSL on the controller" % path)


def certificate_expiries(directory: str, now: Optional[datetime.datetime] = None) -> list[dict[str, Any]]:
    """Every certificate under directory (NAME.pem, not keys), soonest to expire first: {path (relative), subject,
    not_after (ISO date), not_after_timestamp (Unix time), days_left, summary (one line of all that)}. The CAs retired by a rotation (retired/) are
    left out, and so is ca-bundle.pem, which only gathers the CAs listed on their own."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [name for name in dirs if not (root == directory and name == "retired")]
        for name in sorted(files):
            if not name.endswith(".pem") or name.endswith("-key.pem") or (root == directory and name == "ca-bundle.pem"):
                continue
            path = os.path.join(root, name)
            try:
                cert = x509.load_pem_x509_certificate(_read(path) or b"")
            except ValueError:
                continue  # not a certificate (the JWT key pair's public key is jwt.pub, but be safe)
            not_after = cert.not_valid_after_utc
            entry = {"path": os.path.relpath(path, directory), "subject": cert.subject.rfc4514_string(),
                     "not_after": not_after.date().isoformat(), "not_after_timestamp": int(not_after.timestamp()),
                     "days_left": (not_after - now).days}
            entry["summary"] = "%(path)s (%(subject)s) expires %(not_after)s, in %(days_left)d days" % entry
            found.append(entry)
    return sorted(found, key=lambda entry: (entry["days_left"], entry["path"]))
