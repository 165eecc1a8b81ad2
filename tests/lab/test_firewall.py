"""The host firewall as an SRE would try it: turned on under a write load with no member restarted, then probed
from the controller (a client network) and from a stranger's address on the same network, which the rules must
turn away on the three ports; on a member whose firewall is firewalld, the same hosts let through it; a re-run
changes nothing, and turned off the rules are gone."""

from __future__ import annotations

import re
import socket
import subprocess

import pytest

from labtest import ADDRESSES, LAB_NET, NODES, Loaded, restarted

CONTROLLER = "172.29.%d.1" % LAB_NET  # the lab network's gateway: the write load and the playbooks come from it
STRANGER = "172.29.%d.250" % LAB_NET  # on the same network, declared nowhere
# The controller stands in for the applications and for Prometheus.
FIREWALL = {"etcd_firewall_enabled": True, "etcd_firewall_client_networks": [CONTROLLER],
            "etcd_firewall_metrics_networks": [CONTROLLER]}


def connects(source: str, address: str, port: int) -> str:
    """open, refused (a TCP reset) or silent, for a TCP connection from source."""
    with socket.socket() as probe:
        probe.settimeout(3)
        probe.bind((source, 0))
        try:
            probe.connect((address, port))
        except ConnectionRefusedError:
            return "refused"
        except OSError:
            return "silent"
    return "open"


@pytest.fixture(scope="module")
def stranger():
    """A second address of the controller on the lab network, to connect from."""
    shown = subprocess.run(["ip", "-o", "-4", "addr", "show", "to", CONTROLLER], capture_output=True, text=True,
                           check=True).stdout.split()
    device = shown[1]
    subprocess.run(["ip", "addr", "add", STRANGER + "/32", "dev", device], check=True)
    yield STRANGER
    subprocess.run(["ip", "addr", "del", STRANGER + "/32", "dev", device], check=False)


@pytest.fixture(scope="module")
def firewalled(lab, stranger):
    before = {node: connects(stranger, ADDRESSES[node], 2379) for node in NODES}
    files, units = lab.files(), lab.units()
    checked = lab.playbook(FIREWALL, args=("--check",))
    assert checked.rc == 0, checked.output
    assert lab.files() == files and restarted(units, lab.units()) == []
    assert all("quorum_etcd" not in lab.sh(node, "nft list tables 2>/dev/null || true") for node in NODES)
    loaded = Loaded(lab)
    run = loaded.run(extra_vars=FIREWALL)
    assert run.rc == 0, run.output
    yield loaded, before, units, lab.units()
    off = lab.playbook({"etcd_firewall_enabled": False})
    assert off.rc == 0, off.output
    for node in NODES:
        assert "quorum_etcd" not in lab.sh(node, "nft list tables")
        assert lab.sh(node, "ls /etc/systemd/system/etcd-firewall.service /etc/etcd/firewall.nft "
                            "/etc/firewalld/policies/quorum-etcd.xml 2>&1 || true").count("No such file") == 3
        if lab.sh(node, "command -v firewall-cmd || true").strip():
            # The policy is out of the running firewalld too, whose zone turns etcd's clients away again.
            assert "quorum-etcd" not in lab.sh(node, "firewall-cmd --list-all-policies")
            assert connects(CONTROLLER, ADDRESSES[node], 2379) == "silent"
            lab.sh(node, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq firewalld >/dev/null")
        assert connects(stranger, ADDRESSES[node], 2379) == "open"
    lab.wait(lab.healthy, what="every member healthy")


def test_the_rules_come_up_with_no_write_lost_and_no_restart(lab, firewalled):
    loaded, before, units_before, units_after = firewalled
    loaded.assert_nothing_lost()
    assert restarted(units_before, units_after) == []
    # The stranger reached the client port before: what turns it away now is the rules.
    assert set(before.values()) == {"open"}
    assert lab.healthy()


@pytest.mark.parametrize("node", NODES)
def test_only_the_members_reach_the_peer_port_and_only_declared_networks_the_client_port(lab, firewalled, stranger, node):
    address = ADDRESSES[node]
    assert connects(CONTROLLER, address, 2379) == "open"
    assert connects(CONTROLLER, address, 2381) == "open"  # the metrics port
    assert connects(CONTROLLER, address, 2380) == "refused"  # the controller is no member
    assert connects(stranger, address, 2379) == "refused"
    assert connects(stranger, address, 2380) == "refused"
    assert connects(stranger, address, 2381) == "refused"
    # The other members reach the peer port; the host itself both.
    other = ADDRESSES[NODES[(NODES.index(node) + 1) % len(NODES)]]
    probe = "python3 -c 'import socket; socket.create_connection((\"%s\", %d), 3)' && echo open"
    assert lab.sh(NODES[(NODES.index(node) + 1) % len(NODES)], probe % (address, 2380)).strip() == "open", other
    assert lab.sh(node, probe % ("127.0.0.1", 2379)).strip() == "open"
    assert lab.sh(node, "systemctl is-enabled etcd-firewall").strip() == "enabled"


def test_on_a_host_whose_firewall_is_firewalld_the_same_hosts_get_through_it(lab, firewalled, stranger):
    """firewalld's zones turn away what they do not list: once it runs on a member, a run lets the members and the
    declared networks through it again (the collection's policy), and nobody else; nothing is restarted."""
    node, address = NODES[0], ADDRESSES[NODES[0]]
    other = NODES[1]
    probe = "python3 -c 'import socket; socket.create_connection((\"%s\", %d), 3)' && echo open || true"
    # Left running for the re-run below; the fixture checks that turning the rules off takes the policy out of it,
    # then removes firewalld.
    lab.sh(node, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firewalld >/dev/null")
    assert lab.sh(node, "firewall-cmd --state").strip() == "running"
    # Its public zone now turns the controller and the other members away from etcd on this member.
    assert connects(CONTROLLER, address, 2379) == "silent"
    assert lab.sh(other, probe % (address, 2380)).strip() == ""
    units = lab.units()
    run = lab.playbook(FIREWALL)
    assert run.rc == 0, run.output
    assert "quorum-etcd (active)" in lab.sh(node, "firewall-cmd --list-all-policies")
    assert connects(CONTROLLER, address, 2379) == "open"
    assert connects(CONTROLLER, address, 2381) == "open"
    assert lab.sh(other, probe % (address, 2380)).strip() == "open"
    assert connects(stranger, address, 2379) == "refused"
    lab.wait(lab.healthy, what="every member healthy")
    assert restarted(units, lab.units()) == []


def test_a_rerun_changes_nothing(lab, firewalled):
    """With the nftables table on every member, and firewalld's policy on the first (the test above)."""
    run = lab.playbook(FIREWALL)
    assert run.rc == 0, run.output
    recap = run.output[run.output.rindex("PLAY RECAP"):]
    assert all(re.search(r"%s +: ok=\d+ +changed=0 " % node, recap) for node in NODES), run.output
