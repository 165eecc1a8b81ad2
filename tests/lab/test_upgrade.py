"""A rolling upgrade and a disaster recovery as an operator runs them, on a cluster of its own deployed with etcd
3.4.23 (etcd-test-7..9): cluster.yml refuses to change the version and names upgrade.yml; upgrade.yml pauses after
one follower, then upgrades the others with the leader last, each run under a write load; going back is refused
before any change. Then recover.yml is refused while the cluster has its quorum; two members are destroyed,
recover.yml is refused with a bad input, then rebuilds the cluster from the third and the two hosts join it again
under a write load. Then the cluster takes its backups into a real S3 server (moto's) through the members' timers,
one per interval whichever members fire, encrypted, one kept; and backup.yml takes one now. restore.yml refuses a
corrupt snapshot and a backup no repository has, names the backup it would restore under --check, then brings every
member back to the backup taken at or before a time.
The drill timers restore the latest backup once; backup_drill.yml fails on a stale one and on a corrupt one. The
defrag timers defragment each member once, one at a time, the leader last, under a write load; a NOSPACE alarm
(the quota is 64 MiB here) is cleared by the leader's. Last, backups and defragmentation turned off leave nothing of
theirs but the backups, also on a member without the backup's timer units, as a first run that stopped leaves it.
The tests run in this order."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Callable

import boto3

import pytest

from labtest import LAB_NET, REPO, Lab, Loaded, journal_count, restarted, testbed

OLD, NEW = "3.4.23", "3.5.16"
NODES = {"etcd-test-%d" % n: "172.29.%d.%d" % (LAB_NET, 10 + n) for n in (7, 8, 9)}
UPGRADE = REPO / "playbooks" / "upgrade.yml"
RECOVER = REPO / "playbooks" / "recover.yml"
RESTORE = REPO / "playbooks" / "restore.yml"
STATUS = REPO / "playbooks" / "status.yml"
BACKUP = REPO / "playbooks" / "backup.yml"
BACKUP_DRILL = REPO / "playbooks" / "backup_drill.yml"
BUCKET = "etcd-backups"
MIB = 1 << 20
QUOTA = 64 * MIB


@pytest.fixture(scope="module")
def old(lab, tmp_path_factory):
    """Needs the lab for its network and mirror."""
    for name in NODES:
        testbed("node", name.rsplit("-", 1)[1])
    cluster = Lab(tmp_path_factory.mktemp("upgrade"), nodes=NODES)
    # A quota a test can fill, and a defragmentation threshold a few megabytes of deletes pass.
    cluster.group_vars.update(etcd_cluster_name="etcd-upgrade", etcd_version=OLD, etcd_quota_backend_bytes=QUOTA,
                              etcd_defrag_threshold_bytes=4 * MIB)
    try:
        run = cluster.playbook()
        assert run.rc == 0, run.output
        yield cluster
    finally:
        subprocess.run(["docker", "rm", "-f", *NODES], capture_output=True, check=False)


def asked(cluster, node: str, path: str, body: dict = None) -> dict:
    """What a member answers on its client port, asked from the controller as the admin client."""
    with _opened(cluster, node, path, body) as response:
        return json.load(response)


def _opened(cluster, node: str, path: str, body: dict = None):
    context = ssl.create_default_context(cafile=str(cluster.pki / "ca.pem"))
    context.load_cert_chain(str(cluster.pki / "admin" / "admin.pem"), str(cluster.pki / "admin" / "admin-key.pem"))
    data = None if body is None else json.dumps(body).encode()
    url = "https://%s:2379%s" % (cluster.nodes[node], path)
    return urllib.request.urlopen(url, data=data, context=context, timeout=10)


def versions(cluster) -> dict:
    """Each member's etcd version and the cluster version, as the members' /version answer."""
    served = {node: asked(cluster, node, "/version") for node in cluster.nodes}
    return {node: (answer["etcdserver"], answer["etcdcluster"]) for node, answer in served.items()}


def status(cluster, node: str) -> dict:
    return asked(cluster, node, "/v3/maintenance/status", {})


def serves(cluster, node: str) -> bool:
    try:
        return asked(cluster, node, "/health").get("health") == "true"
    except OSError:
        return False


def leader(cluster) -> str:
    first = next(iter(cluster.nodes))
    statuses = json.loads(cluster.etcdctl(first, "endpoint", "status", "--cluster", "-w", "json"))
    leader_id = statuses[0]["Status"]["leader"]
    return next(node for node, address in cluster.nodes.items() for s in statuses
                if s["Status"]["header"]["member_id"] == leader_id and address in s["Endpoint"])


def test_cluster_yml_refuses_to_change_the_version_and_names_upgrade_yml(old):
    files, units = old.files(), old.units()
    run = old.playbook(extra_vars={"etcd_version": NEW})
    assert run.rc != 0
    assert "etcd_version is %s, but the member runs etcd %s: a member changes version only through " \
           "playbooks/upgrade.yml -e etcd_version=%s" % (NEW, OLD, NEW) in run.text, run.output
    assert old.files() == files and restarted(units, old.units()) == []


def test_the_upgrade_pauses_after_one_follower_under_load(old):
    first_leader, units = leader(old), old.units()
    loaded = Loaded(old)
    run = loaded.run(extra_vars={"etcd_version": NEW, "etcd_upgrade_pause_after_first": True}, playbook=UPGRADE)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    (upgraded,) = restarted(units, old.units())
    assert upgraded != first_leader
    running = versions(old)
    assert running[upgraded][0] == NEW and sorted(v[0] for v in running.values()) == [OLD, OLD, NEW], running
    assert re.search(r"Saved /var/backups/etcd/before-upgrade-to-%s-\d{8}T\d{6}Z\.db on etcd-test-7: revision \d+, "
                     r"\d+ keys" % NEW, run.text), run.output
    assert "Paused after the first member" in run.text, run.output


def test_the_rest_of_the_upgrade_restarts_the_others_once_each_the_leader_last_under_load(old):
    first_leader, units = leader(old), old.units()
    since = time.time()
    loaded = Loaded(old)
    run = loaded.run(extra_vars={"etcd_version": NEW}, playbook=UPGRADE)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    others = restarted(units, old.units())
    assert len(others) == 2 and first_leader in others, others
    assert [journal_count(old, node, since) for node in others] == [1, 1]
    after = old.units()
    assert max(others, key=lambda node: int(after[node]["ActiveEnterTimestampMonotonic"])) == first_leader
    # The leader handed leadership to a follower before its restart.
    handover = task_results(run.output, "Hand leadership away before the restart, from %s]" % first_leader)
    assert handover.get(first_leader) == "changed", run.output
    assert set(versions(old).values()) == {(NEW, "3.5.0")}, versions(old)
    assert re.search(r"The cluster version is 3\.5\.0; the members run etcd-test-7 3\.5\.16, etcd-test-8 3\.5\.16, "
                     r"etcd-test-9 3\.5\.16", run.text), run.output


def test_going_back_a_minor_version_is_refused_before_any_member_changes_even_under_tags(old):
    files, units = old.files(), old.units()
    # Limited by --tags, upgrade.yml still runs its checks of the cluster (they are tagged always).
    run = old.playbook(extra_vars={"etcd_version": OLD}, playbook=UPGRADE, args=("--tags", "etcd_configure"))
    assert run.rc != 0
    assert "etcd_version is %s, but etcd-test-7 runs etcd %s: etcd does not go back a minor version" % (OLD, NEW) \
        in run.text, run.output
    assert old.files() == files and restarted(units, old.units()) == []


def test_recover_yml_is_refused_while_the_cluster_has_its_quorum(old):
    old.group_vars["etcd_version"] = NEW  # as the operator puts it in the inventory after the upgrade
    files, units = old.files(), old.units()
    run = old.playbook(extra_vars={"etcd_recover_confirm": True}, playbook=RECOVER)
    assert run.rc != 0
    assert "the cluster has its quorum (leader %s): recover.yml rebuilds only a cluster that lost it for good" \
        % leader(old) in run.text, run.output
    assert old.files() == files and restarted(units, old.units()) == []


def test_two_members_destroyed_the_cluster_is_rebuilt_from_the_third_and_grows_back_to_three_under_load(old):
    """Two containers destroyed and made again bare at their addresses. recover.yml rebuilds the cluster from the
    third; a write load runs from the moment the rebuilt member serves, through the two hosts joining it again (1 to 3
    members); every key acknowledged before the failure is there afterwards."""
    before = old.write_load(rate=50.0)
    before.start()
    old.wait(lambda: before.snapshot().acknowledged >= 100, 30, "100 writes before the failure")
    assert before.stop().failed == 0, before.summary()
    survivor, *lost = old.nodes
    subprocess.run(["docker", "rm", "-f", *lost], check=True, capture_output=True)
    for name in lost:
        testbed("node", name.rsplit("-", 1)[1])
    old.wait(lambda: status(old, survivor).get("leader") in (None, "0"), 30, "the survivor to lose its leader")
    unit, files = old.unit(survivor), old.sh(survivor, "ls -a /var/lib")
    refused = old.playbook(extra_vars={"etcd_recover_confirm": True, "etcd_version": OLD}, playbook=RECOVER)
    assert refused.rc != 0 and "etcd_version is %s, but the host runs etcd %s" % (OLD, NEW) in refused.text, refused.output
    assert old.unit(survivor) == unit and old.sh(survivor, "ls -a /var/lib") == files

    during = old.write_load(rate=20.0, max_duration_s=900)

    def start_once_rebuilt():
        old.wait(lambda: serves(old, survivor), 600, "the rebuilt member to serve")
        during.start()
    starter = threading.Thread(target=start_once_rebuilt, daemon=True)
    starter.start()
    run = old.playbook(extra_vars={"etcd_recover_confirm": True}, playbook=RECOVER)
    starter.join(timeout=30)
    assert during.running, run.output
    result = during.stop()
    assert run.rc == 0, run.output
    assert "Rebuilding the cluster from %s on %s" % (survivor, survivor) in run.text, run.output
    assert during.verify() == [] and result.failed == 0 and result.acknowledged >= 10, during.summary()
    assert before.verify() == [], before.summary()

    members = asked(old, survivor, "/v3/cluster/member/list", {})["members"]
    assert sorted(m["name"] for m in members) == sorted(old.nodes) and not any(m.get("isLearner") for m in members)
    assert old.healthy()
    statuses = {node: status(old, node) for node in old.nodes}
    assert len({s["header"]["cluster_id"] for s in statuses.values()}) == 1
    assert all(int(s["header"]["revision"]) > 1000000000 for s in statuses.values()), statuses
    kept = old.sh(survivor, "stat -c '%n %a' /var/backups/etcd/before-recovery-*.db; ls -d /var/lib/etcd.*.bak/member/wal")
    assert re.search(r"before-recovery-\d{8}T\d{6}Z\.db 600", kept), kept


def key_count(cluster, node: str) -> int:
    fields = cluster.etcdctl(node, "get", "''", "--prefix", "--count-only", "-w", "fields")
    return int(re.search(r'"Count" : (\d+)', fields).group(1))


@pytest.fixture(scope="module")
def s3(old):
    """moto's S3 server on the host, where the members reach it (the lab network's gateway), with a bucket."""
    endpoint = "http://172.29.%d.1:%d" % (LAB_NET, 9100 + LAB_NET)
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", endpoint[7:].split(":")[0],
                               "-p", endpoint.rsplit(":", 1)[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="lab", aws_secret_access_key="lab-secret",
                              region_name="us-east-1")
        old.wait(lambda: _answers(client), timeout=30, what="the S3 server to answer")
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


def _answers(client) -> bool:
    try:
        client.list_buckets()
        return True
    except Exception:  # noqa: BLE001 - not listening yet
        return False


def backups(cluster, node: str) -> list:
    """The cluster's backups in the repository, as restic lists them, oldest first."""
    return json.loads(cluster.sh(node, "set -a; . /etc/etcd/backup.env; restic -o s3.bucket-lookup=path snapshots --json --tag etcd"))


