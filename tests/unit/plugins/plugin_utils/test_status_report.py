"""playbooks/status.yml's report, from what etcd_info and etcd_host_info return (the lab runs the playbook itself)."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_status_report import etcd_status_report
from ansible_collections.quorum.etcd.plugins.plugin_utils.status_report import status_report

NOW = 1_800_000_000
DAY = 86400
MiB = 1024 ** 2
MEMBERS = [{"host": "h%d" % n, "name": "etcd-%d" % n, "peer_url": "https://10.0.0.%d:2380" % n} for n in (1, 2, 3)]


def listed(n, **changes):
    member = {"id": "id%d" % n, "name": "etcd-%d" % n, "peer_urls": ["https://10.0.0.%d:2380" % n], "reachable": True,
              "healthy": True, "is_learner": False, "is_leader": n == 1, "cluster_id": "c1", "server_version": "3.5.16",
              "raft_term": 4, "raft_applied_index": 1000, "db_size": 20 * MiB, "db_size_in_use": 10 * MiB, "error": ""}
    member.update(changes)
    return member


def cluster(*members, alarms=()):
    return {"cluster_id": "c1", "leader_name": "etcd-1", "cluster_version": "3.5.0", "alarms": list(alarms),
            "members": list(members) or [listed(n) for n in (1, 2, 3)]}


def host(expires_in_days=300, active="active", quota=0):
    return {"unit": {"exists": True, "active_state": active, "sub_state": "running" if active == "active" else "dead",
                     "restarts": 0}, "quota_backend_bytes": quota,
            "certificate_expiry": {"/etc/ssl/etcd/etcd.pem": NOW + expires_in_days * DAY,
                                   "/etc/ssl/etcd/peer.pem": NOW + (expires_in_days + 1) * DAY,
                                   "/etc/ssl/etcd/ca.pem": NOW + 3650 * DAY}}


HOSTS = {"h%d" % n: host() for n in (1, 2, 3)}
BACKUP = {"id": "4f2a9c1e", "time": "2027-01-15T08:00:00Z", "age": 3600}


def report(the_cluster=None, hosts=None, backup="latest", **options):
    return status_report(the_cluster or cluster(), MEMBERS, hosts or HOSTS, backup=BACKUP if backup == "latest" else backup,
                         now=NOW, **options)


def rows(table):
    """The members' rows as lists of cells (two spaces apart at least)."""
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in table[1:1 + len(MEMBERS)]]


def test_a_whole_cluster_is_one_row_a_member_and_has_no_problem():
    result = report(backup_max_age=7200)
    assert result["problems"] == []
    assert result["table"][0].split()[:4] == ["MEMBER", "HOST", "HEALTH", "ROLE"]
    assert rows(result["table"])[0] == ["etcd-1", "h1", "healthy", "leader", "3.5.16", "4", "1000", "0", "20.0 MiB",
                                        "10.0 MiB", "1% of 2.0 GiB", "-", "300 days (etcd.pem)"]
    assert [row[3] for row in rows(result["table"])] == ["leader", "follower", "follower"]
    assert result["table"][-2] == "cluster c1, leader etcd-1, cluster version 3.5.0"
    assert result["table"][-1] == "latest backup: 4f2a9c1e of 2027-01-15T08:00:00Z, 3600 s old"


def test_a_stopped_member_is_a_row_and_its_unit_and_health_are_the_problems():
    down = cluster(listed(1), listed(2), listed(3, reachable=False, healthy=False, error="connection refused"))
    result = report(down, dict(HOSTS, h3=host(active="inactive")))
    assert rows(result["table"])[2][:4] == ["etcd-3", "h3", "etcd inactive", "voter"]
    assert rows(result["table"])[2][5:11] == ["-"] * 6
    assert result["problems"] == [
        "h3: its etcd unit is inactive (dead), restarted 0 times by systemd: see journalctl -u etcd.service there",
        "h3 is not healthy: connection refused"]


def test_a_host_ansible_cannot_reach_is_named_with_why():
    down = cluster(listed(1), listed(2), listed(3, reachable=False, healthy=False, error="timed out"))
    result = report(down, dict(HOSTS, h3={"unreachable": True, "msg": "ssh: connect to host 10.0.0.3: No route"}))
    assert rows(result["table"])[2][2] == "host unreachable"
    assert result["problems"][0] == "h3: not reachable by Ansible: ssh: connect to host 10.0.0.3: No route"
    assert "h3 is not healthy: timed out" in result["problems"]
    # A connection that fails (docker's to a stopped container) is the same, with what it said.
    failed = {"failed": False, "msg": "Module result deserialization failed", "module_stderr": "is not running"}
    result = report(down, dict(HOSTS, h3=failed))
    assert rows(result["table"])[2][2] == "host unreachable"
    assert result["problems"][0] == "h3: not reachable by Ansible: Module result deserialization failed is not running"


