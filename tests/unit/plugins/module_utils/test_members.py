"""etcd_member's decisions: finding the member and the removal guards."""

from __future__ import annotations

from ansible_collections.quorum.etcd.plugins.module_utils.members import find_member, removal_refusal


def member(n, name=None, learner=False, peer=None):
    return {"id": "%x" % n, "id_decimal": n, "name": "m%d" % n if name is None else name,
            "peer_urls": [peer or "https://10.0.0.%d:2380" % n], "client_urls": [], "is_learner": learner}


def test_find_by_id_name_or_peer_url_of_unstarted_member():
    members = [member(1), member(2), member(3, name="")]
    assert find_member(members, member_id=2)["name"] == "m2"
    assert find_member(members, name="m1")["id_decimal"] == 1
    assert find_member(members, name="m3", peer_urls=["https://10.0.0.3:2380"])["id_decimal"] == 3
    assert find_member(members, name="m9", peer_urls=["https://10.0.0.9:2380"]) is None
    assert find_member(members, member_id=9) is None
    assert find_member(members, name="m9") is None


def test_last_member_is_refused():
    only = member(1)
    assert "it is the last member of the cluster" in removal_refusal([only], only, {1})


def test_removal_allowed_with_healthy_quorum_left():
    members = [member(1), member(2), member(3)]
    assert removal_refusal(members, members[2], {1, 2}) is None
    # Removing a dead member of three: the two others are its quorum.
    assert removal_refusal(members, members[2], {1, 2}) is None


def test_removal_refused_without_healthy_quorum():
    members = [member(1), member(2), member(3)]
    msg = removal_refusal(members, members[1], {1})
    assert msg == ("refusing to remove m2 (2): only 1 of the 2 remaining voting members are healthy (unhealthy: m3), "
                   "fewer than their quorum of 2")
    five = [member(n) for n in range(1, 6)]
    assert removal_refusal(five, five[0], {2, 3, 4}) is None  # 3 of 4 healthy, quorum 3
    assert "quorum of 3" in removal_refusal(five, five[0], {2, 3})


def test_learners_do_not_vote():
    members = [member(1), member(2), member(3, learner=True)]
    assert removal_refusal(members, members[2], set()) is None  # removing a learner changes no quorum
    # Removing m1 leaves m2 alone as voter: quorum of 1, needs m2 healthy; the learner does not count.
    assert removal_refusal(members, members[0], {2}) is None
    assert "only 0 of the 1 remaining voting members" in removal_refusal(members, members[0], {3})
