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


def test_a_member_still_starting_is_not_pending(tmp_path):
    unit = {"exists": True, "active_state": "activating", "sub_state": "start", "started_at": 0.0}
    assert etcd_host_info.restart_pending(unit, []) == (False, "")


@pytest.mark.parametrize("state, sub_state", [("failed", "failed"), ("activating", "auto-restart")])
def test_a_failing_member_is_pending_a_restart(state, sub_state):
    unit = {"exists": True, "active_state": state, "sub_state": sub_state, "started_at": 0.0}
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