def test_the_timers_take_one_encrypted_backup_an_interval_and_another_member_takes_it_with_one_down(old, s3):
    endpoint, client = s3
    refused = old.playbook(playbook=BACKUP)
    assert refused.rc != 0
    assert "no member of etcd both runs etcd and takes backups: set etcd_backup_enabled: true" in refused.text, \
        refused.output
    old.group_vars.update(etcd_backup_enabled=True, etcd_backup_password="lab-backup-secret",
                          etcd_backup_s3_bucket=BUCKET, etcd_backup_s3_endpoint=endpoint,
                          etcd_backup_s3_access_key="lab", etcd_backup_s3_secret_key="lab-secret",
                          etcd_backup_retention="", etcd_backup_retention_count=1)
    run = old.playbook()
    assert run.rc == 0, run.output
    canary = "canary-%s" % uuid.uuid4()
    first = next(iter(old.nodes))
    old.etcdctl(first, "put", "/backup/canary", canary)

    said = fire(old, "etcd-backup", old.nodes)
    (taken,) = backups(old, first)
    taker = next(tag.split("=", 1)[1] for tag in taken["tags"] if tag.startswith("member="))
    assert sum("backup is taken" in lines[-1].get("skipped", "") for lines in said.values()) == 2, said
    stored = [client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
              for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(stored) > 3 and not any(canary.encode() in data for data in stored)

    # The member that took it stops; the next interval's backup is still taken, by another, and one is kept.
    old.sh(taker, "systemctl stop etcd")
    try:
        others = [node for node in old.nodes if node != taker]
        old.etcdctl(others[0], "del", "quorum.etcd/backup-taken")  # as its lease would expire
        fire(old, "etcd-backup", others)
        (kept,) = backups(old, others[0])
        assert kept["id"] != taken["id"] and "member=%s" % taker not in kept["tags"], kept
    finally:
        old.sh(taker, "systemctl start etcd")
    old.wait(old.healthy, timeout=60, what="the cluster to be healthy")

    # A snapshot that fails etcd's hash check (checked while restic stores it) is forgotten, and the interval given
    # back. The check itself is proven on damaged files in tests/integration; here it is made to fail.
    check = "/usr/local/lib/etcd-snapshot-check.py"
    old.sh(first, "mv %s %s.kept && cat > %s <<'EOF'\nimport runpy, sys\nif sys.argv[1] == '--hash':\n"
                  "    sys.exit('snapshot fails etcd\\'s integrity check (the test says so)')\n"
                  "runpy.run_path(sys.argv[0] + '.kept', run_name='__main__')\nEOF" % (check, check, check))
    try:
        old.etcdctl(first, "del", "quorum.etcd/backup-taken")
        failed = subprocess.run(["docker", "exec", first, "/usr/local/sbin/etcd-backup", "--now"], capture_output=True,
                                text=True, check=False)
    finally:
        old.sh(first, "mv %s.kept %s" % (check, check))
    assert failed.returncode != 0 and "fails etcd's integrity check (the test says so)" in failed.stderr, failed
    assert [b["id"] for b in backups(old, first)] == [kept["id"]]
    assert old.etcdctl(first, "get", "quorum.etcd/backup-taken") == ""
    assert "taking." not in old.sh(first, "ls /var/backups/etcd")


def test_the_repository_is_made_only_where_there_is_none_never_beside_one_that_cannot_be_read(old, s3):
    """The backups' settings as the role wrote them, copied with the S3 keys left out or another prefix."""
    endpoint, client = s3
    first = next(iter(old.nodes))
    objects = sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"])

    def init(settings: str) -> subprocess.CompletedProcess:
        script = "sed %s /etc/etcd/backup.env > /root/other.env && " \
                 "sed 's#/etc/etcd/backup.env#/root/other.env#' /usr/local/sbin/etcd-backup > /root/other-backup && " \
                 "bash /root/other-backup --init" % shlex.quote(settings)
        return subprocess.run(["docker", "exec", first, "sh", "-c", script], capture_output=True, text=True, check=False)

    assert json.loads(init("").stdout) == {"repository": "found"}
    anonymous = init("/^AWS_/d")  # no keys and no instance role (no metadata service here): moto denies it unsigned
    assert anonymous.returncode != 0 and "Access Denied" in anonymous.stderr, anonymous
    assert "etcd_backup_s3_access_key is empty, so restic asked the member's instance role" in anonymous.stderr, anonymous
    assert sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]) == objects
    elsewhere = init(r"s#^RESTIC_REPOSITORY=.*#&-elsewhere#")
    assert json.loads(elsewhere.stdout) == {"repository": "made"}, elsewhere
    made = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"] if o["Key"] not in objects]
    assert made and all("-elsewhere/" in key for key in made), made
    client.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key} for key in made]})
    old.sh(first, "rm /root/other.env /root/other-backup")  # they hold the backups' key
    assert [b["id"] for b in backups(old, first)]  # the cluster's repository reads as before


