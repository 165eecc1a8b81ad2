"""etcd_info against real clusters."""

from __future__ import annotations

import pytest

from etcdlab import old_python, run_one, run_tasks


def test_info_reports_members_leader_versions(shared_cluster):
    res = run_one("quorum.etcd.etcd_info", shared_cluster.conn(), check=True)
    assert not res.get("failed"), res
    assert res["changed"] is False
    names = sorted(m["name"] for m in res["members"])
    assert names == sorted(m.name for m in shared_cluster.members)
    assert len(res["cluster_id"]) > 8
    leaders = [m for m in res["members"] if m["is_leader"]]
    assert len(leaders) == 1 and leaders[0]["id"] == res["leader"] and leaders[0]["name"] == res["leader_name"]
    for member in res["members"]:
        assert member["healthy"] and member["reachable"], member
        assert member["server_version"] == shared_cluster.version
        assert member["db_size"] > 0 and 0 < member["db_size_in_use"] <= member["db_size"]
        assert member["raft_index"] > 0 and 0 < member["raft_applied_index"] <= member["raft_index"] and member["is_learner"] is False
        assert int(member["id"], 16) == member["id_decimal"]
    assert res["cluster_version"] == shared_cluster.version.rsplit(".", 1)[0] + ".0"
    assert res["alarms"] == []
    assert [e["healthy"] for e in res["endpoints"]] == [True] * 3


def test_info_fails_over_and_reports_dead_endpoint(shared_cluster):
    dead = "https://127.0.0.254:23790"
    res = run_one("quorum.etcd.etcd_info", shared_cluster.conn(endpoints=[dead] + shared_cluster.endpoints))
    assert not res.get("failed"), res
    assert res["endpoints"][0]["endpoint"] == dead and res["endpoints"][0]["healthy"] is False
    assert "Connection refused" in res["endpoints"][0]["reason"]


def test_info_refusals(shared_cluster):
    conn = shared_cluster.conn()
    results = run_tasks([
        {"quorum.etcd.etcd_info": dict(conn, endpoints=["https://127.0.0.254:23790", "127.0.0.253:23790"])},
        {"quorum.etcd.etcd_info": dict(conn, password="wrong")},
        {"quorum.etcd.etcd_info": dict(conn, client_cert=None, client_key=None)},
    ])
    unreachable, bad_password, no_cert = results
    assert unreachable["failed"]
    assert "cannot reach any etcd endpoint" in unreachable["msg"]
    assert "https://127.0.0.254:23790: [Errno 111] Connection refused" in unreachable["msg"]
    assert "https://127.0.0.253:23790" in unreachable["msg"]
    assert bad_password["failed"]
    assert "authentication as user 'root' failed at %s" % conn["endpoints"][0] in bad_password["msg"]
    assert "invalid user ID or password" in bad_password["msg"]
    assert no_cert["failed"] and conn["endpoints"][0] in no_cert["msg"]


def test_info_from_etcdctl_environment(shared_cluster):
    conn = shared_cluster.conn()
    env = {"ETCDCTL_ENDPOINTS": ",".join(conn["endpoints"]), "ETCDCTL_CACERT": conn["ca_cert"],
           "ETCDCTL_CERT": conn["client_cert"], "ETCDCTL_KEY": conn["client_key"],
           "ETCDCTL_USER": "root:" + conn["password"]}
    res = run_one("quorum.etcd.etcd_info", {}, env=env)
    assert not res.get("failed"), res
    assert len(res["members"]) == 3


def test_modules_run_on_python_39(shared_cluster, tmp_path):
    python = old_python()
    if not python:
        pytest.skip("no Python 3.9 found (set QUORUM_PY39)")
    conn = shared_cluster.conn()
    info, snap = run_tasks([
        {"quorum.etcd.etcd_info": conn},
        {"quorum.etcd.etcd_snapshot": dict(conn, path=str(tmp_path / "s.db"))},
    ], python=python)
    assert not info.get("failed") and len(info["members"]) == 3, info
    assert snap["changed"] and snap["hash_valid"], snap


def test_info_as_unprivileged_user(shared_cluster):
    try:
        shared_cluster.etcdctl("user", "add", "viewer:v1ewer-pw")
        shared_cluster.etcdctl("role", "add", "viewer")
        shared_cluster.etcdctl("role", "grant-permission", "viewer", "read", "/app/", "--prefix=true")
        shared_cluster.etcdctl("user", "grant-role", "viewer", "viewer")
    except RuntimeError as exc:
        assert "already exists" in str(exc)
    res = run_one("quorum.etcd.etcd_info", shared_cluster.conn(user="viewer:v1ewer-pw", password=None))
    assert not res.get("failed"), res
    assert len(res["members"]) == 3 and res["leader"]
    assert res["alarms"] == [] and res["alarms_error"] == ""  # etcd lets any user list alarms


def test_info_without_a_quorum_fails_with_what_each_member_says_of_itself(version, pki, workdir):
    """Two of three members killed: the member list cannot be read, and the survivor, with authentication on,
    still tells its raft applied index and that it has no leader (what recover.yml chooses by)."""
    from conftest import make_cluster
    cluster = make_cluster(version, pki, workdir, "quorumless", 3)
    try:
        cluster.settle()
        survivor, *lost = cluster.members
        for member in lost:
            cluster.stop_member(member)
        res = run_one("quorum.etcd.etcd_info", cluster.conn(endpoints=[member.client_url for member in cluster.members], timeout=2))
        assert res["failed"] and "reading the etcd cluster's state failed" in res["msg"], res
        statuses = {status["endpoint"]: status for status in res["statuses"]}
        answered = statuses[survivor.client_url]
        assert answered["answered"] and answered["leader"] == "0" and answered["raft_applied_index"] > 0, answered
        assert answered["revision"] > 0 and answered["id"] and answered["reason"] == ""
        assert [statuses[member.client_url]["answered"] for member in lost] == [False, False], statuses
        assert all("Connection refused" in statuses[member.client_url]["reason"] for member in lost), statuses
    finally:
        cluster.stop()
