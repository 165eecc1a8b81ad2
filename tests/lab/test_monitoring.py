"""A real Prometheus (Debian's, as a plain process on this machine) with the scrape configuration and alert rules
that cluster.yml writes on the controller (its etcd_monitoring tag alone, changing nothing on the members): every
member is a target that is up, and a member whose etcd stops raises EtcdMemberDown, and neither the quorum nor the
leader alert, and it clears once the member is back. The rules' hold times are promtool's to test
(tests/monitoring): here these three wait 5 s instead of a minute."""

from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import urllib.parse
import urllib.request

import pytest
import yaml

from labtest import NODES, REPO, restarted

THIRD = NODES[2]
PROMETHEUS = REPO / ".cache" / "prometheus" / "prometheus"
MEMBERSHIP_ALERTS = ("EtcdMemberDown", "EtcdInsufficientMembers", "EtcdNoLeader")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def prometheus(lab, tmp_path_factory):
    """Prometheus on the files cluster.yml writes, scraping (etcd_monitoring_scrape_interval) and evaluating every
    second; its API's URL."""
    files, units = lab.files(), lab.units()
    run = lab.playbook(extra_vars={"etcd_monitoring_enabled": True, "etcd_monitoring_scrape_interval": "1s"},
                       args=("--tags", "etcd_monitoring"))
    assert run.rc == 0, run.output
    assert lab.files() == files and restarted(units, lab.units()) == []  # nothing on the members
    workdir = tmp_path_factory.mktemp("prometheus")
    monitoring = lab.workdir / "monitoring"
    rules = yaml.safe_load((monitoring / "etcd-alerts.yml").read_text())
    for rule in rules["groups"][0]["rules"]:
        if rule["alert"] in MEMBERSHIP_ALERTS:
            rule["for"] = "5s"
    (workdir / "rules.yml").write_text(yaml.safe_dump(rules))
    # Prometheus's global scrape interval (1m) stays: the job's own is the one that must hold.
    config = {"global": {"evaluation_interval": "1s"}, "rule_files": ["rules.yml"],
              "scrape_configs": yaml.safe_load((monitoring / "etcd-scrape.yml").read_text())}
    (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    server = subprocess.Popen([str(PROMETHEUS), "--config.file=prometheus.yml", "--storage.tsdb.path=data",
                               "--web.listen-address=127.0.0.1:%d" % port], cwd=workdir,
                              stdout=subprocess.DEVNULL, stderr=(workdir / "prometheus.log").open("w"))
    yield "http://127.0.0.1:%d/api/v1/" % port
    server.terminate()
    server.wait(30)


def api(url: str, path: str) -> dict:
    try:
        with urllib.request.urlopen(url + path, timeout=5) as answer:
            return json.loads(answer.read())["data"]
    except OSError:
        return {}  # not serving yet


def targets_up(url: str) -> dict:
    return {target["labels"]["member"]: target["health"] for target in api(url, "targets").get("activeTargets", [])}


def firing(url: str) -> list:
    """The membership alerts firing, as (alert, member)."""
    return sorted((alert["labels"]["alertname"], alert["labels"].get("member")) for alert in api(url, "alerts").get("alerts", [])
                  if alert["state"] == "firing" and alert["labels"]["alertname"] in MEMBERSHIP_ALERTS)


def has_leader(url: str) -> list:
    """etcd_server_has_leader of this cluster's job, as (member, cluster, value)."""
    data = api(url, 'query?query=etcd_server_has_leader{job="etcd/etcd-test"}')
    return sorted((r["metric"]["member"], r["metric"]["cluster"], r["value"][1]) for r in data.get("result", []))


def test_every_member_is_scraped_with_its_cluster_and_name(lab, prometheus):
    lab.wait(lambda: targets_up(prometheus) == {node: "up" for node in NODES}, 60, "every member to be an up target")
    # A target can read up before its samples answer a query (CI saw two of three): wait for all, then read labels.
    lab.wait(lambda: len(has_leader(prometheus)) == len(NODES), 30, "a sample of every member")
    assert has_leader(prometheus) == [(node, "etcd-test", "1") for node in NODES]
    assert firing(prometheus) == []


def test_a_stopped_member_fires_member_down_which_clears_when_it_is_back(lab, prometheus):
    lab.sh(THIRD, "systemctl stop etcd")
    try:
        lab.wait(lambda: ("EtcdMemberDown", THIRD) in firing(prometheus), 60, "EtcdMemberDown to fire")
        # Two of three members keep the quorum and their leader.
        assert firing(prometheus) == [("EtcdMemberDown", THIRD)]
    finally:
        lab.sh(THIRD, "systemctl start etcd")
    lab.wait(lambda: firing(prometheus) == [], 60, "EtcdMemberDown to clear")
    assert lab.healthy()


def dashboard_queries(lab) -> list:
    dashboard = json.loads((lab.workdir / "monitoring" / "etcd-dashboard.json").read_text())
    return [target["expr"].replace("$cluster", "etcd-test") for panel in dashboard["panels"] for target in panel["targets"]]


TEXTFILE_METRICS = ("etcd_backup_", "etcd_certificate_")  # node exporter's textfile collector reads them, not etcd's


def test_every_etcd_metric_the_rules_and_the_dashboard_read_is_one_the_members_export(lab, prometheus):
    """The rules' own tests (promtool) feed them the names they use; here those names meet a real etcd's. The backup
    drill's and the certificates' come from node exporter's textfile collector, not from etcd."""
    rules = yaml.safe_load((lab.workdir / "monitoring" / "etcd-alerts.yml").read_text())
    expressions = [rule["expr"] for rule in rules["groups"][0]["rules"]] + dashboard_queries(lab)
    read = {name for expression in expressions for name in re.findall(r"\betcd_[a-z0-9_]+", expression)}
    lab.wait(lambda: "etcd_server_has_leader" in api(prometheus, "label/__name__/values"), 60, "a scrape")
    exported = set(api(prometheus, "label/__name__/values"))
    assert {name for name in read if not name.startswith(TEXTFILE_METRICS)} - exported == set()
    assert "etcd_certificate_expiry_timestamp_seconds" in read and len(read) >= 15


def test_each_member_writes_when_its_certificates_expire_for_node_exporter(lab):
    """What EtcdCertificateExpiresSoon reads: valid for Prometheus (promtool check metrics), and the dates openssl
    reads of the certificates the member has."""
    for node in NODES:
        text = lab.sh(node, "cat /var/lib/prometheus/node-exporter/etcd_certificates.prom")
        checked = subprocess.run([str(PROMETHEUS.with_name("promtool")), "check", "metrics"], input=text, text=True,
                                 capture_output=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        written = {labels: float(value) for labels, value in
                   re.findall(r"^etcd_certificate_expiry_timestamp_seconds\{(.*)\} (\S+)$", text, flags=re.M)}
        expected = {}
        for name in ("ca.pem", "etcd.pem", "peer.pem", "admin.pem", "etcdctl.pem"):
            end = lab.sh(node, "openssl x509 -in /etc/ssl/etcd/%s -noout -enddate" % name).strip().split("=", 1)[1]
            expected['cluster="etcd-test",member="%s",certificate="%s"' % (node, name)] = ssl.cert_time_to_seconds(end)
        assert written == expected, text


def test_every_panel_of_the_dashboard_finds_its_series(lab, prometheus):
    """Each query of the dashboard, for this cluster, answers with at least one series (the drill's aside: the lab
    has no node exporter)."""
    for query in dashboard_queries(lab):
        if "etcd_backup_" in query:
            continue
        path = "query?query=" + urllib.parse.quote(query)
        lab.wait(lambda path=path: api(prometheus, path).get("result"), 30, query)


STATUS = REPO / "playbooks" / "status.yml"


def status_rows(output: str) -> dict:
    """status.yml's table: each member's row, by member, as its cells."""
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", line.strip()) for line in output.splitlines())
            if cells[0] in NODES and len(cells) == 13}


def test_status_yml_reports_every_member_and_fails_naming_the_one_whose_etcd_is_down(lab):
    files, units = lab.files(), lab.units()
    run = lab.playbook(playbook=STATUS, args=("--check",))  # reads only: the same in check mode
    assert run.rc == 0, run.output
    rows = status_rows(run.output)
    assert sorted(rows) == NODES, run.output
    assert [rows[node][2] for node in NODES] == ["healthy"] * 3
    assert sorted(rows[node][3] for node in NODES) == ["follower", "follower", "leader"]
    assert all(rows[node][4] == lab.group_vars["etcd_version"] and rows[node][7] in ("0", "1", "2") for node in NODES)
    assert all(re.fullmatch(r"\d+% of 2\.0 GiB", rows[node][10]) and rows[node][11] == "-" for node in NODES), rows
    assert all(re.fullmatch(r"7[23]\d days \(etcd\.pem\)", rows[node][12]) for node in NODES), rows  # two years, less a day
    assert "latest backup: none taken: backups are off (etcd_backup_enabled)" in run.output

    lab.sh(THIRD, "systemctl stop etcd")
    try:
        down = lab.playbook(playbook=STATUS)
    finally:
        lab.sh(THIRD, "systemctl start etcd")
    assert down.rc == 2, down.output
    rows = status_rows(down.output)
    assert rows[THIRD][2:5] == ["etcd inactive", "voter", "-"] and rows[NODES[0]][2] == "healthy", down.output
    assert "%s: its etcd unit is inactive (dead)" % THIRD in down.text, down.output
    assert "%s is not healthy: cannot reach etcd at https://%s:2379" % (THIRD, lab.nodes[THIRD]) in down.text, down.output
    lab.wait(lab.healthy, 60, "the member to be back")
    assert lab.files() == files and restarted(units, lab.units()) == [THIRD]
