"""The Kubernetes layout (inventories/kubernetes/group_vars/etcd/kubernetes.yml) as a control plane would use it:
kube-apiserver's client files on the control-plane host, kubeadm's configuration on the controller, and the
settings etcd runs with. Run on the control-plane host, kube-five-control-plane."""

import json
import os
from pathlib import Path

import pytest
import testinfra
import testinfra.utils.ansible_runner
import yaml

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
testinfra_hosts = RUNNER.get_hosts("kube_control_plane")
MEMBERS = RUNNER.get_hosts("etcd")
REPO = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
LAYOUT = yaml.safe_load((REPO / "inventories" / "kubernetes" / "group_vars" / "etcd" / "kubernetes.yml").read_text())
KUBERNETES_DIR = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "kubernetes"
KUBEADM_FILES = {"ca": "/etc/kubernetes/pki/etcd/ca.crt", "cert": "/etc/kubernetes/pki/apiserver-etcd-client.crt",
                 "key": "/etc/kubernetes/pki/apiserver-etcd-client.key"}
ENDPOINTS = ["https://%s:2379" % RUNNER.get_variables(member)["etcd_address"] for member in MEMBERS]


def member(name):
    return testinfra.get_host("ansible://" + name, ansible_inventory=INVENTORY)


def test_kubeadm_configuration_names_every_member_and_kube_apiservers_files():
    config = yaml.safe_load((KUBERNETES_DIR / "kubeadm-etcd.yaml").read_text())
    assert (config["apiVersion"], config["kind"]) == ("kubeadm.k8s.io/v1beta4", "ClusterConfiguration")
    assert config["etcd"]["external"] == {"endpoints": ENDPOINTS, "caFile": KUBEADM_FILES["ca"],
                                          "certFile": KUBEADM_FILES["cert"], "keyFile": KUBEADM_FILES["key"]}
    assert config["apiServer"]["extraArgs"] == [{"name": "etcd-prefix", "value": "/registry"},
                                                {"name": "etcd-compaction-interval", "value": "0"}]
    flags = [line for line in (KUBERNETES_DIR / "kube-apiserver-etcd.flags").read_text().splitlines()
             if not line.startswith("#")]
    assert flags == ["--etcd-servers=" + ",".join(ENDPOINTS), "--etcd-cafile=" + KUBEADM_FILES["ca"],
                     "--etcd-certfile=" + KUBEADM_FILES["cert"], "--etcd-keyfile=" + KUBEADM_FILES["key"],
                     "--etcd-prefix=/registry", "--etcd-compaction-interval=0"]


@pytest.mark.parametrize("kind, mode", [("ca", 0o644), ("cert", 0o644), ("key", 0o600)])
def test_kube_apiservers_files_are_where_kubeadm_expects_them(host, kind, mode):
    placed = host.file(KUBEADM_FILES[kind])
    assert placed.is_file and placed.user == "root" and placed.mode == mode


def test_kube_apiservers_certificate_is_a_client_certificate_naming_its_user(host):
    text = host.check_output("openssl x509 -in %s -noout -subject -ext extendedKeyUsage", KUBEADM_FILES["cert"])
    assert "CN=kube-apiserver-etcd-client" in text.replace(" ", "")
    assert "TLS Web Client Authentication" in text and "Server" not in text
    # Issued by the CA kubeadm is given.
    host.run_expect([0], "openssl verify -CAfile %s %s", KUBEADM_FILES["ca"], KUBEADM_FILES["cert"])


def test_every_endpoint_answers_the_control_plane_host_with_kube_apiservers_files(host):
    script = ("import json, ssl, sys, urllib.request\n"
              "ctx = ssl.create_default_context(cafile=%r)\n"
              "ctx.load_cert_chain(%r, %r)\n"
              "print(json.dumps([json.loads(urllib.request.urlopen(url + '/health', context=ctx, timeout=5).read())"
              "['health'] for url in sys.argv[1:]]))"
              % (KUBEADM_FILES["ca"], KUBEADM_FILES["cert"], KUBEADM_FILES["key"]))
    assert json.loads(host.check_output("python3 -c %s " + " ".join(["%s"] * len(ENDPOINTS)), script, *ENDPOINTS)) \
        == ["true"] * len(ENDPOINTS)


def test_kube_apiserver_reads_and_writes_under_registry_and_nothing_else(host):
    """etcdctl (gRPC, as kube-apiserver) on a member with the files from the control-plane host: authentication is
    on, and the certificate's common name is a user whose role holds /registry/ alone."""
    etcd = member(MEMBERS[0])
    workdir = etcd.check_output("mktemp -d")
    try:
        for kind, path in KUBEADM_FILES.items():
            etcd.check_output("printf %%s %s | base64 -d > %s/%s", host.check_output("base64 -w0 %s", path),
                              workdir, kind)
        etcdctl = ("ETCDCTL_API=3 etcdctl --endpoints %s --cacert %s/ca --cert %s/cert --key %s/key --command-timeout 5s "
                   % (",".join(ENDPOINTS), workdir, workdir, workdir))
        assert etcd.check_output(etcdctl + "put /registry/pods/default/probe written-by-apiserver") == "OK"
        assert etcd.check_output(etcdctl + "get --print-value-only /registry/pods/default/probe") \
            == "written-by-apiserver"
        for command in ("put /outside-registry nope", "get /outside-registry", "get --prefix /"):
            refused = etcd.run(etcdctl + command)
            assert refused.rc != 0 and "permission denied" in refused.stderr, (command, refused.stdout, refused.stderr)
        assert etcd.check_output(etcdctl + "del /registry/pods/default/probe") == "1"
    finally:
        etcd.run("rm -rf %s", workdir)


@pytest.mark.parametrize("name", MEMBERS)
def test_etcd_runs_with_the_layouts_settings(name):
    """What etcd reports it started with (its journal, at level info), and the layout's schedules."""
    etcd = member(name)
    started = [json.loads(line) for line in etcd.check_output(
        "journalctl -u etcd -o cat --no-pager | grep '\"msg\":\"starting an etcd server\"'").splitlines()][-1]
    assert (started["auto-compaction-mode"], started["auto-compaction-retention"]) == ("periodic", "5m0s")
    assert started.get("quota-backend-bytes", started.get("quota-size-bytes")) == LAYOUT["etcd_quota_backend_bytes"] == 8 * 1024 ** 3
    assert "OnCalendar=*-*-* 00/6:00:00" in etcd.file("/etc/systemd/system/etcd-backup.timer").content_string
    assert etcd.service("etcd-backup.timer").is_running


def test_prometheus_reads_every_member_every_10_seconds():
    monitoring = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "monitoring"
    [job] = yaml.safe_load((monitoring / "etcd-scrape.yml").read_text())
    assert job["scrape_interval"] == "10s" and "scrape_timeout" not in job
    assert [target for entry in job["static_configs"] for target in entry["targets"]] == [
        "%s:2381" % RUNNER.get_variables(name)["etcd_address"] for name in MEMBERS]
