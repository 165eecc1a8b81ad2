"""Scale out and in as an operator does it, each under a write load: two new hosts put in the group and cluster.yml
run (each joins as a learner, starts with the cluster it joins, and is promoted before the next; the running members
are not restarted), then the two removed again with remove_member.yml, one of them leading, and the group back to
three. The tests run in this order."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest

from labtest import ADDRESSES, LAB_NET, NODES, REPO, Loaded, restarted, testbed

NEW = {"etcd-test-4": "172.29.%d.14" % LAB_NET, "etcd-test-5": "172.29.%d.15" % LAB_NET}
NEW_HOSTS = {name: {"etcd_address": address} for name, address in NEW.items()}


def members(lab) -> list:
    return json.loads(lab.etcdctl(NODES[0], "member", "list", "-w", "json"))["members"]


@pytest.fixture(scope="module")
def grown(lab):
    for name in NEW:
        testbed("node", name.rsplit("-", 1)[1])
    configs = {node: lab.sh(node, "cat /etc/etcd/config.yaml") for node in NODES}
    units = lab.units()
    since = time.time()
    loaded = Loaded(lab)
    try:
        run = loaded.run(extra_hosts=NEW_HOSTS)
        yield run, loaded, configs, units, since
    finally:
        # Only when a test failed before the removal: the tests after need the three members alone.
        for listed in members(lab):
            if listed.get("name") in NEW or any(address in str(listed.get("peerURLs")) for address in NEW.values()):
                lab.etcdctl(NODES[0], "member", "remove", "%x" % listed["ID"])
        subprocess.run(["docker", "rm", "-f", *NEW], capture_output=True, check=False)
        lab.wait(lab.healthy, 60, "the three members to be healthy")


def test_the_new_hosts_join_under_load_and_the_members_are_not_restarted(lab, grown):
    run, loaded, configs, units, dummy = grown
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert restarted(units, lab.units()) == []
    # etcd reads initial-* only at bootstrap: the members keep their files as they were.
    assert {node: lab.sh(node, "cat /etc/etcd/config.yaml") for node in NODES} == configs
    listed = members(lab)
    assert sorted(m["name"] for m in listed) == sorted(NODES + list(NEW))
    assert not any(m.get("isLearner") for m in listed)


def test_each_joined_as_a_learner_one_after_the_other(lab, grown):
    run = grown[0]
    steps = re.findall(r"TASK \[quorum\.etcd\.etcd_service : (Add as a learner|Start etcd on|Promote to a voting "
                       r"member once caught up) (etcd-test-\d)", run.output)
    assert [step[0].split()[0] + " " + step[1] for step in steps] == [
        "Add etcd-test-4", "Start etcd-test-4", "Promote etcd-test-4",
        "Add etcd-test-5", "Start etcd-test-5", "Promote etcd-test-5"], steps
    # Each started with the cluster as it was when it joined.
    for name, count in (("etcd-test-4", 4), ("etcd-test-5", 5)):
        config = lab.sh(name, "cat /etc/etcd/config.yaml")
        assert "initial-cluster-state: existing" in config
        initial = re.search(r"^initial-cluster: (\S+)$", config, flags=re.M).group(1)
        assert len(initial.split(",")) == count, initial


def test_every_acknowledged_key_is_on_the_new_members(lab, grown):
    loaded = grown[1]
    for name, address in NEW.items():
        answer = lab.sh(name, "/etc/etcd/etcdctl.sh --endpoints=https://%s:2379 get %s --prefix --count-only -w fields"
                        % (address, loaded.load.prefix))
        assert int(re.search(r'"Count" : (\d+)', answer).group(1)) >= len(loaded.load.acknowledged) > 0, answer


def test_a_rerun_with_the_new_hosts_changes_nothing(lab, grown):
    run = lab.playbook(extra_hosts=NEW_HOSTS)
    assert run.rc == 0, run.output
    recap = run.output[run.output.rindex("PLAY RECAP"):]
    assert all(re.search(r"%s +: ok=\d+ +changed=0 " % node, recap) for node in NODES + list(NEW)), run.output


REMOVE = REPO / "playbooks" / "remove_member.yml"


def test_a_removal_that_would_cost_the_quorum_is_refused_before_any_change(lab, grown):
    lab.sh(NODES[2], "systemctl stop etcd")
    try:
        run = lab.playbook(extra_vars={"etcd_remove_members": "etcd-test-4,etcd-test-5,%s" % NODES[0]},
                           extra_hosts=NEW_HOSTS, playbook=REMOVE)
        assert run.rc != 0
        assert ("removing etcd-test-4,etcd-test-5,%s would leave 2 voting members of which only 1 are healthy "
                "(unhealthy: %s), fewer than their quorum of 2" % (NODES[0], NODES[2])) in run.text, run.output
        typo = lab.playbook(extra_vars={"etcd_remove_members": ["etcd-test-9"]}, extra_hosts=NEW_HOSTS, playbook=REMOVE)
        assert "etcd_remove_members names etcd-test-9, which is neither a member of the running cluster" in typo.text, typo.output
        assert len(members(lab)) == 5
    finally:
        lab.sh(NODES[2], "systemctl start etcd")


def test_scale_in_removes_the_members_one_at_a_time_under_load_the_leader_handing_over_first(lab, grown):
    leader_id = "%x" % next(m["ID"] for m in members(lab) if m["name"] == "etcd-test-5")
    # etcdctl finds the leader among the endpoints, and asks it.
    lab.etcdctl(NODES[0], "move-leader", leader_id, "--endpoints=%s" % ",".join(
        "https://%s:2379" % address for address in list(ADDRESSES.values()) + list(NEW.values())))
    units = lab.units()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_remove_members": "etcd-test-4,etcd-test-5"}, extra_hosts=NEW_HOSTS,
                     playbook=REMOVE)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert sorted(m["name"] for m in members(lab)) == sorted(NODES)
    assert "leadership moved to etcd-test-" in run.text, run.output
    assert restarted(units, lab.units()) == []
    for name in NEW:
        assert lab.sh(name, "systemctl is-active etcd; systemctl is-enabled etcd", check=False).split() == ["inactive", "disabled"]
        # Moved aside, not deleted.
        assert lab.sh(name, "ls -d /var/lib/etcd.removed-*/member").strip(), name
        assert lab.sh(name, "test -e /var/lib/etcd || echo gone").strip() == "gone"


def test_removing_them_again_changes_nothing_and_the_group_without_them_restarts_no_member(lab, grown):
    again = lab.playbook(extra_vars={"etcd_remove_members": "etcd-test-4,etcd-test-5"}, extra_hosts=NEW_HOSTS,
                         playbook=REMOVE)
    assert again.rc == 0, again.output
    recap = again.output[again.output.rindex("PLAY RECAP"):]
    assert all(re.search(r"%s +: ok=\d+ +changed=0 " % node, recap) for node in NODES + list(NEW)), again.output
    units = lab.units()
    run = lab.playbook()
    assert run.rc == 0, run.output
    assert restarted(units, lab.units()) == []
    assert "etcd-test-4" not in lab.sh(NODES[0], "cat /etc/etcd/etcdctl.env")
