"""A 3-member cluster in systemd containers, deployed by playbooks/cluster.yml, for tests that act as an SRE would.

The lab is `lab/testbed up` under the name etcd-test (172.29.15.0/24), apart from the one `make lab` makes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ansible_run import ansible_playbook, folded
from writeload import WriteLoad

REPO = Path(__file__).resolve().parents[2]
# Another lab's name and network for a script of its own (bench/lifecycle), beside the tests'.
LAB = os.environ.get("QUORUM_TEST_LAB", "etcd-test")
LAB_NET = int(os.environ.get("QUORUM_TEST_LAB_NET", "15"))
NODES = ["%s-%d" % (LAB, n) for n in (1, 2, 3)]
ADDRESSES = {node: "172.29.%d.%d" % (LAB_NET, 10 + n) for n, node in enumerate(NODES, start=1)}
CA_PASSPHRASE = "lab-ca-secret"
ROOT_PASSWORD = "lab-root-secret"
# What the roles put on a member; a refused run must leave every one of them as it was.
MANAGED = "/etc/etcd /etc/ssl/etcd /etc/systemd/system/etcd.service /usr/local/bin/etcd /usr/local/bin/etcdctl"
UNIT_PROPERTIES = ("MainPID", "ActiveState", "SubState", "NRestarts", "ExecMainStartTimestampMonotonic",
                   "InactiveEnterTimestampMonotonic", "ActiveEnterTimestampMonotonic")


def testbed(*args: str, **env: str) -> None:
    subprocess.run(["bash", str(REPO / "lab" / "testbed"), *args], check=True,
                   env=dict(os.environ, QUORUM_LAB=LAB, QUORUM_LAB_NET=str(LAB_NET), **env))


testbed.__test__ = False  # a helper, not a test, where a test module imports it


@dataclass
class Run:
    rc: int
    output: str

    @property
    def text(self) -> str:
        """The output folded, for messages that wrap (ansible_run.folded)."""
        return folded(self.output)


class Lab:
    """The members (name to address; the three of the lab unless given) and the playbooks' variables."""

    def __init__(self, workdir: Path, nodes: Optional[Dict[str, str]] = None):
        self.workdir = workdir
        self.nodes = dict(nodes or ADDRESSES)
        self.pki = workdir / "pki"
        self.group_vars = {
            "ansible_connection": "community.docker.docker",
            "ansible_python_interpreter": "/usr/bin/python3",
            "etcd_cluster_name": LAB,
            "etcd_version": "3.5.16",
            "etcd_install_release_url": "http://172.29.9.2:8080",
            "etcd_install_cache_dir": str(REPO / ".cache" / "downloads"),
            "etcd_pki_dir": str(self.pki),
            # The monitoring files are test_monitoring.py's to write (three controller tasks a run saved).
            "etcd_monitoring_enabled": False,
            "etcd_monitoring_dir": str(workdir / "monitoring"),
            "etcd_pki_ca_key_passphrase": CA_PASSPHRASE,
            # EC keys: the tests are about restarts, not key sizes, and RSA-4096 costs seconds per key.
            "etcd_pki_ca_key_type": "EC",
            "etcd_pki_key_type": "EC",
            "etcd_health_timeout": 30,
            # etcd's root user is made on the first run; authentication stays off unless a test turns it on.
            "etcd_root_password": ROOT_PASSWORD,
        }

    # --- running the playbooks -----------------------------------------------------------------------

    def inventory(self, hostvars: Optional[Dict[str, dict]] = None, extra_hosts: Optional[Dict[str, dict]] = None) -> Path:
        hosts = {node: dict({"etcd_address": address}, **(hostvars or {}).get(node, {})) for node, address in self.nodes.items()}
        hosts.update(extra_hosts or {})
        path = self.workdir / "hosts.yml"
        path.write_text(yaml.safe_dump({"etcd": {"hosts": hosts, "vars": self.group_vars}}))
        return path

    def playbook(self, extra_vars: Optional[dict] = None, hostvars: Optional[Dict[str, dict]] = None,
                 extra_hosts: Optional[Dict[str, dict]] = None, args: tuple = (), timeout: int = 600,
                 playbook: Optional[Path] = None) -> Run:
        """playbooks/cluster.yml, or another playbook, against the lab."""
        command = [str(playbook or REPO / "playbooks" / "cluster.yml"), "-i", str(self.inventory(hostvars, extra_hosts))]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        done = ansible_playbook(command + list(args), timeout=timeout)
        return Run(done.returncode, done.stdout + done.stderr)

    # --- looking at the members ----------------------------------------------------------------------

    @staticmethod
    def sh(node: str, script: str, check: bool = True) -> str:
        done = subprocess.run(["docker", "exec", node, "sh", "-c", script], capture_output=True, text=True, timeout=120,
                              check=False)
        if check and done.returncode != 0:
            raise AssertionError("%s: %s failed: %s%s" % (node, script, done.stdout, done.stderr))
        return done.stdout

    def unit(self, node: str) -> Dict[str, str]:
        out = self.sh(node, "systemctl show etcd " + " ".join("-p " + p for p in UNIT_PROPERTIES))
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def units(self) -> Dict[str, Dict[str, str]]:
        return {node: self.unit(node) for node in self.nodes}

    def files(self) -> Dict[str, str]:
        """Every managed file on every member: content, mode, owner and the time of its last change."""
        script = "find %s -type f -exec sha1sum {} + ; find %s -exec stat -c '%%n %%a %%U:%%G %%Z' {} +" % (MANAGED, MANAGED)
        return {node: self.sh(node, script) for node in self.nodes}

    def etcdctl(self, node: str, *args: str) -> str:
        return self.sh(node, "/etc/etcd/etcdctl.sh --command-timeout=5s " + " ".join(args))

    def healthy(self) -> bool:
        done = subprocess.run(["docker", "exec", next(iter(self.nodes)), "/etc/etcd/etcdctl.sh", "endpoint", "health", "--cluster"],
                              capture_output=True, text=True, timeout=60, check=False)
        # etcdctl 3.4 writes each member's line to stderr, 3.5 to stdout.
        return done.returncode == 0 and (done.stdout + done.stderr).count("is healthy") == len(self.nodes)

    def wait(self, condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out after %d s waiting for %s" % (timeout, what))
            time.sleep(0.5)

    def served_serial(self, node: str) -> str:
        return self.sh(node, "openssl s_client -connect 127.0.0.1:2379 -CAfile /etc/ssl/etcd/ca.pem "
                             "-cert /etc/ssl/etcd/admin.pem -key /etc/ssl/etcd/admin-key.pem </dev/null 2>/dev/null "
                             "| openssl x509 -noout -serial")

    @staticmethod
    def certificate(path: Path) -> Tuple[int, bytes]:
        """The serial number and public key of a certificate on the controller."""
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        return cert.serial_number, cert.public_key().public_bytes(serialization.Encoding.PEM,
                                                                  serialization.PublicFormat.SubjectPublicKeyInfo)

    def write_load(self, ca: Optional[Path] = None, **options) -> WriteLoad:
        """As the collection's modules write: the certificate without a common name, as root once auth is on; the
        CAs it trusts are read once, from ca (the controller's ca.pem unless given)."""
        return WriteLoad(["https://%s:2379" % address for address in self.nodes.values()], ca=str(ca or self.pki / "ca.pem"),
                         cert=str(self.pki / "admin" / "admin.pem"), key=str(self.pki / "admin" / "admin-key.pem"),
                         credentials=("root", ROOT_PASSWORD), **options)


def restarted(before: Dict[str, Dict[str, str]], after: Dict[str, Dict[str, str]]) -> List[str]:
    """The members whose etcd process is not the one it was."""
    return [node for node in before if before[node]["ExecMainStartTimestampMonotonic"]
            != after[node]["ExecMainStartTimestampMonotonic"] or before[node]["MainPID"] != after[node]["MainPID"]]


class Loaded:
    """A playbook run under a bounded write load: what the run printed, and what the load saw."""

    def __init__(self, lab: Lab, ca: Optional[Path] = None):
        self.lab = lab
        self.load = lab.write_load(ca=ca, rate=20.0, max_duration_s=900)

    def run(self, **playbook_args) -> Run:
        self.load.start()
        self.lab.wait(lambda: self.load.snapshot().acknowledged >= 10, 30, "the write load to get going")
        try:
            return self.lab.playbook(**playbook_args)
        finally:
            self.result = self.load.stop()
            self.load.verify()

    def assert_nothing_lost(self) -> None:
        result = self.result
        assert result.failed == 0 and result.lost == [] and result.acknowledged >= 10, \
            "%s; first failures: %s" % (self.load.summary(), result.failures[:3])


def journal_count(lab: Lab, node: str, since: float, prefix: str = "Started ") -> int:
    """How many of systemd's lines about etcd on node start with prefix ("Started ", "Stopping ") after the
    Unix time since (from the next whole second: the journal takes whole seconds, and a run restarts nothing
    within a second of its start)."""
    out = lab.sh(node, "journalctl -u etcd --since @%d --no-pager -o cat | grep -c '^%s' || true"
                 % (math.ceil(since), prefix))
    return int(out.strip() or 0)


def assert_restarted_once_in_sequence(lab: Lab, since: float) -> None:
    """Each member started once since then, and stopped only after the one before it was serving again."""
    units = lab.units()
    assert [journal_count(lab, node, since) for node in lab.nodes] == [1] * len(lab.nodes)
    order = sorted(lab.nodes, key=lambda node: int(units[node]["InactiveEnterTimestampMonotonic"]))
    for before, after in zip(order, order[1:]):
        assert int(units[after]["InactiveEnterTimestampMonotonic"]) > int(units[before]["ActiveEnterTimestampMonotonic"]), \
            "%s stopped before %s was back" % (after, before)
