"""The tarball `ansible-galaxy collection build` makes installs, and runs by fully qualified names."""

import os
import subprocess
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest

from ansible_run import ansible_playbook

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Installed(NamedTuple):
    tarball: Path
    collections: str  # where it is installed
    env: dict  # for ansible-doc: the installed collection only, and no ansible.cfg of the repository's


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("build")
    subprocess.run(
        ["ansible-galaxy", "collection", "build", "--output-path", str(work), REPO], check=True, capture_output=True
    )
    (tarball,) = work.glob("quorum-etcd-*.tar.gz")
    subprocess.run(
        # The dependencies come from the ansible package here; there is no Galaxy server to reach.
        ["ansible-galaxy", "collection", "install", "--force", "--no-deps", "-p", str(work / "collections"), str(tarball)],
        check=True, capture_output=True,
    )
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(work / "collections"), ANSIBLE_NOCOLOR="1")
    env.pop("ANSIBLE_CONFIG", None)
    return Installed(tarball, str(work / "collections"), env)


def test_the_tarball_holds_the_collection_and_no_tests(installed):
    names = tarfile.open(installed.tarball).getnames()
    for wanted in ("MANIFEST.json", "README.md", "meta/runtime.yml", "playbooks/cluster.yml",
                   "roles/etcd_pki/tasks/main.yml", "plugins/modules/etcd_member.py", "plugins/filter/etcd_members.py"):
        assert wanted in names, wanted
    assert not [n for n in names if n.split("/")[0] in ("tests", "molecule", "lab", "bench", ".cache", ".venv")]


@pytest.mark.parametrize("kind, name", [("role", "quorum.etcd.etcd_pki"), ("module", "quorum.etcd.etcd_member"),
                                        ("module", "quorum.etcd.etcd_files"),
                                        ("filter", "quorum.etcd.etcd_members"), ("lookup", "quorum.etcd.etcd_certificates_due")])
def test_the_installed_docs_render(installed, kind, name):
    result = subprocess.run(["ansible-doc", "-t", kind, name], env=installed.env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert name.split(".")[-1] in result.stdout


def test_the_installed_playbook_runs_by_its_name(installed, tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "etcd:\n  hosts:\n    a: {etcd_name: twin, etcd_address: 10.9.9.1}\n    b: {etcd_name: twin, etcd_address: 10.9.9.2}\n"
        "  vars: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}\n"
    )
    result = ansible_playbook(["quorum.etcd.cluster", "-i", str(inventory), "-e", "etcd_pki_dir=%s" % (tmp_path / "pki")],
                              env={"ANSIBLE_COLLECTIONS_PATH": installed.collections, "ANSIBLE_CONFIG": None},
                              cwd=str(tmp_path))
    # The installed roles ran far enough to refuse the inventory with their own message.
    assert result.returncode != 0
    assert "member name twin is used by a, b" in " ".join(result.stdout.split()), result.stdout
