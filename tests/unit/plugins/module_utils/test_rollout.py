"""The order of a rolling restart: members that do not run first, the leader last."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_restart_order import etcd_restart_order
from ansible_collections.quorum.etcd.plugins.module_utils.rollout import leader_hosts

MEMBERS = [{"host": "h%d" % n, "peer_url": "https://10.0.0.%d:2380" % n} for n in (1, 2, 3)]


def cluster(leader):
    return {"members": [{"peer_urls": [m["peer_url"]], "is_leader": m["host"] == leader} for m in MEMBERS]}


def test_the_leader_restarts_last_and_a_member_that_does_not_run_first():
    assert etcd_restart_order(["h1", "h2", "h3"], MEMBERS, cluster("h1"), running=["h1", "h2"]) == ["h3", "h2", "h1"]


def test_only_the_hosts_given_are_ordered():
    assert etcd_restart_order(["h1", "h3"], MEMBERS, cluster("h1"), running=["h1", "h2", "h3"]) == ["h3", "h1"]


def test_without_an_answer_from_the_cluster_the_running_keep_their_order():
    assert etcd_restart_order(["h1", "h2", "h3"], MEMBERS, {}, running=["h1", "h3"]) == ["h2", "h1", "h3"]
    assert leader_hosts(MEMBERS, {"failed": True, "msg": "no endpoint answered"}) == []
