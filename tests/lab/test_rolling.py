"""Rolling flows on the deployed cluster, each under a bounded write load (a write no endpoint acknowledges
within 5 s fails; every acknowledged key is read back), with the faults injected for real.

The tests run in this order and each leaves the cluster whole, except the one that loses a member's data, which
the next mends; the last two rebuild a member's host, at its address and then at a new one.
"""

from __future__ import annotations

import json
import re
import subprocess
import time

from labtest import ADDRESSES, NODES, REPO, Loaded, assert_restarted_once_in_sequence, journal_count, restarted, testbed

FIRST, SECOND, THIRD = NODES
# The setting the flows before leave the cluster with, for the flows after that change nothing.
SETTLED = {"etcd_snapshot_count": 50000}


def leader(lab):
    statuses = json.loads(lab.etcdctl(FIRST, "endpoint", "status", "--cluster", "-w", "json"))
    leader_id = statuses[0]["Status"]["leader"]
    return next(node for node in NODES for s in statuses
                if s["Status"]["header"]["member_id"] == leader_id and ADDRESSES[node] in s["Endpoint"])


def test_the_configuration_role_alone_checks_and_restarts_each_member_once_in_sequence(lab, tmp_path):
    """A playbook of the user's own with only quorum.etcd.etcd_config: bad input refused before any change,
    then a change rolled out as cluster.yml would."""
    playbook = tmp_path / "config-only.yml"
    playbook.write_text(json.dumps([{"hosts": "etcd", "become": True, "gather_facts": False, "any_errors_fatal": True,
                                     "roles": ["quorum.etcd.etcd_config"]}]))
    files, units = lab.files(), lab.units()
    refused = lab.playbook(extra_vars={"etcd_election_timeout": 200}, playbook=playbook)
    assert refused.rc != 0 and "etcd_election_timeout (200 ms) is less than 5 times" in refused.text, refused.output
    assert lab.files() == files and restarted(units, lab.units()) == []

    since = time.time()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_snapshot_count": 15000}, playbook=playbook)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert_restarted_once_in_sequence(lab, since)
    assert all("snapshot-count: 15000" in lab.sh(node, "cat /etc/etcd/config.yaml") for node in NODES)


def test_configuration_phase_alone_restarts_each_member_once_in_sequence(lab):
    since = time.time()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_snapshot_count": 20000}, args=("--tags", "etcd_configure"))
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert_restarted_once_in_sequence(lab, since)
    assert all("snapshot-count: 20000" in lab.sh(node, "cat /etc/etcd/config.yaml") for node in NODES)


def test_check_mode_shows_the_restarts_and_changes_nothing(lab):
    files, units = lab.files(), lab.units()
    run = lab.playbook(extra_vars={"etcd_snapshot_count": 60000}, args=("--check",))
    assert run.rc == 0, run.output
    assert len(re.findall(r"changed: \[etcd-test-\d\]", run.output.split("Restart etcd on")[1].split("TASK")[0])) == 1
    assert "Restart etcd on" in run.output
    assert lab.files() == files and restarted(units, lab.units()) == []


def test_rotating_the_certificates_gives_every_member_and_client_a_new_one(lab):
    serials = {node: lab.served_serial(node) for node in NODES}
    clients = {name: lab.certificate(lab.pki / "admin" / (name + ".pem")) for name in ("admin", "etcdctl")}
    since = time.time()
    loaded = Loaded(lab)
    run = loaded.run(playbook=REPO / "playbooks" / "rotate_certificates.yml", extra_vars={"etcd_snapshot_count": 20000})
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert all(lab.served_serial(node) != serials[node] for node in NODES), (serials, run.output)
    for name, (serial, public_key) in clients.items():
        new_serial, new_public_key = lab.certificate(lab.pki / "admin" / (name + ".pem"))
        assert new_serial != serial and new_public_key != public_key, name
    assert_restarted_once_in_sequence(lab, since)


