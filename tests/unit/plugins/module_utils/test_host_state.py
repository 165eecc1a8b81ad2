"""etcd_host_info: what it reads of a host, on this machine."""

from __future__ import annotations

import os
import socket
import time

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils import host_state as etcd_host_info


def test_a_file_changed_after_the_start_makes_a_restart_pending(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("old")
    unit = {"active_state": "active", "started_at": time.time() + 60}
    assert etcd_host_info.restart_pending(unit, [str(config)]) == (False, "")
    unit["started_at"] = time.time() - 60
    pending, reason = etcd_host_info.restart_pending(unit, [str(config), str(tmp_path / "absent")])
    assert pending and reason.startswith("%s changed" % config)


def test_a_stopped_member_has_no_pending_restart(tmp_path):
    (tmp_path / "f").write_text("x")
    unit = {"exists": True, "active_state": "inactive", "sub_state": "dead", "started_at": 0.0}
    assert etcd_host_info.restart_pending(unit, [str(tmp_path / "f")]) == (False, "")


@pytest.mark.parametrize("sub_state, restarts", [("start", 0), ("start", 3), ("start-pre", 0)])
def test_a_member_still_starting_is_not_pending(sub_state, restarts):
    """A member replaying its database after a crash (start, restarts > 0) is left to finish."""
    unit = {"exists": True, "active_state": "activating", "sub_state": sub_state, "restarts": restarts, "started_at": 0.0}
    assert etcd_host_info.restart_pending(unit, []) == (False, "")


@pytest.mark.parametrize("state, sub_state", [("failed", "failed"), ("activating", "auto-restart"), ("activating", "start-pre")])
def test_a_failing_member_is_pending_a_restart(state, sub_state):
    """start-pre after automatic restarts: a failing start step read between two of systemd's waits."""
    unit = {"exists": True, "active_state": state, "sub_state": sub_state, "restarts": 2, "started_at": 0.0}
    assert etcd_host_info.restart_pending(unit, []) == (True, "etcd is %s (%s)" % (state, sub_state))


def test_the_start_time_of_a_process_is_read_from_proc():
    assert abs(etcd_host_info._proc_start_time(os.getpid()) - time.time()) < 3600
    assert etcd_host_info._proc_start_time(2 ** 22 + 7) == 0.0


@pytest.mark.parametrize("hex_address, address", [
    ("0100007F", "127.0.0.1"),
    ("00000000", "0.0.0.0"),
    ("00000000000000000000000001000000", "::1"),
    ("00000000000000000000000000000000", "::"),
])
def test_proc_net_addresses_are_decoded(hex_address, address):
    assert etcd_host_info._address(hex_address) == address


def test_a_listening_socket_is_found_with_its_process():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        found = [entry for entry in etcd_host_info.read_listeners() if entry["port"] == port]
    assert found and found[0]["address"] == "127.0.0.1"
    with open("/proc/self/comm") as handle:
        assert found[0]["process"] == handle.read().strip()


def test_a_data_dir_holds_a_member_once_it_has_a_wal(tmp_path):
    assert etcd_host_info.read_data_dir(str(tmp_path / "absent")) == {"exists": False, "has_member": False}
    assert etcd_host_info.read_data_dir(str(tmp_path)) == {"exists": True, "has_member": False}
    wal = tmp_path / "member" / "wal"
    wal.mkdir(parents=True)
    (wal / "0000000000000000-0000000000000000.wal").write_bytes(b"")
    assert etcd_host_info.read_data_dir(str(tmp_path)) == {"exists": True, "has_member": True}


def test_an_empty_database_left_by_a_failed_start_is_no_member(tmp_path):
    snap = tmp_path / "member" / "snap"
    snap.mkdir(parents=True)
    (snap / "db").write_bytes(b"")
    assert etcd_host_info.read_data_dir(str(tmp_path))["has_member"] is False


def test_a_wal_dir_of_its_own_is_read(tmp_path):
    wal = tmp_path / "wal"
    wal.mkdir()
    (wal / "0000000000000000-0000000000000000.wal").write_bytes(b"")
    assert etcd_host_info.read_data_dir(str(tmp_path / "data"), str(wal))["has_member"] is True


def test_the_common_name_of_a_certificate_is_read_with_the_standard_library(tmp_path):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_common_name

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    for name, subject in (("peer", [x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                                    x509.NameAttribute(NameOID.COMMON_NAME, "etcd-cluster-peer")]),
                          ("admin", [x509.NameAttribute(NameOID.COUNTRY_NAME, "US")])):
        issuer = [x509.NameAttribute(NameOID.COMMON_NAME, "etcd-cluster CA")]
        cert = (x509.CertificateBuilder().subject_name(x509.Name(subject)).issuer_name(x509.Name(issuer))
                .public_key(key.public_key()).serial_number(1).not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
        (tmp_path / (name + ".pem")).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert read_common_name(str(tmp_path / "peer.pem")) == "etcd-cluster-peer"
    assert read_common_name(str(tmp_path / "admin.pem")) is None
    assert read_common_name(str(tmp_path / "admin.pem"), of="issuer") == "etcd-cluster CA"
    assert read_common_name(str(tmp_path / "absent.pem")) is None
    (tmp_path / "junk.pem").write_text("not a certificate")
    assert read_common_name(str(tmp_path / "junk.pem")) is None


def test_the_expiry_of_a_certificate_is_read_with_the_standard_library(tmp_path):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_not_after

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "etcd-1")])
    ends = datetime.datetime(2031, 5, 17, 12, 30, 5, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1)
            .not_valid_before(ends - datetime.timedelta(days=365)).not_valid_after(ends).sign(key, hashes.SHA256()))
    (tmp_path / "etcd.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert read_not_after(str(tmp_path / "etcd.pem")) == int(ends.timestamp())
    assert read_not_after(str(tmp_path / "absent.pem")) is None
    (tmp_path / "junk.pem").write_text("not a certificate")
    assert read_not_after(str(tmp_path / "junk.pem")) is None


def test_the_fingerprints_of_a_bundle_are_those_of_its_certificates_in_order(tmp_path):
    """What a member trusts, read on the member, compares with the controller's CA read by the filter."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from ansible_collections.quorum.etcd.plugins.filter.etcd_certificate_fingerprints import etcd_certificate_fingerprints
    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_certificate_fingerprints

    now = datetime.datetime.now(datetime.timezone.utc)
    cas = []
    for _ca in range(2):  # two CAs of the same name, as two clusters made by the same inventory would have
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "etcd-cluster CA")])
        cas.append(x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    pems = [ca.public_bytes(serialization.Encoding.PEM).decode() for ca in cas]
    fingerprints = [ca.fingerprint(hashes.SHA256()).hex() for ca in cas]
    (tmp_path / "bundle.pem").write_text(pems[0] + "\n" + pems[1])
    assert read_certificate_fingerprints(str(tmp_path / "bundle.pem")) == fingerprints
    assert etcd_certificate_fingerprints(pems[1]) == fingerprints[1:]
    assert read_certificate_fingerprints(str(tmp_path / "absent.pem")) == []
    assert etcd_certificate_fingerprints("not a certificate") == []


def test_the_peer_common_name_a_configuration_file_requires(tmp_path):
    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_peer_allowed_common_name

    path = tmp_path / "config.yaml"
    assert read_peer_allowed_common_name(str(path)) is None
    path.write_text("name: m1\nclient-transport-security:\n  allowed-cn: not-this-one\npeer-transport-security:\n"
                    "  cert-file: /etc/ssl/etcd/peer.pem\n  client-cert-auth: true\n")
    assert read_peer_allowed_common_name(str(path)) is None
    # As to_nice_yaml writes the list.
    path.write_text(path.read_text() + "  allowed-cn:\n  - etcd-cluster-peer\nbackend-bbolt-freelist-type: map\n")
    assert read_peer_allowed_common_name(str(path)) == "etcd-cluster-peer"
    for written in ("  allowed-cn: 'prod-peer'\n", "  allowed-cn: [prod-peer]\n", "  allowed-cn:\n    - \"prod-peer\"\n"):
        path.write_text("peer-transport-security:\n" + written)
        assert read_peer_allowed_common_name(str(path)) == "prod-peer", written
    # etcd 3.4's form (see config_file), and only in its section.
    path.write_text("PeerTLSInfo:\n    AllowedCN: prod-peer\nauth-token: jwt\n")
    assert read_peer_allowed_common_name(str(path)) == "prod-peer"
    path.write_text("ClientTLSInfo:\n    AllowedCN: prod-peer\npeer-transport-security:\n    AllowedCN: prod-peer\n")
    assert read_peer_allowed_common_name(str(path)) is None


def test_the_bootstrap_settings_are_read_from_the_configuration_file(tmp_path):
    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_bootstrap_settings

    config = tmp_path / "config.yaml"
    config.write_text("name: etcd-1\ninitial-cluster: etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380\n"
                      "initial-cluster-token: prod\ninitial-cluster-state: 'existing'\nclient-transport-security:\n"
                      "  cert-file: /etc/ssl/etcd/etcd.pem\n")
    assert read_bootstrap_settings(str(config)) == {
        "initial-cluster": "etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380", "initial-cluster-state": "existing"}
    assert read_bootstrap_settings(str(tmp_path / "absent.yaml")) == {}


def test_the_quota_is_read_from_the_configuration_file_and_etcds_default_is_0(tmp_path):
    from ansible_collections.quorum.etcd.plugins.module_utils.host_state import read_quota_backend_bytes

    config = tmp_path / "config.yaml"
    config.write_text("name: etcd-1\nquota-backend-bytes: 8589934592\nclient-transport-security:\n  quota-backend-bytes: 1\n")
    assert read_quota_backend_bytes(str(config)) == 8589934592
    config.write_text("name: etcd-1\n")
    assert read_quota_backend_bytes(str(config)) == 0
    assert read_quota_backend_bytes(str(tmp_path / "absent.yaml")) == 0


class _Systemctl:
    """A module whose systemctl answers as it does for one timer that runs and one that is not installed."""

    def __init__(self):
        self.asked = []

    def run_command(self, args):
        self.asked.append(args)
        return 0, ("Id=etcd-defrag.timer\nActiveState=active\nUnitFileState=enabled\n\n"
                   "Id=etcd-backup.timer\nActiveState=inactive\nUnitFileState=\n"), ""


def test_the_timers_are_read_in_one_systemctl_call():
    module = _Systemctl()
    assert etcd_host_info.read_timers(module, ["etcd-defrag", "etcd-backup"]) == {
        "etcd-defrag": {"active": True, "enabled": True}, "etcd-backup": {"active": False, "enabled": False}}
    assert len(module.asked) == 1 and module.asked[0][-2:] == ["etcd-defrag.timer", "etcd-backup.timer"]
    assert etcd_host_info.read_timers(module, []) == {} and len(module.asked) == 1
