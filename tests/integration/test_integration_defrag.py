"""etcd_defrag against a real three-member cluster."""

from __future__ import annotations

import os

import pytest

from etcdlab import COLLECTIONS, run_tasks

MODULE = "quorum.etcd.etcd_defrag"


@pytest.fixture()
def client(shared_cluster):
    import sys
    sys.path.insert(0, str(COLLECTIONS))
    from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdClient
    client = EtcdClient(**shared_cluster.conn())
    blob = os.urandom(96 * 1024)
    for i in range(40):
        client.put("/garbage/%02d" % i, blob)
    client.delete("/garbage/", prefix=True)
    return client


def test_defrag_followers_first_with_compaction(shared_cluster, client):
    conn = shared_cluster.conn()
    args = dict(conn, compact=True, transfer_leadership=True, threshold_bytes=1024 * 1024)
    check, = run_tasks([{MODULE: args}], check=True)
    assert check["changed"] and check["compacted_revision"] > 0
    assert [m["was_leader"] for m in check["members"]] == [False, False, True]
    assert all(m["db_size_after"] == m["db_size_before"] for m in check["members"])

    done, again = run_tasks([{MODULE: args}, {MODULE: args}])
    assert done["changed"] and done["compacted_revision"] == check["compacted_revision"]
    order = done["members"]
    assert [m["was_leader"] for m in order] == [False, False, True]
    assert all(m["defragmented"] for m in order), order
    for member in order:
        assert member["db_size_after"] < member["db_size_before"] - 1024 * 1024, member
        assert member["db_size_after"] - member["db_size_in_use_after"] < 1024 * 1024
    assert done["leader_transferred_to"] and done["leader_transferred_to"] != order[2]["id"]
    assert again["changed"] is False and again["compacted_revision"] is None
    assert not any(m["defragmented"] for m in again["members"])


def test_defrag_one_member_ratio_and_nospace_alarm(shared_cluster, client):
    name = shared_cluster.members[1].name
    member_id = client.status(shared_cluster.members[1].client_url)["id_decimal"]
    client.call("/v3/maintenance/alarm", {"action": "ACTIVATE", "memberID": str(member_id), "alarm": "NOSPACE"})
    conn = shared_cluster.conn()
    check, = run_tasks([{MODULE: dict(conn, members=[name], threshold_ratio=0.5)}], check=True)
    assert check["alarms"] == [{"id": "%x" % member_id, "id_decimal": member_id, "alarm": "NOSPACE"}]
    assert check["disarmed"] == check["alarms"] and check["changed"]
    assert check["members"][0]["defragmented"] and "NOSPACE alarm raised" in check["members"][0]["reason"]
    done, after = run_tasks([
        {MODULE: dict(conn, members=["%x" % member_id], threshold_ratio=0.5)},
        {MODULE: dict(conn, members=[name], threshold_ratio=0.99)},
    ])
    assert [m["name"] for m in done["members"]] == [name]
    assert done["members"][0]["defragmented"] is True and done["disarmed"] == check["alarms"]
    assert after["alarms"] == [] and after["changed"] is False
    assert "not above the ratio 0.99" in after["members"][0]["reason"]


def test_defrag_refusals(shared_cluster):
    conn = shared_cluster.conn()
    unknown, ratio, dead = run_tasks([
        {MODULE: dict(conn, members=["nobody"])},
        {MODULE: dict(conn, threshold_ratio=1.5)},
        {MODULE: dict(conn, endpoints=["https://127.0.0.254:23790", "https://127.0.0.253:23790"])},
    ])
    assert unknown["failed"] and "no member named or with ID 'nobody'" in unknown["msg"]
    assert ratio["failed"] and "threshold_ratio must be between 0 and 1" in ratio["msg"]
    assert dead["failed"] and "cannot reach any etcd endpoint" in dead["msg"]
    assert "127.0.0.253:23790: [Errno 111] Connection refused" in dead["msg"]
