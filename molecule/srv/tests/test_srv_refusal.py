"""cluster.yml with etcd_discovery srv refuses a record the DNS lacks before any member changes: a real record
removed from the real DNS server. Run once, on the DNS server's host."""

import os
import subprocess
import sys
from pathlib import Path

import testinfra
import testinfra.utils.ansible_runner

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(INVENTORY)
testinfra_hosts = RUNNER.get_hosts("dns")
MEMBERS = RUNNER.get_hosts("etcd")
REPO = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
PUBLISHED = "/etc/dnsmasq.d/etcd.conf"


def member_state(member):
    """When its etcd started, and its configuration's and peer certificate's times and sizes."""
    node = testinfra.get_host("ansible://" + member, ansible_inventory=INVENTORY)
    return (node.check_output("systemctl show etcd -p ActiveEnterTimestamp -p MainPID"),
            node.check_output("stat -c '%Y %s' /etc/etcd/config.yaml /etc/ssl/etcd/peer.pem"))


def test_a_missing_record_is_refused_before_any_member_changes(host):
    last = MEMBERS[-1]
    missing = "srv-host=_etcd-server-ssl-molecule._tcp.srv.test,member-3.srv.test,2380,0,20"
    assert missing in host.file(PUBLISHED).content_string.splitlines()
    before = {member: member_state(member) for member in MEMBERS}
    host.run_expect([0], "cp %s /root/etcd.conf.published" % PUBLISHED)
    try:
        host.run_expect([0], "sed -i '/^%s$/d' %s && systemctl restart dnsmasq" % (missing, PUBLISHED))
        run = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", os.path.dirname(INVENTORY),
                              str(REPO / "playbooks" / "cluster.yml")],
                             capture_output=True, text=True, timeout=600, check=False,
                             env=dict(os.environ, ANSIBLE_CALLBACK_RESULT_FORMAT="json"))  # a message on one line
    finally:
        host.run_expect([0], "cp /root/etcd.conf.published %s && systemctl restart dnsmasq" % PUBLISHED)
    assert run.returncode != 0
    output = run.stdout + run.stderr  # failures may go to stderr
    assert "_etcd-server-ssl-molecule._tcp.srv.test has no record of %s" % last in output, output[-3000:]
    assert {member: member_state(member) for member in MEMBERS} == before
