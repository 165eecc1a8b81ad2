"""DNS SRV discovery (etcd_discovery srv) with a real DNS server: the members bootstrapped from the records that
playbooks/dns_records.yml wrote and dnsmasq serves, and clients find the cluster by them. Run on the members."""

import json
import os
from pathlib import Path

import testinfra
import testinfra.utils.ansible_runner
import yaml

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
testinfra_hosts = RUNNER.get_hosts("etcd")
SETTINGS = RUNNER.get_variables(testinfra_hosts[0])
DOMAIN = SETTINGS["etcd_domain_name"]
SRV_NAME = SETTINGS["etcd_discovery_srv_name"]
RECORDS = SETTINGS["etcd_discovery_srv_records"]  # in the members' order
TARGETS = [record["target"] for record in RECORDS]
DNS_DIR = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "dns"
ETCDCTL_TLS = "--cacert=/etc/ssl/etcd/ca.pem --cert=/etc/ssl/etcd/etcdctl.pem --key=/etc/ssl/etcd/etcdctl-key.pem"


def etcdctl(host, arguments):
    return host.check_output("ETCDCTL_API=3 /usr/local/bin/etcdctl %s %s" % (ETCDCTL_TLS, arguments))


def test_the_records_written_are_the_members_targets_ports_and_addresses():
    zone = [line.split() for line in (DNS_DIR / "srv-records.zone").read_text().splitlines()
            if line and not line.startswith(";")]
    assert [line for line in zone if line[3] == "SRV"] == [
        ["_etcd-%s-ssl-%s._tcp.%s." % (service, SRV_NAME, DOMAIN), "300", "IN", "SRV", str(record["priority"]),
         str(record["weight"]), port, record["target"] + "."]
        for service, port in (("server", "2380"), ("client", "2379")) for record in RECORDS]
    addresses = {line[0]: line[4] for line in zone if line[3] == "A"}
    assert addresses == {target + ".": RUNNER.get_variables(member)["etcd_address"]
                         for target, member in zip(TARGETS, testinfra_hosts)}


def test_the_member_bootstrapped_from_the_srv_records(host):
    config = yaml.safe_load(host.file("/etc/etcd/config.yaml").content_string)
    assert (config["discovery-srv"], config["discovery-srv-name"]) == (DOMAIN, SRV_NAME)
    assert "initial-cluster" not in config
    # etcd named the members' peers by the records' targets: the cluster came from DNS, not from the inventory.
    members = json.loads(etcdctl(host, "--endpoints=https://127.0.0.1:2379 member list -w json"))["members"]
    assert sorted(url for member in members for url in member["peerURLs"]) == \
        ["https://%s:2380" % target for target in TARGETS]
    assert sorted(member["name"] for member in members) == sorted(testinfra_hosts)


def test_every_member_answers_over_tls_by_its_dns_name(host):
    # The member's resolver is dnsmasq; the certificates name the targets (etcdctl checks the host name).
    endpoints = ",".join("https://%s:2379" % target for target in TARGETS)
    result = host.run("ETCDCTL_API=3 /usr/local/bin/etcdctl %s --endpoints=%s endpoint health" % (ETCDCTL_TLS, endpoints))
    assert result.rc == 0, result.stderr
    assert sorted(line.split(" ")[0] for line in (result.stdout + result.stderr).splitlines()
                  if "is healthy" in line) == ["https://%s:2379" % target for target in TARGETS]


def test_etcdctl_finds_the_cluster_by_its_client_records(host):
    # --endpoints is ignored once the records answer: an address nothing listens on proves they did.
    found = "--discovery-srv %s --discovery-srv-name %s --endpoints=https://192.0.2.1:2379" % (DOMAIN, SRV_NAME)
    key = "/srv-discovery/%s" % host.backend.host
    etcdctl(host, "%s put %s found-by-srv" % (found, key))
    assert etcdctl(host, "%s get %s --print-value-only" % (found, key)).strip() == "found-by-srv"
    # Without the service name, no record answers.
    missing = host.run("ETCDCTL_API=3 /usr/local/bin/etcdctl %s --discovery-srv %s get %s" % (ETCDCTL_TLS, DOMAIN, key))
    assert missing.rc != 0 and "lookup _etcd-client-ssl._tcp.%s" % DOMAIN in missing.stderr