def test_a_cluster_that_does_not_answer_still_lists_every_member():
    result = report({"failed": True, "msg": "no endpoint answered"})
    assert [row[2] for row in rows(result["table"])] == ["not a member"] * 3
    assert result["problems"] == ["the cluster did not answer: no endpoint answered"]
    assert result["table"][-2] == "cluster not answering, leader none, cluster version -"


def test_an_alarm_a_full_database_a_lagging_member_and_a_learner_are_each_named():
    the_cluster = cluster(listed(1, raft_applied_index=9000), listed(2, db_size=1700 * MiB, raft_applied_index=9000),
                          listed(3, is_learner=True, raft_applied_index=2000),
                          alarms=[{"id": "id2", "alarm": "NOSPACE"}])
    result = report(the_cluster)
    table = rows(result["table"])
    assert table[1][10:12] == ["83% of 2.0 GiB", "NOSPACE"]
    assert table[2][3] == "learner" and table[2][7] == "7000"
    assert result["problems"] == [
        "h3 is a learner, not a voting member: promote it with quorum.etcd.etcd_member",
        "h2 has the alarm NOSPACE raised: see etcdctl alarm list, and disarm it once its cause is gone",
        "h2: its database (1.7 GiB) has reached 83% of its quota (2.0 GiB): compact and defragment "
        "(etcd_defrag_enabled), or raise etcd_quota_backend_bytes",
        "h3 has applied 7000 entries fewer than the newest member: more than etcd sends as entries (5000), it catches "
        "up from a snapshot"]


def test_the_quota_is_the_members_own():
    result = report(cluster(listed(1, db_size=900 * MiB), listed(2), listed(3)), dict(HOSTS, h1=host(quota=1024 * MiB)))
    assert rows(result["table"])[0][10] == "88% of 1.0 GiB"
    assert len(result["problems"]) == 1 and "88% of its quota (1.0 GiB)" in result["problems"][0]


def test_a_certificate_within_the_days_given_is_named_with_what_renews_it():
    hosts = dict(HOSTS, h2=host(expires_in_days=10))
    assert rows(report(hosts=hosts)["table"])[1][12] == "10 days (etcd.pem)"
    assert report(hosts=hosts)["problems"] == [
        "h2: its certificate /etc/ssl/etcd/etcd.pem expires in 10 days: run playbooks/rotate_certificates.yml, or "
        "cluster.yml, which renews those within etcd_pki_renew_days"]
    assert report(hosts=hosts, certificate_days=7)["problems"] == []
    ca_ending = dict(HOSTS, h1=dict(host(), certificate_expiry={"/etc/ssl/etcd/ca.pem": NOW + 5 * DAY}))
    assert report(hosts=ca_ending)["problems"] == [
        "h1: the CA it trusts (/etc/ssl/etcd/ca.pem) expires in 5 days, and no deploy replaces it: rotate the CA with "
        "playbooks/rotate_ca.yml"]


def test_the_latest_backup_missing_unreadable_or_too_old_is_a_problem_and_none_is_asked_when_backups_are_off():
    assert report(backup=None)["problems"] == []
    assert report(backup=None)["table"][-1] == "latest backup: none taken: backups are off (etcd_backup_enabled)"
    assert report(backup={})["problems"] == ["the repository holds no backup of the cluster: run playbooks/backup.yml"]
    assert report(backup={"error": "wrong password"})["problems"] == [
        "the latest backup could not be read: wrong password"]
    assert report(backup=BACKUP, backup_max_age=1800)["problems"] == [
        "the latest backup, 4f2a9c1e of 2027-01-15T08:00:00Z, is 3600 s old, more than etcd_backup_max_age (1800 s): "
        "backups are not being taken (see journalctl -u etcd-backup on the members)"]


def test_the_filter_takes_what_ansible_gives_it():
    result = etcd_status_report(cluster(), MEMBERS, HOSTS, backup=None, certificate_days="14", backup_max_age="0")
    assert result["problems"] == [] and len(result["table"]) == 1 + 3 + 2
