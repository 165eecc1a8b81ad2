"""Facts of the play's hosts, as the roles read them from hostvars."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_host_facts import etcd_host_facts
from ansible_collections.quorum.etcd.plugins.filter.etcd_hosts_where import etcd_hosts_where

HOSTVARS = {
    "h1": {"host": {"unit": {"active_state": "active"}}, "due": True},
    "h2": {"host": {"unit": {"active_state": "failed"}}},
    "h3": {"host": {"skipped": True}, "due": False},
}


def test_each_host_has_its_fact_or_none():
    assert etcd_host_facts(["h1", "h2", "h3"], HOSTVARS, "host.unit.active_state") == {
        "h1": "active", "h2": "failed", "h3": None}


def test_the_hosts_whose_fact_has_the_value_keep_their_order():
    assert etcd_hosts_where(["h3", "h2", "h1"], HOSTVARS, "host.unit.active_state", "active") == ["h1"]
    assert etcd_hosts_where(["h1", "h2", "h3"], HOSTVARS, "due", True) == ["h1"]


def _host(cn=None, active=True, pending=False, has_member=True, allowed=None):
    return {"_etcd_host": {"peer_certificate_common_name": cn, "restart_pending": pending,
                           "unit": {"active_state": "active" if active else "inactive"},
                           "data_dir": {"has_member": has_member}, "peer_allowed_common_name": allowed}}


def test_the_peer_common_name_is_required_once_every_member_runs_it_or_is_new():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import peer_common_name_required

    def required(**hosts):
        return peer_common_name_required(list(hosts), hosts, "c-peer")
    # A first deploy: every member new.
    assert required(a=_host(active=False, has_member=False), b=_host(active=False, has_member=False))
    # Every member runs a certificate with the name: the run after the one that reissued them.
    assert required(a=_host("c-peer"), b=_host("c-peer"), c=_host(active=False, has_member=False))
    # One still runs an older certificate, or has not restarted onto its new one, or was not read (--limit).
    assert not required(a=_host("c-peer"), b=_host("etcd-2.example.com"))
    assert not required(a=_host("c-peer"), b=_host("c-peer", pending=True))
    assert not required(a=_host("c-peer"), b={})
    # A stopped member that has data but no peer certificate is not new.
    assert not required(a=_host("c-peer"), b=_host(active=False, has_member=True))
    # Once one member requires it, it stays required.
    assert required(a=_host("c-peer", allowed="c-peer"), b=_host("c-peer", pending=True))
    assert not required(a=_host("x", allowed="old-peer"), b=_host("x"))


def _member(n):
    return {"host": "h%d" % n, "name": "etcd-%d" % n, "peer_url": "https://10.0.0.%d:2380" % n}


def _joiner(has_member, active, kept=None):
    return {"_etcd_host": {"data_dir": {"has_member": has_member}, "unit": {"active_state": "active" if active else "inactive"},
                           "bootstrap_settings": kept or {}}}


def test_new_hosts_join_one_after_another_and_the_members_keep_their_bootstrap_settings():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3, 4, 5)]
    first_three = "etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380"
    hostvars = {"h%d" % n: _joiner(True, True, {"initial-cluster": first_three, "initial-cluster-state": "new"})
                for n in (1, 2, 3)}
    hostvars.update({"h4": _joiner(False, False), "h5": _joiner(False, False)})
    cluster = {"members": [{"name": m["name"], "peer_urls": [m["peer_url"]]} for m in members[:3]]}
    plan = join_plan(members, hostvars, cluster)
    assert plan["joining"] == ["h4", "h5"]
    assert plan["initial_cluster"]["h4"] == first_three + ",etcd-4=https://10.0.0.4:2380"
    assert plan["initial_cluster"]["h5"] == first_three + ",etcd-4=https://10.0.0.4:2380,etcd-5=https://10.0.0.5:2380"
    assert plan["initial_cluster_state"] == {"h1": "new", "h2": "new", "h3": "new", "h4": "existing", "h5": "existing"}
    # The members already running keep what their files have, although the group grew.
    assert plan["initial_cluster"]["h1"] == first_three


def test_a_host_added_but_never_started_joins_first_and_a_new_cluster_bootstraps_the_whole_group():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3)]
    hostvars = {"h1": _joiner(True, True), "h2": _joiner(False, False), "h3": _joiner(False, False)}
    cluster = {"members": [{"name": "etcd-1", "peer_urls": [members[0]["peer_url"]]},
                           {"name": "", "peer_urls": [members[2]["peer_url"]]}]}
    plan = join_plan(members, hostvars, cluster)
    assert plan["joining"] == ["h3", "h2"]
    assert plan["initial_cluster"]["h3"] == "etcd-1=https://10.0.0.1:2380,etcd-3=https://10.0.0.3:2380"
    assert plan["initial_cluster"]["h2"] == ("etcd-1=https://10.0.0.1:2380,etcd-3=https://10.0.0.3:2380,"
                                             "etcd-2=https://10.0.0.2:2380")
    # No cluster answered: every member bootstraps a new one, listing the whole group.
    fresh = join_plan(members, {h: _joiner(False, False) for h in ("h1", "h2", "h3")}, {})
    assert fresh["joining"] == [] and set(fresh["initial_cluster_state"].values()) == {"new"}
    assert fresh["initial_cluster"]["h2"] == ",".join("%s=%s" % (m["name"], m["peer_url"]) for m in members)


def test_a_member_whose_data_was_lost_does_not_join():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3)]
    hostvars = {"h1": _joiner(True, True), "h2": _joiner(True, True), "h3": _joiner(False, False)}
    cluster = {"members": [{"name": m["name"], "peer_urls": [m["peer_url"]]} for m in members]}
    assert join_plan(members, hostvars, cluster)["joining"] == []


def test_a_lost_member_asked_for_is_replaced_by_id_and_joins_the_cluster_without_its_old_entry():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3)]
    hostvars = {"h1": _joiner(True, True), "h2": _joiner(False, False), "h3": _joiner(True, True)}
    cluster = {"members": [{"id": "a%d" % n, "name": m["name"], "peer_urls": [m["peer_url"]]}
                           for n, m in enumerate(members, 1)]}
    for plan in (join_plan(members, hostvars, cluster, replace=["etcd-2"]),
                 join_plan(members, hostvars, cluster, replace_lost=True)):
        assert plan["joining"] == ["h2"] and plan["replacing"] == {"h2": "a2"}
        assert plan["initial_cluster"]["h2"] == ("etcd-1=https://10.0.0.1:2380,etcd-3=https://10.0.0.3:2380,"
                                                 "etcd-2=https://10.0.0.2:2380")
        assert plan["initial_cluster_state"]["h2"] == "existing"
    # Another member's name asked for: the lost one is left to the refusal.
    assert join_plan(members, hostvars, cluster, replace=["etcd-1"])["joining"] == []


def test_a_host_back_with_a_new_address_replaces_its_member_found_by_name():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3)]
    cluster = {"members": [{"id": "a%d" % n, "name": m["name"], "peer_urls": [m["peer_url"]]}
                           for n, m in enumerate(members, 1)]}
    members[2] = dict(members[2], peer_url="https://10.0.0.33:2380")
    hostvars = {"h1": _joiner(True, True), "h2": _joiner(True, True), "h3": _joiner(False, False)}
    # Not asked: it is no new host (its name is a started member), so it does not join.
    assert join_plan(members, hostvars, cluster)["joining"] == []
    plan = join_plan(members, hostvars, cluster, replace=["etcd-3"])
    assert plan["replacing"] == {"h3": "a3"}
    assert plan["initial_cluster"]["h3"] == ("etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,"
                                             "etcd-3=https://10.0.0.33:2380")


def test_two_lost_members_are_replaced_one_after_the_other_each_with_the_cluster_it_finds():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [_member(n) for n in (1, 2, 3, 4, 5)]
    hostvars = {"h%d" % n: _joiner(n not in (2, 4), n not in (2, 4)) for n in (1, 2, 3, 4, 5)}
    cluster = {"members": [{"id": "a%d" % n, "name": m["name"], "peer_urls": [m["peer_url"]]}
                           for n, m in enumerate(members, 1)]}
    plan = join_plan(members, hostvars, cluster, replace_lost=True)
    assert plan["joining"] == ["h2", "h4"]
    # When h2 joins, h4's old member is still listed; it leaves just before h4 joins.
    assert plan["initial_cluster"]["h2"].split(",")[-1] == "etcd-2=https://10.0.0.2:2380"
    assert "etcd-4=https://10.0.0.4:2380" in plan["initial_cluster"]["h2"]
    assert plan["initial_cluster"]["h4"].split(",").count("etcd-4=https://10.0.0.4:2380") == 1
    assert len(plan["initial_cluster"]["h4"].split(",")) == 5


def _recovering(n):
    return dict(_member(n), client_url="https://10.0.0.%d:2379" % n)


def _status(n, applied, leader="0"):
    return {"endpoint": "https://10.0.0.%d:2379" % n, "answered": True, "id": "a%d" % n, "leader": leader,
            "raft_applied_index": applied, "revision": applied, "reason": ""}


def _silent(n):
    return {"endpoint": "https://10.0.0.%d:2379" % n, "answered": False, "id": "", "leader": "0",
            "raft_applied_index": 0, "revision": 0, "reason": "connection refused"}


def _data(has_member):
    return {"_etcd_host": {"data_dir": {"has_member": has_member}}}


MEMBERS = [_recovering(n) for n in (1, 2, 3)]


def test_the_cluster_is_rebuilt_from_the_member_that_applied_the_most_the_first_on_a_tie():
    from ansible_collections.quorum.etcd.plugins.filter.etcd_recovery_plan import etcd_recovery_plan
    hostvars = {"h1": _data(True), "h2": _data(True), "h3": _data(True)}
    plan = etcd_recovery_plan(MEMBERS, hostvars, {"failed": True, "statuses": [_status(1, 90), _status(2, 120), _silent(3)]})
    assert plan == {"source": "h2", "name": "etcd-2", "applied_index": 120, "problems": []}
    tie = etcd_recovery_plan(MEMBERS, hostvars, {"statuses": [_status(1, 120), _status(2, 120), _status(3, 7)]})
    assert tie["source"] == "h1"
    # A member that answers without its data (a host rebuilt empty) is not a source.
    empty = etcd_recovery_plan(MEMBERS, dict(hostvars, h2=_data(False)), {"statuses": [_status(1, 90), _status(2, 120)]})
    assert empty["source"] == "h1"


def test_the_member_named_is_the_source_if_its_host_has_its_data_even_when_it_does_not_answer():
    from ansible_collections.quorum.etcd.plugins.filter.etcd_recovery_plan import etcd_recovery_plan
    hostvars = {"h1": _data(True), "h2": _data(False), "h3": _data(None)}
    cluster = {"statuses": [_silent(1), _silent(2), _silent(3)]}
    assert etcd_recovery_plan(MEMBERS, hostvars, cluster, source="etcd-1")["source"] == "h1"
    assert etcd_recovery_plan(MEMBERS, hostvars, cluster, source="etcd-2")["problems"] == [
        "etcd_recover_from is etcd-2, but its host h2 has no member data in its data dir: name a member whose host "
        "kept its data"]
    assert etcd_recovery_plan(MEMBERS, hostvars, cluster, source="etcd-9")["problems"] == [
        "etcd_recover_from is etcd-9, which is not a member of the inventory group (etcd-1, etcd-2, etcd-3): give the "
        "name (etcd_name) of the member to rebuild the cluster from"]
    assert etcd_recovery_plan(MEMBERS, hostvars, cluster) == {"source": "", "name": "", "applied_index": 0, "problems": [
        "no member whose host has its data answers (with its data: etcd-1): name the member to rebuild the cluster "
        "from, -e etcd_recover_from=NAME"]}


def test_a_recovery_is_refused_while_the_cluster_has_its_quorum_or_a_member_follows_a_leader():
    from ansible_collections.quorum.etcd.plugins.filter.etcd_recovery_plan import etcd_recovery_plan
    hostvars = {"h1": _data(True), "h2": _data(True), "h3": _data(True)}
    whole = etcd_recovery_plan(MEMBERS, hostvars, {"members": [{"name": "etcd-1"}], "leader_name": "etcd-1"})
    assert whole["source"] == "" and whole["problems"] == [
        "the cluster has its quorum (leader etcd-1): recover.yml rebuilds only a cluster that lost it for good; replace "
        "a lost member with replace_member.yml, or remove it with remove_member.yml"]
    following = etcd_recovery_plan(MEMBERS, hostvars, {"statuses": [_status(1, 50, leader="a2"), _status(2, 60)]},
                                   source="etcd-1")
    assert following["source"] == "" and following["problems"] == [
        "etcd-1 still follows a leader (etcd-2): the quorum may be coming back; run recover.yml only once the lost "
        "members are gone for good"]


def test_a_recovery_is_refused_when_a_running_member_does_not_answer():
    """etcd_info fails alike for a lost quorum and a wrong certificate: a member whose etcd runs must answer."""
    from ansible_collections.quorum.etcd.plugins.filter.etcd_recovery_plan import etcd_recovery_plan
    running = {"_etcd_host": {"data_dir": {"has_member": True}, "unit": {"active_state": "active"}}}
    hostvars = {"h1": running, "h2": _data(True), "h3": _data(False)}
    cluster = {"statuses": [dict(_silent(1), reason="certificate verify failed"), _silent(2), _silent(3)]}
    plan = etcd_recovery_plan(MEMBERS, hostvars, cluster, source="etcd-2")
    assert plan["source"] == "" and plan["problems"] == [
        "etcd-1 runs etcd but did not answer (certificate verify failed): recover.yml cannot tell whether the cluster "
        "still has its quorum; mend the connection (certificates, etcd_client_port) or stop etcd on that host"]
    # The same member stopped: the named member is the source.
    stopped = dict(hostvars, h1={"_etcd_host": {"data_dir": {"has_member": True}, "unit": {"active_state": "inactive"}}})
    assert etcd_recovery_plan(MEMBERS, stopped, cluster, source="etcd-2")["source"] == "h2"


def test_with_srv_discovery_a_new_cluster_bootstraps_from_the_records_and_a_joining_member_from_the_cluster():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import join_plan

    members = [{"host": "h%d" % n, "name": "etcd-%d" % n, "peer_url": "https://etcd-%d.example.com:2380" % n}
               for n in (1, 2, 3, 4)]
    fresh = join_plan(members[:3], {h: _joiner(False, False) for h in ("h1", "h2", "h3")}, {}, discovery="srv")
    assert fresh["initial_cluster"] == {"h1": "", "h2": "", "h3": ""}
    assert set(fresh["initial_cluster_state"].values()) == {"new"}
    # Bootstrapped from the records, a member keeps that; a fourth joins with the cluster's list, by the targets.
    hostvars = {h: _joiner(True, True, {"discovery-srv": "example.com", "initial-cluster-state": "new"})
                for h in ("h1", "h2", "h3")}
    hostvars["h4"] = _joiner(False, False)
    cluster = {"members": [{"name": m["name"], "peer_urls": [m["peer_url"]]} for m in members[:3]]}
    plan = join_plan(members, hostvars, cluster, discovery="srv")
    assert plan["initial_cluster"]["h1"] == "" and plan["initial_cluster_state"]["h1"] == "new"
    assert plan["joining"] == ["h4"] and plan["initial_cluster_state"]["h4"] == "existing"
    assert plan["initial_cluster"]["h4"] == ",".join("%s=%s" % (m["name"], m["peer_url"]) for m in members)
