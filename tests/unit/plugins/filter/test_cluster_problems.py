"""etcd_cluster_problems: the final check of a run, from what the run registered."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_cluster_problems import etcd_cluster_problems

PEER_1 = "https://10.0.0.1:2380"
PEER_2 = "https://10.0.0.2:2380"
MEMBERS = [{"host": "h1", "name": "etcd-1", "peer_url": PEER_1}, {"host": "h2", "name": "etcd-2", "peer_url": PEER_2}]
CLUSTER = {"cluster_id": "c1", "members": [
    {"name": name, "peer_urls": [peer], "healthy": True, "is_learner": False, "cluster_id": "c1"}
    for name, peer in (("etcd-1", PEER_1), ("etcd-2", PEER_2))]}
FAILING = {"ActiveState": "activating", "SubState": "auto-restart", "NRestarts": "4", "Id": "etcd.service"}


def test_a_unit_read_after_a_restart_is_judged_from_what_systemd_service_registered():
    registered = {"h1": {"changed": False, "status": {"ActiveState": "active"}},
                  "h2": {"changed": False, "status": FAILING}}
    assert etcd_cluster_problems(CLUSTER, MEMBERS, units=registered) == [
        "h2: its etcd unit is activating (auto-restart), restarted 4 times by systemd: see journalctl -u etcd.service there"]


def test_a_member_whose_unit_was_not_read_again_is_left_to_the_cluster_check():
    registered = {"h1": {"skipped": True, "changed": False}, "h2": {"skipped": True, "changed": False}}
    assert etcd_cluster_problems(CLUSTER, MEMBERS, units=registered) == []
    unhealthy = dict(CLUSTER, members=[CLUSTER["members"][0], dict(CLUSTER["members"][1], healthy=False, error="alarm")])
    assert etcd_cluster_problems(unhealthy, MEMBERS, units=registered) == ["h2 is not healthy: alarm"]


def test_a_status_given_directly_is_still_read():
    assert etcd_cluster_problems(CLUSTER, MEMBERS, units={"h2": FAILING})[0].startswith("h2: its etcd unit is activating")
