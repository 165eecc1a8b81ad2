"""etcd_defrag's decisions: thresholds, order and member selection."""

from __future__ import annotations

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.defrag import defrag_decision, defrag_order, select_members

MIB = 1024 * 1024


@pytest.mark.parametrize("size,in_use,tbytes,tratio,expected", [
    (100 * MIB, 100 * MIB, None, None, False),   # nothing free
    (100 * MIB, 99 * MIB, None, None, True),     # no threshold: any free space
    (100 * MIB, 50 * MIB, 10 * MIB, None, True),
    (100 * MIB, 95 * MIB, 10 * MIB, None, False),
    (100 * MIB, 90 * MIB, 10 * MIB, None, False),  # equal is not above
    (100 * MIB, 60 * MIB, None, 0.3, True),
    (100 * MIB, 80 * MIB, None, 0.3, False),
    (100 * MIB, 60 * MIB, 50 * MIB, 0.3, False),  # both given: both must be exceeded
    (100 * MIB, 40 * MIB, 50 * MIB, 0.3, True),
    (0, 0, None, 0.1, False),
    (10, 20, None, None, False),                  # in use above size (racy figures): no free space
])
def test_defrag_decision(size, in_use, tbytes, tratio, expected):
    decision, reason = defrag_decision(size, in_use, tbytes, tratio)
    assert decision is expected, reason


def test_decision_reason_names_the_threshold():
    assert defrag_decision(100, 90, 50, 0.5)[1] == "10 bytes free (10.0 %), not above 50 bytes and not above the ratio 0.5"
    assert defrag_decision(100, 10, 50, 0.5)[1] == "90 bytes free (90.0 %), above the threshold"


def m(n, name, learner=False):
    return {"id": "%x" % n, "id_decimal": n, "name": name, "is_learner": learner}


def test_followers_first_leader_last():
    members = [m(1, "c"), m(2, "a"), m(3, "b")]
    assert [x["name"] for x in defrag_order(members, "2")] == ["b", "c", "a"]


def test_select_members():
    members = [m(1, "a"), m(2, "b"), m(3, "c", learner=True)]
    assert [x["name"] for x in select_members(members, [])] == ["a", "b"]
    assert [x["name"] for x in select_members(members, ["2", "a", "b"])] == ["b", "a"]
    with pytest.raises(ValueError, match="no member named or with ID 'zz'"):
        select_members(members, ["zz"])
    with pytest.raises(ValueError, match="is a learner"):
        select_members(members, ["c"])