def test_a_restart_that_fails_stops_the_rolling_restart(lab):
    # A fault the checks cannot see: every member's unit gets a start step that fails, loaded on restart.
    for node in NODES:
        lab.sh(node, "mkdir -p /etc/systemd/system/etcd.service.d && "
                     "printf '[Service]\\nExecStartPre=/bin/sh -c \"echo injected start failure; exit 1\"\\n' "
                     "> /etc/systemd/system/etcd.service.d/fail.conf")
    before = lab.units()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_snapshot_count": 30000})
    assert run.rc != 0
    loaded.assert_nothing_lost()
    after = lab.units()
    down = restarted(before, after)
    assert len(down) == 1, (down, run.output)
    assert after[down[0]]["ActiveState"] != "active"
    assert "%s did not come back healthy after its restart; the rolling restart stopped there" % down[0] in run.text, run.output
    assert "injected start failure" in run.output
    assert all(after[node]["ActiveState"] == "active" for node in NODES if node != down[0])

    for node in NODES:
        lab.sh(node, "rm /etc/systemd/system/etcd.service.d/fail.conf")
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_snapshot_count": 30000})
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert lab.healthy()
    # The member that failed is back, and the two that were never restarted now run the new file too.
    assert sorted(restarted(after, lab.units())) == sorted(NODES)


def test_a_stopped_member_stops_any_change(lab):
    subprocess.run(["docker", "stop", THIRD], check=True, capture_output=True)
    try:
        before = {node: lab.unit(node) for node in NODES[:2]}
        config = lab.sh(FIRST, "cat /etc/etcd/config.yaml")
        loaded = Loaded(lab)
        run = loaded.run(extra_vars={"etcd_snapshot_count": 40000})
        assert run.rc != 0
        loaded.assert_nothing_lost()
        assert re.search(r"fatal: \[%s\]: (UNREACHABLE|FAILED)" % THIRD, run.output), run.output
        assert not re.search(r"changed: \[", run.output), run.output
        assert all(lab.unit(node)["MainPID"] == before[node]["MainPID"] for node in NODES[:2])
        assert lab.sh(FIRST, "cat /etc/etcd/config.yaml") == config
    finally:
        subprocess.run(["docker", "start", THIRD], check=True, capture_output=True)
    lab.wait(lab.healthy, 90, "the stopped member to be back")

    since = time.time()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars={"etcd_snapshot_count": 40000})
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert_restarted_once_in_sequence(lab, since)


def cut_off(lab, node, routes="add"):
    """Cuts node off from its peers both ways (prohibit routes: refused at once, not left to time out),
    keeping its address and the controller's way in; routes="del" mends it."""
    for peer in NODES:
        if peer != node:
            lab.sh(node, "ip route %s prohibit %s/32" % (routes, ADDRESSES[peer]))
            lab.sh(peer, "ip route %s prohibit %s/32" % (routes, ADDRESSES[node]))


def test_no_member_restarts_while_another_is_unhealthy(lab):
    """The first member to restart is a follower; the other follower is cut off from its peers."""
    followers = [node for node in NODES if node != leader(lab)]
    first, isolated = followers
    cut_off(lab, isolated)
    try:
        before = lab.units()
        loaded = Loaded(lab)
        run = loaded.run(extra_vars={"etcd_snapshot_count": 50000})
        assert run.rc != 0
        loaded.assert_nothing_lost()
        assert "%s was not restarted, nor any member after it" % first in run.text, run.output
        assert isolated in run.text.split("was not restarted")[1]
        assert restarted(before, lab.units()) == []

        # Forced, on the first member alone: it restarts with a warning; the run still ends by naming the sick one.
        run = lab.playbook(extra_vars={"etcd_snapshot_count": 50000, "etcd_force_restart": True}, args=("--limit", first))
        assert "WARNING: etcd_force_restart is set: restarting %s" % first in run.text, run.output
        assert restarted(before, lab.units()) == [first]
        assert run.rc != 0 and "%s is not healthy" % isolated in run.text, run.output
    finally:
        cut_off(lab, isolated, "del")
    lab.wait(lab.healthy, 60, "the cut-off member to be back")

    loaded = Loaded(lab)
    run = loaded.run(extra_vars=SETTLED)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()


def test_a_stopped_member_is_started_not_restarted(lab):
    """etcd stopped on one member: the next run starts it, and restarts nobody."""
    lab.sh(THIRD, "systemctl stop etcd")
    before = lab.units()
    since = time.time()
    run = lab.playbook(extra_vars=SETTLED)
    assert run.rc == 0, run.output
    after = lab.units()
    assert after[THIRD]["ActiveState"] == "active"
    assert journal_count(lab, THIRD, since) == 1
    assert journal_count(lab, THIRD, since, "Stopping ") == 0
    assert restarted(before, after) == [THIRD]