def test_backup_yml_takes_one_now_and_restore_yml_refuses_a_corrupt_snapshot_and_an_unknown_backup_then_restores_it_by_time(old, s3, tmp_path):
    first = next(iter(old.nodes))
    old.etcdctl(first, "put", "/restore/before", "kept")
    run = old.playbook(playbook=BACKUP)
    assert run.rc == 0, run.output
    shown = re.search(r"Backup (\w+) of the cluster etcd-upgrade, taken by etcd-test-\d at (\S+): revision (\d+), (\d+) keys, "
                      r"(\d+) bytes, in s3:%s/%s/etcd-upgrade" % (s3[0], BUCKET), run.text)
    assert shown, run.output
    (latest,) = backups(old, first)
    assert latest["id"].startswith(shown.group(1))
    taken_at, keys_at_backup = shown.group(2), int(shown.group(4))
    assert key_count(old, first) == keys_at_backup  # nothing was written since
    old.etcdctl(first, "put", "/restore/after", "gone")
    before = status(old, first)["header"]

    # A corrupt copy of a snapshot, on a member: it passes through the controller to every member, and is refused there.
    old.sh(first, "/etc/etcd/etcdctl.sh --endpoints=https://%s:2379 snapshot save /root/snapshot.db >/dev/null"
           % old.nodes[first])
    snapshot, corrupt = tmp_path / "snapshot.db", tmp_path / "corrupt.db"
    subprocess.run(["docker", "cp", "%s:/root/snapshot.db" % first, str(snapshot)], check=True, capture_output=True)
    damaged = bytearray(snapshot.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    corrupt.write_bytes(bytes(damaged))
    subprocess.run(["docker", "cp", str(corrupt), "%s:/root/corrupt.db" % first], check=True, capture_output=True)
    units = old.units()
    refused = old.playbook(extra_vars={"etcd_restore_confirm": True, "etcd_restore_snapshot": "/root/corrupt.db",
                                       "etcd_restore_snapshot_host": first}, playbook=RESTORE)
    assert refused.rc != 0
    assert "etcd_restore_snapshot /root/corrupt.db fails its integrity check" in refused.text, refused.output
    assert all(old.sh(node, "sha256sum /var/backups/etcd/restoring-corrupt.db").split()[0]
               == hashlib.sha256(damaged).hexdigest() for node in old.nodes)
    assert restarted(units, old.units()) == []

    # A backup no repository has is refused, and a check names the backup it would restore; neither changes a member.
    unknown = old.playbook(extra_vars={"etcd_restore_confirm": True, "etcd_restore_backup": "feedc0de"}, playbook=RESTORE)
    assert unknown.rc != 0
    assert "etcd_restore_backup is feedc0de, which is in no member's repository" in unknown.text, unknown.output
    checked = old.playbook(extra_vars={"etcd_restore_confirm": True, "etcd_restore_backup": latest["short_id"]},
                           playbook=RESTORE, args=("--check",))
    assert checked.rc == 0, checked.output
    assert "etcd_restore_backup %s is backup %s of" % (latest["short_id"], latest["short_id"]) in checked.text, checked.output
    assert restarted(units, old.units()) == []

    # The backup taken at or before a time (UTC): the one backup.yml took.
    run = old.playbook(extra_vars={"etcd_restore_confirm": True, "etcd_restore_backup": taken_at}, playbook=RESTORE)
    assert run.rc == 0, run.output
    assert old.healthy()
    assert old.etcdctl(first, "get", "/restore/before", "--print-value-only").strip() == "kept"
    assert old.etcdctl(first, "get", "/restore/after").strip() == ""
    assert key_count(old, first) == keys_at_backup
    after = {node: status(old, node)["header"] for node in old.nodes}
    # A new cluster, whose revision went on from where the old one was, never back.
    assert len({header["cluster_id"] for header in after.values()}) == 1
    assert after[first]["cluster_id"] != before["cluster_id"]
    assert all(int(header["revision"]) > int(before["revision"]) for header in after.values()), (before, after)
    # The repository is shared: each member took the snapshot out itself, and none was copied through the controller.
    taken_out = task_results(run.output, "Take the snapshot out of the backup]")
    assert taken_out == {node: "changed" for node in old.nodes}, run.output
    assert set(task_results(run.output, "Put the snapshot on every member]").values()) == {"skipping"}, run.output
    for node in old.nodes:
        assert old.sh(node, "ls -d /var/lib/etcd.*.bak/member").strip(), node
        # Restored, the copy each was restored from is gone; the refused snapshot's copy above stays.
        kept = old.sh(node, "ls /var/backups/etcd").split()
        assert "restoring-corrupt.db" in kept and not [name for name in kept if name.startswith("from-backup-")], kept


def task_results(output: str, task: str) -> dict:
    """Each host's result (ok, changed, skipping...) of the task or handler named so, in a playbook's output."""
    section = output[output.index(task):]
    following = re.search(r"^(TASK|RUNNING HANDLER) \[", section, re.M)
    section = section[:following.start()] if following else section
    return {host: result for result, host in re.findall(r"^(\w+): \[([^\]]+)\]", section, re.M)}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def put_large(cluster, node: str, key: str) -> str:
    """Puts a value of a mebibyte under key; what etcd refused it with, or "" when it took it."""
    try:
        asked(cluster, node, "/v3/kv/put", {"key": b64(key), "value": base64.b64encode(os.urandom(MIB)).decode()})
        return ""
    except urllib.error.HTTPError as refused:
        return refused.read().decode()


def delete_prefix(cluster, node: str, prefix: str) -> None:
    asked(cluster, node, "/v3/kv/deleterange", {"key": b64(prefix), "range_end": b64(prefix[:-1] + chr(ord(prefix[-1]) + 1))})


def defrag_count(cluster, node: str) -> int:
    """How many times the member has defragmented its database since it started, as its metrics say."""
    with _opened(cluster, node, "/metrics") as response:
        text = response.read().decode()
    return int(float(re.search(r"^etcd_disk_backend_defrag_duration_seconds_count (\S+)$", text, re.M).group(1)))


def fire(cluster, unit: str, nodes, finished: Callable[[list], bool] = bool) -> dict:
    """Starts unit on the nodes at once, as their timers would; the JSON lines each printed this time, once finished(lines)
    holds for every node: journald may file a unit's last lines a moment after the unit has ended."""
    since = cluster.sh(next(iter(nodes)), "date +%s.%N").strip()
    started = {node: subprocess.Popen(["docker", "exec", node, "sh", "-c", "systemctl start %s.service" % unit],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for node in nodes}
    for node, process in started.items():
        assert process.wait(timeout=300) == 0, (node, process.stdout.read(), cluster.sh(node, "journalctl -t %s -n 5 -o cat" % unit))
    said = {node: [] for node in nodes}

    def all_said() -> bool:
        for node in nodes:
            if not finished(said[node]):
                said[node] = [json.loads(line) for line in cluster.sh(node, "journalctl -t %s --since @%s -o cat" % (unit, since))
                              .splitlines() if line.startswith("{")]
        return all(finished(lines) for lines in said.values())

    cluster.wait(all_said, timeout=30, what="every member's last words of %s in its journal" % unit)
    return said


def test_the_drill_timers_restore_the_latest_backup_once_and_backup_drill_yml_fails_on_a_stale_or_a_corrupt_one(old, s3):
    said = fire(old, "etcd-backup-drill", old.nodes)
    (driller,) = [node for node, lines in said.items() if lines and lines[-1].get("drill") == "passed"]
    assert all("drill is taken" in said[node][0]["skipped"] for node in old.nodes if node != driller), said
    latest = backups(old, driller)[-1]
    assert latest["id"].startswith(said[driller][-1]["id"]) and said[driller][-1]["keys"] > 0
    metrics = old.sh(driller, "cat /var/lib/prometheus/node-exporter/etcd_backup_drill.prom")
    assert 'etcd_backup_drill_success{cluster="etcd-upgrade",member="%s"} 1' % driller in metrics, metrics
    assert "drill." not in old.sh(driller, "ls /var/backups/etcd")

    stale = old.playbook(playbook=BACKUP_DRILL, extra_vars={"etcd_backup_max_age": "1s"})
    assert stale.rc != 0
    assert re.search(r"failed: the latest backup, %s of \S+, is \d+ s old, more than 1 s: backups are not being taken"
                     % latest["short_id"], stale.text), stale.output

    # A snapshot damaged before it was stored, the latest backup now.
    first = next(iter(old.nodes))
    old.sh(first, "/etc/etcd/etcdctl.sh --endpoints=https://%s:2379 snapshot save /root/drill.db >/dev/null 2>&1 && "
           "python3 -c 'import sys; d = bytearray(open(sys.argv[1], \"rb\").read()); d[len(d) // 2] ^= 0xFF; "
           "open(sys.argv[1], \"wb\").write(d)' /root/drill.db && set -a && . /etc/etcd/backup.env && "
           "restic -o s3.bucket-lookup=path backup --host etcd-upgrade --tag etcd --stdin --stdin-filename "
           "etcd-snapshot.db </root/drill.db >/dev/null" % old.nodes[first])
    corrupt = old.playbook(playbook=BACKUP_DRILL)
    assert corrupt.rc != 0
    assert re.search(r"failed: backup \w+'s snapshot fails etcd's integrity check", corrupt.text), corrupt.output


def test_the_defrag_timers_defragment_each_member_with_free_space_once_one_at_a_time_the_leader_last_under_load(old):
    first = next(iter(old.nodes))
    for n in range(8):
        assert put_large(old, first, "/defrag/%d" % n) == ""
    delete_prefix(old, first, "/defrag/")
    # As etcd's auto-compaction does, an hour later.
    asked(old, first, "/v3/kv/compaction", {"revision": status(old, first)["header"]["revision"], "physical": True})
    before = {node: status(old, node) for node in old.nodes}
    counts = {node: defrag_count(old, node) for node in old.nodes}
    the_leader = leader(old)

    load = old.write_load(rate=20.0, max_duration_s=300).start()
    try:
        old.wait(lambda: load.snapshot().acknowledged >= 10, 30, "the write load to get going")
        said = fire(old, "etcd-defrag", old.nodes, finished=lambda lines: bool(lines) and (
            "skipped" in lines[0] or lines[-1].get("role") == "leader"))
    finally:
        result = load.stop()
        load.verify()
    assert result.failed == 0 and result.lost == [], (load.summary(), result.failures[:3])

    (taker,) = [node for node, lines in said.items() if lines and "skipped" not in lines[0]]
    assert all("defragmentation is taken" in said[node][0]["skipped"] for node in old.nodes if node != taker), said
    done = said[taker]
    assert [line["endpoint"] for line in done][-1] == "https://%s:2379" % old.nodes[the_leader], done
    assert [line["role"] for line in done] == ["follower", "follower", "leader"] and all(line["defragmented"] for line in done)
    for earlier, later in zip(done, done[1:]):
        assert earlier["finished"] <= later["started"], done
    # Each member defragmented once, by that one member's run, and smaller for it.
    assert {node: defrag_count(old, node) - counts[node] for node in old.nodes} == {node: 1 for node in old.nodes}
    after = {node: status(old, node) for node in old.nodes}
    assert all(int(after[node]["dbSize"]) < int(before[node]["dbSize"]) - 4 * MIB for node in old.nodes), (before, after)


def test_a_nospace_alarm_is_cleared_by_the_leaders_defrag_timer_which_compacts_and_defragments_every_member(old):
    first = next(iter(old.nodes))
    refused = ""
    for n in range(2 * QUOTA // MIB):
        refused = put_large(old, first, "/nospace/%d" % n)
        if refused:
            break
    assert "database space exceeded" in refused, refused
    assert "NOSPACE" in old.etcdctl(first, "alarm", "list")
    # status.yml names the alarm, and the database against the quota each member's configuration file gives.
    reported = old.playbook(playbook=STATUS)
    assert reported.rc == 2, reported.output
    assert re.search(r"etcd-test-\d has the alarm NOSPACE raised", reported.text), reported.output
    assert re.search(r"etcd-test-\d: its database \(\d+\.\d MiB\) has reached \d+%% of its quota \(%d\.0 MiB\)"
                     % (QUOTA // MIB), reported.text), reported.output
    assert re.search(r"latest backup: \w{8} of \S+Z, \d+ s old", reported.output), reported.output
    delete_prefix(old, first, "/nospace/")
    the_leader = leader(old)

    said = fire(old, "etcd-defrag", old.nodes,
                finished=lambda lines: bool(lines) and ("skipped" in lines[0] or "disarmed" in lines[-1]))
    assert all("the leader's timer recovers the cluster" in said[node][0]["skipped"]
               for node in old.nodes if node != the_leader), said
    assert said[the_leader][-1] == {"disarmed": "NOSPACE"}, said
    assert [line["role"] for line in said[the_leader][:-1]] == ["follower", "follower", "leader"], said
    assert old.etcdctl(first, "alarm", "list").strip() == ""
    assert put_large(old, first, "/nospace/after") == ""
    assert all(int(status(old, node)["dbSize"]) < QUOTA // 2 for node in old.nodes)


def test_backups_drills_and_defragmentation_turned_off_leave_nothing_of_theirs_but_the_backups(old, s3):
    client = s3[1]
    stored = sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"])
    units = old.units()
    # A service that failed once is still listed by systemd (and alerted on) after its unit is gone, unless cleared.
    first = next(iter(old.nodes))
    drop_in = "/etc/systemd/system/etcd-defrag.service.d"
    old.sh(first, "mkdir %s && printf '[Service]\\nExecStartPre=/bin/false\\n' > %s/fail.conf && systemctl daemon-reload; "
                  "systemctl start etcd-defrag.service; rm -r %s && systemctl daemon-reload" % (drop_in, drop_in, drop_in),
           check=False)
    assert old.sh(first, "systemctl is-failed etcd-defrag.service", check=False).strip() == "failed"
    # A member as a first run that stopped after the backups' settings and before their units leaves it (the
    # repository not made, the run interrupted): the settings, with the backups' key, go as well.
    second = list(old.nodes)[1]
    old.sh(second, "systemctl disable --now etcd-backup.timer && rm /etc/systemd/system/etcd-backup.* && "
                   "systemctl daemon-reload && ls /etc/etcd/backup.env")
    old.group_vars.update(etcd_backup_enabled=False, etcd_defrag_enabled=False)
    run = old.playbook()
    assert run.rc == 0, run.output
    for node in old.nodes:
        left = old.sh(node, "ls /usr/local/sbin/etcd-backup /usr/local/lib/etcd-snapshot-check.py /usr/local/sbin/etcd-defrag "
                            "/etc/etcd/backup.env "
                            "/etc/systemd/system/etcd-backup* /etc/systemd/system/etcd-defrag* "
                            "/var/lib/prometheus/node-exporter/etcd_backup_drill.prom 2>/dev/null; "
                            "systemctl list-units --all --no-legend 'etcd-backup*' 'etcd-defrag*'", check=False)
        assert left.strip() == "", (node, left)
    assert sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]) == stored
    assert restarted(units, old.units()) == []
