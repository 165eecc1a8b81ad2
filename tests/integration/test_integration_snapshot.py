"""etcd_snapshot and etcd_snapshot_info against real etcd: save (with retention), check, restore (and start etcd on
the result)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

import pytest

from etcdlab import COLLECTIONS, REPO, Member, bin_dir, run_tasks

sys.path.insert(0, str(COLLECTIONS))
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdClient  # noqa: E402 pylint: disable=wrong-import-position

MODULE = "quorum.etcd.etcd_snapshot"
INFO = "quorum.etcd.etcd_snapshot_info"
# What the backup script checks each snapshot with, on the member.
SNAPSHOT_CHECK = REPO / "roles" / "etcd_maintenance" / "files" / "etcd_snapshot_check.py"


@pytest.fixture(scope="module")
def cluster(single_cluster):
    for i in range(12):
        single_cluster.etcdctl("put", "/app/key%02d" % i, "value-%d" % i)
    return single_cluster


def tools(cluster) -> dict:
    directory = bin_dir(cluster.version)
    if (directory / "etcdutl").exists():
        return {"etcdutl_path": str(directory / "etcdutl")}
    return {"etcdctl_path": str(directory / "etcdctl")}


def test_save_status_and_retention(cluster, tmp_path):
    old = []
    for i, age in enumerate((10 * 86400, 3 * 86400, 3600)):
        path = tmp_path / ("old-%d.db" % i)
        path.write_bytes(b"x")
        os.utime(path, (time.time() - age, time.time() - age))
        old.append(str(path))
    (tmp_path / "keep.txt").write_text("not a snapshot")
    target = str(tmp_path / "new.db")
    conn = dict(cluster.conn(), **tools(cluster))
    check, = run_tasks([{MODULE: dict(conn, path=target, retention_count=2)}], check=True)
    assert check["changed"] and not os.path.exists(target)
    assert sorted(check["removed"]) == old[:2]  # the new one and the newest old one are kept
    assert all(os.path.exists(p) for p in old)

    saved, status, age_only = run_tasks([
        {MODULE: dict(conn, path=target, retention_count=3)},
        {INFO: dict(path=target, **tools(cluster))},
        {MODULE: dict(conn, path=str(tmp_path / "newer.db"), retention_age="2d", retention_pattern="*.db")},
    ])
    assert saved["changed"], saved
    data = open(target, "rb").read()
    assert saved["size"] == len(data) and saved["sha256"] == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(data[:-32]).digest() == data[-32:]  # etcd's hash is kept, as etcdctl keeps it
    assert saved["hash_valid"] is True and saved["endpoint"] == cluster.endpoints[0]
    assert saved["revision_source"] == "member_status" and saved["revision"] >= 13 and saved["key_count"] == 12
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    assert saved["removed"] == [old[0]] and not os.path.exists(old[0])
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".part")]

    assert status["changed"] is False and status["valid"] is True and status["hash_valid"] is True
    assert status["sha256"] == saved["sha256"] and status["revision"] == saved["revision"]
    assert status["revision_source"] == "snapshot" and status["db_entries"] > 12

    assert age_only["changed"] and age_only["removed"] == [old[1]]
    assert sorted(os.listdir(tmp_path)) == ["keep.txt", "new.db", "newer.db", "old-2.db"]

    # etcd's own tool agrees with the module about the file.
    kind, tool = next(iter(tools(cluster).items()))
    out = subprocess.run([tool, "snapshot", "status", "-w", "json", target], capture_output=True, text=True,
                         env=dict(os.environ, ETCDCTL_API="3"), check=True).stdout
    assert json.loads(out.strip().splitlines()[-1])["revision"] == saved["revision"]


def test_the_backups_snapshot_check_reads_the_revision_and_size_etcds_own_tool_reads(cluster, tmp_path):
    client = EtcdClient(**cluster.conn())
    try:
        for n in range(1500):  # enough for a key bucket of branch and leaf pages
            client.put("/check/%04d" % n, "v" * 100)
        target = tmp_path / "check.db"
        cluster.etcdctl("snapshot", "save", str(target))
    finally:
        client.delete("/check/", prefix=True)  # the module's other tests count the cluster's 12 keys
    kind, tool = next(iter(tools(cluster).items()))
    status = json.loads(subprocess.run([tool, "snapshot", "status", "-w", "json", str(target)], capture_output=True,
                                       text=True, env=dict(os.environ, ETCDCTL_API="3"), check=True).stdout.strip().splitlines()[-1])
    checked = subprocess.run(["python3", str(SNAPSHOT_CHECK), str(target)], capture_output=True, text=True, check=True)
    assert json.loads(checked.stdout) == {"hash": "valid", "revision": status["revision"], "size": status["totalSize"]}
    assert status["revision"] >= 1500
    # The backup's two halves, one before restic reads the file and one beside it.
    for mode, half in (("--hash", {"hash": "valid"}), ("--contents", {"revision": status["revision"], "size": status["totalSize"]})):
        checked = subprocess.run(["python3", str(SNAPSHOT_CHECK), mode, str(target)], capture_output=True, text=True, check=True)
        assert json.loads(checked.stdout) == half

    damaged = bytearray(target.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "damaged.db").write_bytes(bytes(damaged))
    refused = subprocess.run(["python3", str(SNAPSHOT_CHECK), str(tmp_path / "damaged.db")], capture_output=True, text=True,
                             check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip() == ("%s fails etcd's integrity check: its sha256 does not match (a damaged or cut "
                                      "snapshot)" % (tmp_path / "damaged.db"))
    refused = subprocess.run(["python3", str(SNAPSHOT_CHECK), "--hash", str(tmp_path / "damaged.db")], capture_output=True,
                             text=True, check=False)
    assert refused.returncode == 1 and "fails etcd's integrity check" in refused.stderr
    # A file with a right hash that is no bbolt database.
    junk = b"\0" * 8192
    (tmp_path / "junk.db").write_bytes(junk + hashlib.sha256(junk).digest())
    refused = subprocess.run(["python3", str(SNAPSHOT_CHECK), str(tmp_path / "junk.db")], capture_output=True, text=True,
                             check=False)
    assert refused.returncode == 1 and "is not an etcd snapshot: no valid bbolt meta page" in refused.stderr


def test_status_of_damaged_file_and_without_tool(cluster, tmp_path):
    target = tmp_path / "snap.db"
    conn = cluster.conn()
    saved, = run_tasks([{MODULE: dict(conn, path=str(target), read_status=True, **tools(cluster))}])
    assert saved["revision_source"] == "snapshot" and saved["db_entries"] > 12 and saved["key_count"] == 12
    damaged = tmp_path / "damaged.db"
    data = bytearray(target.read_bytes())
    data[5000] ^= 0xFF
    damaged.write_bytes(bytes(data))
    good, bad, missing = run_tasks([
        {INFO: dict(path=str(target), **tools(cluster))},
        {INFO: dict(path=str(damaged), read_status=False)},
        {INFO: dict(path=str(tmp_path / "nope.db"))},
    ])
    assert good["valid"] and good["revision"] == saved["revision"]
    assert bad["hash_valid"] is False and bad["valid"] is False
    assert missing["failed"] and "snapshot %s does not exist" % (tmp_path / "nope.db") in missing["msg"]


def test_save_refusals(cluster, tmp_path):
    conn = cluster.conn()
    dead, bad_password, no_dir = run_tasks([
        {MODULE: dict(conn, path=str(tmp_path / "a.db"), endpoints=["https://127.0.0.254:23790"])},
        {MODULE: dict(conn, path=str(tmp_path / "b.db"), password="nope")},
        {MODULE: dict(conn, path=str(tmp_path / "missing" / "c.db"))},
    ])
    assert "cannot reach etcd at https://127.0.0.254:23790: [Errno 111] Connection refused" in dead["msg"]
    assert "authentication as user 'root' failed" in bad_password["msg"]
    assert "directory %s of the snapshot path does not exist" % (tmp_path / "missing") in no_dir["msg"]
    assert os.listdir(tmp_path) == []


def test_restore_idempotent_replace_and_start(cluster, tmp_path):
    snap = str(tmp_path / "snap.db")
    (member,) = cluster.add(1)
    member = Member(member.name, member.ip, tmp_path / "data")
    restore = dict(path=snap, state="restored", data_dir=str(member.data_dir), name=member.name,
                   initial_cluster="%s=%s" % (member.name, member.peer_url), initial_cluster_token="restored",
                   initial_advertise_peer_urls=[member.peer_url], **tools(cluster))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    results = run_tasks([
        {MODULE: dict(cluster.conn(), path=snap)},
        {MODULE: restore},
        {MODULE: restore},
        {MODULE: dict(restore, data_dir=str(tmp_path / "other"))},
        {MODULE: dict(restore, initial_cluster_token="another")},
    ])
    _saved, restored, again, foreign, changed_args = results
    assert restored["changed"] and restored["backup"] == "", restored
    assert os.path.isdir(member.data_dir / "member" / "snap")
    assert again["changed"] is False
    assert foreign["failed"] and "data_dir %s is not empty and was not restored by this module" % (
        tmp_path / "other") in foreign["msg"]
    assert changed_args["failed"] and "was restored from another snapshot or with other arguments" in changed_args["msg"]
    assert "set replace=true" in changed_args["msg"]

    replacing = dict(restore, initial_cluster_token="another", replace=True)
    check, = run_tasks([{MODULE: replacing}], check=True)
    # Before the real run: both name the backup by the second, and may name the same one.
    assert check["changed"] and check["backup"] and not os.path.exists(check["backup"])
    replaced, = run_tasks([{MODULE: replacing}])
    assert replaced["changed"] and replaced["backup"].startswith(str(member.data_dir) + ".")
    assert os.path.isdir(os.path.join(replaced["backup"], "member"))
    assert json.load(open(member.data_dir / "quorum-etcd-restore.json"))["initial_cluster_token"] == "another"

    # The restored member starts and serves the keys of the snapshot.
    cluster.token = "another"
    cluster.start_member(member, "new", initial_cluster="%s=%s" % (member.name, member.peer_url))
    try:
        cluster.wait_healthy([member])
        assert cluster.etcdctl("get", "/app/key07", "--print-value-only",
                               endpoints=[member.client_url]).strip() == "value-7"
    finally:
        cluster.stop_member(member)
        cluster.token = "quorum-test"


def test_restore_bump_revision(cluster, tmp_path):
    snap = str(tmp_path / "snap.db")
    restore = dict(path=snap, state="restored", data_dir=str(tmp_path / "data"), name="x",
                   initial_cluster="x=https://127.0.0.1:2380", initial_advertise_peer_urls=["https://127.0.0.1:2380"],
                   bump_revision=1000000, mark_compacted=True, **tools(cluster))
    saved, bumped, lonely = run_tasks([
        {MODULE: dict(cluster.conn(), path=snap)},
        {MODULE: restore},
        {MODULE: dict(restore, mark_compacted=False, data_dir=str(tmp_path / "data2"))},
    ])
    assert "bump_revision and mark_compacted go together" in lonely["msg"]
    if cluster.version.startswith("3.4"):
        assert bumped["failed"]
        assert "need an etcdutl whose snapshot restore has --bump-revision and --mark-compacted" in bumped["msg"]
        assert not os.path.exists(tmp_path / "data")
    else:
        assert bumped["changed"] and os.path.isdir(tmp_path / "data" / "member")