def test_a_member_that_lost_its_data_is_named_even_with_nothing_to_change(lab):
    """The member is left crash-looping, for the next test to replace."""
    lab.sh(SECOND, "systemctl stop etcd && rm -rf /var/lib/etcd/member && (systemctl start etcd || true)")
    lab.wait(lambda: int(lab.unit(SECOND)["NRestarts"]) >= 1, 60, "etcd to crash-loop")
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=SETTLED)
    assert run.rc != 0
    loaded.assert_nothing_lost()
    assert ("%s: etcd_data_dir /var/lib/etcd holds no member, but the cluster lists %s" % (SECOND, SECOND)) in run.text, run.output
    assert "run playbooks/replace_member.yml -e etcd_replace_member=%s" % SECOND in run.text, run.output


def member_ids(lab, node=FIRST) -> tuple:
    """The cluster's ID and its members, name to (ID, peer URLs), as node sees them."""
    listed = json.loads(lab.etcdctl(node, "member", "list", "-w", "json"))
    return listed["header"]["cluster_id"], {m.get("name", ""): (m["ID"], m["peerURLs"]) for m in listed["members"]}


def cluster_ids_served(lab) -> set:
    """The cluster ID each member's endpoint reports: one, unless a member formed a cluster of its own."""
    statuses = json.loads(lab.etcdctl(FIRST, "endpoint", "status", "--cluster", "-w", "json"))
    return {status["Status"]["header"]["cluster_id"] for status in statuses}


def test_the_member_that_lost_its_data_is_replaced_when_asked_under_load(lab):
    cluster_id, before = member_ids(lab)
    units = lab.units()
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=dict(SETTLED, etcd_replace_lost_members=True))
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    steps = re.findall(r"TASK \[quorum\.etcd\.etcd_service : (Remove the member the host replaces|Add as a learner|"
                       r"Start etcd on|Promote to a voting member once caught up) (etcd-test-\d)", run.output)
    assert [step[0].split()[0] for step in steps] == ["Remove", "Add", "Start", "Promote"], steps
    assert {step[1] for step in steps} == {SECOND}
    same_cluster, after = member_ids(lab)
    assert same_cluster == cluster_id and sorted(after) == sorted(NODES)
    assert after[SECOND][0] != before[SECOND][0] and after[FIRST] == before[FIRST]
    assert cluster_ids_served(lab) == {cluster_id}
    assert restarted(units, lab.units()) == [SECOND], run.output
    assert "initial-cluster-state: existing" in lab.sh(SECOND, "cat /etc/etcd/config.yaml")


def test_a_host_rebuilt_at_the_same_address_replaces_its_member_under_load(lab):
    """The container is destroyed and a bare one made with the same name and address: a new machine in its place."""
    cluster_id, before = member_ids(lab)
    subprocess.run(["docker", "rm", "-f", THIRD], check=True, capture_output=True)
    testbed("node", "3")
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=dict(SETTLED, etcd_replace_member=THIRD), playbook=REPO / "playbooks" / "replace_member.yml")
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    same_cluster, after = member_ids(lab)
    assert same_cluster == cluster_id and sorted(after) == sorted(NODES)
    assert after[THIRD][1] == before[THIRD][1] and after[THIRD][0] != before[THIRD][0]
    assert after[FIRST] == before[FIRST] and after[SECOND] == before[SECOND]
    assert cluster_ids_served(lab) == {cluster_id}


def test_a_host_rebuilt_at_a_new_address_replaces_its_member_while_the_old_one_is_gone(lab):
    """Last: the container is destroyed and a bare one made with the same name at a new address."""
    new_address = "172.29.15.16"
    cluster_id, before = member_ids(lab)
    subprocess.run(["docker", "rm", "-f", THIRD], check=True, capture_output=True)
    testbed("node", "3", QUORUM_NODE_IP=new_address)
    refused = lab.playbook(extra_vars=SETTLED, hostvars={THIRD: {"etcd_address": new_address}})
    assert refused.rc != 0
    assert "etcd_replace_member=%s" % THIRD in refused.text, refused.output
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=dict(SETTLED, etcd_replace_member=THIRD), hostvars={THIRD: {"etcd_address": new_address}},
                     playbook=REPO / "playbooks" / "replace_member.yml")
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    same_cluster, after = member_ids(lab)
    assert same_cluster == cluster_id and sorted(after) == sorted(NODES)
    assert after[THIRD][1] == ["https://%s:2380" % new_address] and after[THIRD][0] != before[THIRD][0]
    assert cluster_ids_served(lab) == {cluster_id}
    again = lab.playbook(extra_vars=dict(SETTLED, etcd_replace_member=THIRD), hostvars={THIRD: {"etcd_address": new_address}},
                         playbook=REPO / "playbooks" / "replace_member.yml")
    assert again.rc == 0 and re.search(r"%s +: ok=\d+ +changed=0 " % THIRD, again.output), again.output
