"""The IPv6 cluster: each member listens and advertises on its IPv6 address alone, and etcd-cluster-3 also serves
clients on its IPv4 address (dual stack)."""

import json
import os

import testinfra.utils.ansible_runner
import yaml

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = RUNNER.get_hosts("etcd")
DUAL_STACK = "etcd-cluster-3"
CERTS = "/etc/ssl/etcd"


def test_the_member_listens_and_advertises_on_its_ipv6_address(host):
    name = host.backend.host
    address = RUNNER.get_variables(name)["etcd_address"]
    config = yaml.safe_load(host.file("/etc/etcd/config.yaml").content_string)
    client_urls = ["https://[%s]:2379" % address] + (["https://172.29.12.13:2379"] if name == DUAL_STACK else [])
    assert config["listen-peer-urls"] == config["initial-advertise-peer-urls"] == "https://[%s]:2380" % address
    assert config["listen-client-urls"] == config["advertise-client-urls"] == ",".join(client_urls)
    assert config["listen-metrics-urls"] == "https://[%s]:2381" % address  # etcd_metrics_scheme https
    # What listens on etcd's ports, by ss.
    listening = {line.split()[3] for line in host.check_output("ss -Hltn").splitlines()
                 if line.split()[3].rsplit(":", 1)[1] in ("2379", "2380", "2381")}
    assert listening == {"[%s]:%d" % (address, port) for port in (2379, 2380, 2381)} | (
        {"172.29.12.13:2379"} if name == DUAL_STACK else set())


def test_the_dual_stack_member_answers_clients_on_ipv4_too(host):
    """Each member asks etcd-cluster-3 over IPv4 with the admin certificate: its certificate names that address."""
    script = ("import ssl, urllib.request; ctx = ssl.create_default_context(cafile='%(c)s/ca.pem'); "
              "ctx.load_cert_chain('%(c)s/admin.pem', '%(c)s/admin-key.pem'); "
              "print(urllib.request.urlopen('https://172.29.12.13:2379/health', context=ctx, timeout=5).read().decode())"
              % {"c": CERTS})
    assert json.loads(host.check_output("python3 -c %s", script))["health"] == "true"
