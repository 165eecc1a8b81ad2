"""A controller that keeps nothing between jobs, as an execution environment or an AWX job runs: the CA from vaulted
variables, an empty home (no etcd_pki_dir, no download cache) each time, and cluster.yml run by ansible-playbook
(which adds a client on a host), then by ansible-runner from a private data directory laid out as AWX lays out a
job. The members keep the certificates they have, and the second job changes nothing on any host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import yaml

from ansible_run import COLLECTIONS, CONFIG, ansible_playbook
from labtest import REPO, Lab, restarted

VAULT_PASSWORD = "lab-vault-secret"
RUNNER = Path(sys.executable).with_name("ansible-runner")


def changed_tasks(output: str) -> List[str]:
    """Each 'changed' line of the default callback, after its task's name: 'NAME: changed: [HOST -> DELEGATE]'."""
    task, changed = "", []
    for line in output.splitlines():
        header = re.match(r"(?:TASK|RUNNING HANDLER) \[(.*)\] \**$", line)
        if header:
            task = header.group(1)
        elif line.startswith("changed: ["):
            changed.append("%s: %s" % (task, line.split(" =>")[0]))
    return changed


# What a job that starts empty writes on the controller: the CA given, what the members hold, the release archive.
WORKING_COPY = {
    "Create the PKI directory on the controller", "Write the CA certificate", "Write the CA key",
    "Keep them in etcd_pki_dir",
    "Create the download cache on the controller", "Download the release archive and check it against the release's SHA256SUMS",
    "Unpack the release archive on the controller",
}


def beyond_the_working_copy(changed: List[str]) -> List[str]:
    """The changes that were not the controller writing its working copy: on a member, or of another task."""
    return [line for line in changed
            if "-> localhost]" not in line or line.split(": changed: [")[0].split(" : ")[-1] not in WORKING_COPY]


# An application whose certificate was copied to a host: the job reads it back from there.
CLIENT = {"name": "stateless-app", "prefix": "/stateless-app/", "hosts": ["etcd-test-3"]}


def awx_layout(lab: Lab, workdir: Path) -> Path:
    """The inventory (hosts, and the CA in a group_vars file encrypted with ansible-vault, as a project would keep
    it) of a private data directory, with no etcd_pki_dir and no download cache of the lab's."""
    inventory = workdir / "inventory"
    (inventory / "group_vars" / "etcd").mkdir(parents=True)
    group_vars = {name: value for name, value in lab.group_vars.items()
                  if name not in ("etcd_pki_dir", "etcd_install_cache_dir", "etcd_pki_ca_key_passphrase", "etcd_root_password")}
    group_vars["etcd_clients"] = [CLIENT]
    hosts = {node: {"etcd_address": address} for node, address in lab.nodes.items()}
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"etcd": {"hosts": hosts, "vars": group_vars}}))
    secrets = inventory / "group_vars" / "etcd" / "ca.yml"
    secrets.write_text(yaml.safe_dump({
        "etcd_pki_ca_certificate": (lab.pki / "ca.pem").read_text(),
        "etcd_pki_ca_private_key": (lab.pki / "ca-key.pem").read_text(),
        "etcd_pki_ca_key_passphrase": lab.group_vars["etcd_pki_ca_key_passphrase"],
        "etcd_root_password": lab.group_vars["etcd_root_password"],
    }))
    (workdir / "vault-password").write_text(VAULT_PASSWORD)
    subprocess.run([str(Path(sys.executable).with_name("ansible-vault")), "encrypt", "--vault-password-file",
                    str(workdir / "vault-password"), str(secrets)], check=True, capture_output=True)
    assert secrets.read_text().startswith("$ANSIBLE_VAULT;")
    return inventory


def test_a_controller_that_starts_empty_every_job_keeps_the_certificates_the_hosts_have(lab, tmp_path):
    if not (lab.pki / "ca-key.pem").read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----"):
        raise AssertionError("the lab's CA key should be encrypted with its passphrase")
    client_files = "find /etc/etcd-client/stateless-app -type f -exec sha1sum {} + -exec stat -c '%n %a %U %Z' {} +"
    inventory = awx_layout(lab, tmp_path)
    files, units = lab.files(), lab.units()
    serials = {node: lab.served_serial(node) for node in lab.nodes}

    # A first job: ansible-playbook with the vault password from a file, in an empty home. It issues the new client's
    # certificate onto its host; the members keep theirs, read back into the job's etcd_pki_dir.
    first_home = tmp_path / "home-1"
    first_home.mkdir()
    first = ansible_playbook([str(REPO / "playbooks" / "cluster.yml"), "-i", str(inventory), "--vault-password-file",
                              str(tmp_path / "vault-password")], env={"HOME": str(first_home)}, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert lab.files() == files
    assert restarted(units, lab.units()) == []
    pki = first_home / ".quorum-etcd" / lab.group_vars["etcd_cluster_name"] / "etcdcerts"
    for node in lab.nodes:
        assert (pki / "members" / node / "peer-key.pem").stat().st_mode & 0o777 == 0o600
        assert (pki / "members" / node / "etcd.pem").read_text() == lab.sh(node, "cat /etc/ssl/etcd/etcd.pem")
    client = lab.sh("etcd-test-3", client_files)
    assert "stateless-app-key.pem 600 root" in client

    # A second job in another empty home: ansible-runner, as AWX runs it, with the vault password given at the prompt
    # (env/passwords) and the settings in env/envvars.
    data = tmp_path / "job"
    (data / "env").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(inventory), str(data / "inventory")], check=True)
    second_home = tmp_path / "home-2"
    second_home.mkdir()
    (data / "env" / "envvars").write_text(yaml.safe_dump({
        "HOME": str(second_home), "ANSIBLE_CONFIG": str(CONFIG), "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1"}))
    (data / "env" / "passwords").write_text(yaml.safe_dump({r"^Vault password:\s*?$": VAULT_PASSWORD}))
    (data / "env" / "cmdline").write_text("--ask-vault-pass")
    (data / "env" / "extravars").write_text(yaml.safe_dump({"etcd_health_timeout": 30}))
    second = subprocess.run([str(RUNNER), "run", str(data), "--project-dir", str(REPO / "playbooks"), "-p", "cluster.yml",
                             "--ident", "second"], capture_output=True, text=True, timeout=600, check=False,
                            env=dict(os.environ, PATH="%s:%s" % (Path(sys.executable).parent, os.environ["PATH"])))
    output = (data / "artifacts" / "second" / "stdout").read_text()
    assert second.returncode == 0 and (data / "artifacts" / "second" / "rc").read_text() == "0", output + second.stderr
    assert (data / "artifacts" / "second" / "status").read_text() == "successful"
    assert beyond_the_working_copy(changed_tasks(output)) == [], output

    # What the hosts hold was read back, the client's from its host; nothing on the members or the client's host
    # changed, no member restarted, and each serves the certificate it served.
    pki = second_home / ".quorum-etcd" / lab.group_vars["etcd_cluster_name"] / "etcdcerts"
    assert (pki / "clients" / "stateless-app-key.pem").read_text() == lab.sh(
        "etcd-test-3", "cat /etc/etcd-client/stateless-app/stateless-app-key.pem")
    assert lab.files() == files
    assert lab.sh("etcd-test-3", client_files) == client
    assert restarted(units, lab.units()) == []
    assert {node: lab.served_serial(node) for node in lab.nodes} == serials
