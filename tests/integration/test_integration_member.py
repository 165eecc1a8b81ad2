"""etcd_member against real clusters: learner add + promote, peer URL update, removal and its refusals."""

from __future__ import annotations

import pytest

from etcdlab import run_one, run_tasks

MODULE = "quorum.etcd.etcd_member"


@pytest.fixture(scope="module")
def cluster(version, pki, workdir):
    from conftest import make_cluster
    cluster = make_cluster(version, pki, workdir, "member", 3)
    cluster.settle()
    yield cluster
    cluster.stop()


def names(result):
    return sorted(m["name"] for m in result["members"])


def test_learner_add_promote_remove(cluster):
    conn = cluster.conn()
    (new,) = cluster.add(1)
    args = dict(conn, name=new.name, peer_urls=[new.peer_url], learner=True)
    check, = run_tasks([{MODULE: args}], check=True, diff=True)
    assert check["changed"] and check["actions"] == ["added as learner"]
    assert len(check["members"]) == 3

    added, again, early = run_tasks([
        {MODULE: args},
        {MODULE: args},
        {MODULE: dict(args, promote=True, promote_timeout=2)},
    ])
    assert added["changed"] and added["member"]["is_learner"] is True, (added.get("msg"), added.get("module_stderr"), added.get("exception"))
    assert added["member"]["peer_urls"] == [new.peer_url] and added["member"]["name"] == ""
    assert added["id"] == "%x" % added["id_decimal"] and added["id"] == added["member"]["id"]
    assert len(added["members"]) == 4
    assert again["changed"] is False and again["id"] == added["id"]
    assert early["failed"] and "did not catch up with the leader within 2.0s" in early["msg"]
    assert "can only promote a learner member which is in sync with leader" in early["msg"]

    cluster.members.append(new)
    cluster.start_member(new, "existing")
    promoted, promoted_again = run_tasks([
        {MODULE: dict(args, promote=True, promote_timeout=60)},
        {MODULE: dict(args, promote=True)},
    ])
    assert promoted["changed"] and promoted["actions"] == ["promoted"], promoted
    assert promoted["member"]["is_learner"] is False and promoted["member"]["name"] == new.name
    assert promoted_again["changed"] is False

    # Handed away from the leader (as before its restart), and not moved again once it does not lead.
    cluster.etcdctl("move-leader", promoted["id"])
    hand_over = dict(conn, name=new.name, hand_over_leadership=True)
    handed, handed_again = run_tasks([{MODULE: hand_over}, {MODULE: hand_over}])
    assert handed["changed"] and handed["actions"] in [["leadership moved to %s" % m.name] for m in cluster.members[:3]], handed
    assert handed_again["changed"] is False, handed_again
    # The new member leads when it is removed: leadership moves to another first.
    cluster.etcdctl("move-leader", promoted["id"])
    remove = dict(conn, name=new.name, state="absent")
    check_rm, = run_tasks([{MODULE: remove}], check=True)
    assert check_rm["changed"] and len(check_rm["members"]) == 4
    assert check_rm["actions"][-1] == "removed" and check_rm["actions"][0].startswith("leadership moved to ")
    removed, removed_again = run_tasks([{MODULE: remove}, {MODULE: remove}])
    assert removed["changed"] and removed["member"] == {} and names(removed) == sorted(m.name for m in cluster.members[:3])
    assert removed["actions"][0] in ["leadership moved to %s" % m.name for m in cluster.members[:3]], removed["actions"]
    assert removed_again["changed"] is False
    cluster.wait_healthy(cluster.members[:3])
    cluster.stop_member(new)
    cluster.members.remove(new)


def test_update_peer_urls_and_remove_by_id(cluster):
    conn = cluster.conn()
    (spare,) = cluster.add(1)
    both = [spare.peer_url, "https://%s:23802" % spare.ip]
    learner = dict(conn, name=spare.name, peer_urls=[spare.peer_url], learner=True)
    added, updated, updated_again, gone_hex, gone_again, readded, gone_dec = run_tasks([
        {MODULE: learner, "register": "added"},
        # Not started, so etcd knows no name for it: it is found by a peer URL in common.
        {MODULE: dict(conn, name=spare.name, peer_urls=both)},
        {MODULE: dict(conn, name=spare.name, peer_urls=both)},
        {MODULE: dict(conn, id="{{ added.id }}", state="absent")},
        {MODULE: dict(conn, id="{{ added.id }}", state="absent")},
        {MODULE: learner, "register": "readded"},
        {MODULE: dict(conn, id="{{ readded.id_decimal | int }}", state="absent")},
    ], diff=True)
    assert added["changed"] and added["member"]["is_learner"]
    assert updated["changed"] and updated["actions"] == ["peer URLs updated"], updated
    assert sorted(updated["member"]["peer_urls"]) == sorted(both)
    assert updated["diff"]["before"]["peer_urls"] == [spare.peer_url]
    assert sorted(updated["diff"]["after"]["peer_urls"]) == sorted(both)
    assert updated_again["changed"] is False
    assert gone_hex["changed"] and gone_hex["actions"] == ["removed"] and gone_hex["id"] == added["id"]
    assert gone_again["changed"] is False
    assert readded["changed"] and gone_dec["changed"], gone_dec
    assert len(gone_dec["members"]) == 3
    # Added, never started, so nameless in etcd: removed by its name and peer URLs.
    never_started = dict(conn, name=spare.name, peer_urls=[spare.peer_url], state="absent")
    dummy, gone_by_url, gone_by_url_again = run_tasks([{MODULE: learner}, {MODULE: never_started}, {MODULE: never_started}])
    assert gone_by_url["changed"] and gone_by_url["actions"] == ["removed"] and len(gone_by_url["members"]) == 3
    assert gone_by_url_again["changed"] is False


