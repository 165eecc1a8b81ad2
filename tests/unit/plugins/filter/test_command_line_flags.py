"""The flags a run is given on the command line arrive as text (-e etcd_remove_force=false): "false" is false."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_join_plan import etcd_join_plan
from ansible_collections.quorum.etcd.plugins.filter.etcd_removal_problems import etcd_removal_problems

CLUSTER = {"members": [{"name": "etcd-1", "healthy": True}, {"name": "etcd-2", "healthy": False},
                       {"name": "etcd-3", "healthy": True}]}
MEMBERS = [{"name": "etcd-%d" % n} for n in (1, 2, 3)]


def test_a_removal_that_costs_the_quorum_is_refused_unless_forced_in_so_many_words():
    refused = etcd_removal_problems(CLUSTER, MEMBERS, ["etcd-3"], force="false")
    assert len(refused) == 1 and "fewer than their quorum of 2" in refused[0]
    assert etcd_removal_problems(CLUSTER, MEMBERS, ["etcd-3"], force=False) == refused
    assert etcd_removal_problems(CLUSTER, MEMBERS, ["etcd-3"], force="true") == []


def test_members_that_lost_their_data_are_replaced_only_when_asked(monkeypatch):
    asked = []
    monkeypatch.setattr("ansible_collections.quorum.etcd.plugins.filter.etcd_join_plan.join_plan",
                        lambda *args, **options: asked.append(options["replace_lost"]))
    for given in ("false", "no", False, "true", True):
        etcd_join_plan([], {}, replace_lost=given)
    assert asked == [False, False, False, True, True]
