"""A real Prometheus (Debian's, unpacked by lab/testbed prometheus) on the controller, with the scrape configuration
the monitoring role wrote: it reads every member's metrics over TLS (etcd_metrics_scheme https), presenting the
client certificate of etcd_monitoring_client, at the scenario's interval (etcd_monitoring_scrape_interval)."""

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import testinfra.utils.ansible_runner
import yaml

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = RUNNER.get_hosts("etcd")
MEMBERS = sorted(RUNNER.get_variables(host).get("etcd_name", host) for host in testinfra_hosts)
PROMETHEUS = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]) / ".cache" / "prometheus" / "prometheus"
MONITORING = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "monitoring"


def query(url, expression):
    try:
        with urllib.request.urlopen(url + "query?query=" + urllib.request.quote(expression), timeout=5) as answer:
            return json.loads(answer.read())["data"]["result"]
    except OSError:
        return []  # not serving yet


def test_prometheus_reads_every_member_over_tls_with_its_client_certificate(tmp_path):
    [job] = yaml.safe_load((MONITORING / "etcd-scrape.yml").read_text())
    assert job["scheme"] == "https" and job["scrape_interval"] == job["scrape_timeout"] == "1s"
    assert all(Path(path).is_file() for path in job["tls_config"].values()), job["tls_config"]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({"scrape_configs": [job]}))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(PROMETHEUS), "--config.file=prometheus.yml", "--storage.tsdb.path=data",
                               "--web.listen-address=127.0.0.1:%d" % port], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=(tmp_path / "prometheus.log").open("w"))
    url = "http://127.0.0.1:%d/api/v1/" % port
    try:
        deadline, leaders = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            leaders = sorted((r["metric"]["member"], r["value"][1]) for r in query(url, "etcd_server_has_leader"))
            if len(leaders) == len(MEMBERS):
                break
            time.sleep(1)
        assert leaders == [(member, "1") for member in MEMBERS], (tmp_path / "prometheus.log").read_text()[-2000:]
        assert sorted(r["value"][1] for r in query(url, "up")) == ["1"] * len(MEMBERS)
    finally:
        server.terminate()
        server.wait(30)