def test_a_member_caught_up_but_unhealthy_is_not_caught_up(cluster, version):
    from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdClient
    client = EtcdClient(**cluster.conn())
    member = cluster.members[0]
    member_id = client.status(member.client_url)["id_decimal"]
    # An alarm makes /health false on every member, as after a NOSPACE that no one disarmed.
    client.call("/v3/maintenance/alarm", {"action": "ACTIVATE", "memberID": str(member_id), "alarm": "NOSPACE"})
    try:
        unhealthy, = run_tasks([{MODULE: dict(cluster.conn(), name=member.name, catch_up_timeout=1)}])
    finally:
        client.disarm({"id_decimal": member_id, "alarm": "NOSPACE"})
    healthy, = run_tasks([{MODULE: dict(cluster.conn(), name=member.name, catch_up_timeout=10)}])
    assert unhealthy["failed"] and unhealthy["msg"].startswith(
        "%s did not catch up with the leader within 1.0s: it applied the raft log up to " % member.name), unhealthy
    assert "; it reports itself unhealthy: etcd at %s refused /health (HTTP 503): " % member.client_url in unhealthy["msg"]
    assert "NOSPACE" in unhealthy["msg"] or version.startswith("3.4"), unhealthy  # 3.4 gives no reason
    assert healthy["changed"] is False and healthy["caught_up"]["applied_index"] > 0, healthy


def test_refuses_removal_without_quorum(cluster):
    victim, other = cluster.members[2], cluster.members[1]
    cluster.stop_member(victim)
    conn = cluster.conn()
    refused, forced_check, removed_dead, caught_up, stopped = run_tasks([
        {MODULE: dict(conn, name=other.name, state="absent")},
        {MODULE: dict(conn, name=other.name, state="absent", force=True)},
        {MODULE: dict(conn, name=victim.name, state="absent")},
        {MODULE: dict(conn, name=other.name, catch_up_timeout=10)},
        {MODULE: dict(conn, name=victim.name, catch_up_timeout=1)},
    ], check=True)
    assert caught_up["changed"] is False and caught_up["actions"] == [], caught_up
    assert caught_up["caught_up"]["applied_index"] >= caught_up["caught_up"]["leader_committed_index"] > 0, caught_up
    assert stopped["failed"] and stopped["msg"].startswith(
        "%s did not catch up with the leader within 1.0s: it applied the raft log up to ? (" % victim.name), stopped
    assert refused["failed"]
    assert ("refusing to remove %s" % other.name) in refused["msg"]
    assert "only 1 of the 2 remaining voting members are healthy (unhealthy: %s)" % victim.name in refused["msg"]
    assert "quorum of 2" in refused["msg"]
    assert forced_check["changed"] and not forced_check.get("failed")
    assert removed_dead["changed"] and not removed_dead.get("failed")
    really = run_one(MODULE, dict(conn, name=victim.name, state="absent"))
    assert really["changed"] and len(really["members"]) == 2


def test_refuses_removing_last_member(single_cluster):
    only = single_cluster.members[0]
    refused = run_one(MODULE, dict(single_cluster.conn(), name=only.name, state="absent"))
    assert refused["failed"]
    assert "refusing to remove %s" % only.name in refused["msg"] and "last member of the cluster" in refused["msg"]


def test_argument_validation(single_cluster):
    conn = single_cluster.conn()
    only = single_cluster.members[0]
    missing, bad_id, id_present, bad_password, dead = run_tasks([
        {MODULE: dict(conn, state="present")},
        {MODULE: dict(conn, id="xyz", state="absent")},
        {MODULE: dict(conn, id="abc", peer_urls=["https://127.0.0.1:1"])},
        {MODULE: dict(conn, name=only.name, state="absent", force=True, password="wrong")},
        {MODULE: dict(conn, name=only.name, state="absent", force=True, endpoints=["https://127.0.0.254:23790"])},
    ])
    assert "managing etcd member %s failed: authentication as user 'root' failed at %s" % (
        only.name, only.client_url) in bad_password["msg"]
    assert "cannot reach etcd at https://127.0.0.254:23790: [Errno 111] Connection refused" in dead["msg"]
    assert "one of the following is required: name, id" in missing["msg"]
    assert "'xyz' is not hexadecimal" in bad_id["msg"]
    assert "id can only be used with state=absent" in id_present["msg"]
