"""The tarball `ansible-galaxy collection build` makes installs, and runs by fully qualified names."""

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from ansible_run import ansible_playbook, folded

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


# What a user installs: the collection, its docs and licence, and the example inventories; nothing of development.
SHIPPED = {"MANIFEST.json", "FILES.json", "README.md", "LICENSE", "meta", "playbooks", "roles", "plugins",
           "changelogs", "inventories"}


def test_the_tarball_holds_the_collection_and_nothing_of_development(installed):
    names = tarfile.open(installed.tarball).getnames()
    for wanted in ("MANIFEST.json", "README.md", "LICENSE", "meta/runtime.yml", "playbooks/cluster.yml",
                   "roles/etcd_pki/tasks/main.yml", "roles/etcd_pki/README.md", "plugins/modules/etcd_member.py",
                   "plugins/filter/etcd_members.py", "inventories/prod/hosts.yml"):
        assert wanted in names, wanted
    assert {name.split("/")[0] for name in names} == SHIPPED
    assert not [name for name in names if name.startswith("inventories/lab") or "/." in "/" + name]
    assert all((Path(REPO) / "roles" / role / "README.md").is_file() for role in os.listdir(Path(REPO) / "roles"))


@pytest.mark.tooling
def test_galaxy_importer_accepts_the_tarball(installed, tmp_path):
    # Automation Hub's settings, apart from its 1.0.0 version floor; ansible-test runs apart (make sanity), as the
    # importer runs it only in a container.
    config = tmp_path / "galaxy-importer.cfg"
    config.write_text("[galaxy-importer]\nCHECK_REQUIRED_TAGS = True\nRUN_ANSIBLE_LINT = True\n"
                      "RUN_ANSIBLE_TEST = False\nREQUIRE_V1_OR_GREATER = False\n")
    result = subprocess.run([sys.executable, "-m", "galaxy_importer.main", str(installed.tarball)],
                            env=dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config)), cwd=str(tmp_path),
                            capture_output=True, text=True, check=False, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Importer processing completed successfully" in output, output
    assert "ERROR" not in output, output


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
    assert "member name twin is used by a, b" in folded(result.stdout), result.stdout


@pytest.mark.tooling
def test_ansible_builder_reads_the_controller_needs_and_makes_an_execution_environment_context(installed, tmp_path):
    introspect = subprocess.run(["ansible-builder", "introspect", "--sanitize", installed.collections],
                                capture_output=True, text=True, check=False)
    assert introspect.returncode == 0, introspect.stderr
    needs = yaml.safe_load(introspect.stdout)
    # The controller's Python needs, and none of the development requirements.
    assert needs["python"] == ["cryptography>=42.0.0  # from collection quorum.etcd",
                               "dnspython>=2.0.0  # from collection quorum.etcd"], introspect.stdout
    # OpenSSL's command, which encrypts the CA key with scrypt.
    assert needs["system"] == ["openssl  # from collection quorum.etcd"]

    create = subprocess.run(["ansible-builder", "create", "-f", os.path.join(REPO, "execution-environment.yml"),
                             "-c", str(tmp_path / "context")], capture_output=True, text=True, check=False)
    assert create.returncode == 0, create.stdout + create.stderr
    galaxy = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text())
    assert [c["name"] for c in galaxy["collections"]] == ["quorum.etcd", "community.crypto"]
    assert (tmp_path / "context" / "Dockerfile").is_file() or (tmp_path / "context" / "Containerfile").is_file()


def test_an_awx_project_installs_this_collection_from_the_clone(tmp_path):
    requirements = yaml.safe_load(Path(REPO, "collections", "requirements.yml").read_text())["collections"]
    galaxy = yaml.safe_load(Path(REPO, "galaxy.yml").read_text())
    assert {c["name"]: c.get("version") for c in requirements if c.get("type") != "dir"} == galaxy["dependencies"]
    # The entry for the clone itself, installed as AWX does it from the project's root (Galaxy is not reachable
    # here, so the dependencies are left out).
    (tmp_path / "requirements.yml").write_text(yaml.safe_dump(
        {"collections": [c for c in requirements if c.get("type") == "dir"]}))
    env = dict(os.environ)
    env.pop("ANSIBLE_CONFIG", None)
    result = subprocess.run(["ansible-galaxy", "collection", "install", "--force", "--no-deps", "-r",
                             str(tmp_path / "requirements.yml"), "-p", str(tmp_path / "collections")],
                            cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "collections" / "ansible_collections" / "quorum" / "etcd" / "roles" / "etcd_pki").is_dir()


@pytest.mark.tooling
def test_the_first_release_changelog_announces_every_module_plugin_and_role(tmp_path):
    """What antsibull-changelog makes of the fragments for the version in galaxy.yml: a release summary, every
    module, plugin and role as new, and nothing removed, fixed or broken, since nothing was released before."""
    copy = tmp_path / "ansible_collections" / "quorum" / "etcd"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".git", ".cache", ".venv*", "__pycache__", "molecule",
                                                              "tests", "lab", "bench"))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path))
    env.pop("ANSIBLE_CONFIG", None)
    version = yaml.safe_load((copy / "galaxy.yml").read_text())["version"]
    for command in (["lint"], ["release", "--version", version, "--date", "2026-11-26"]):
        done = subprocess.run(["antsibull-changelog", *command], cwd=copy, env=env, capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0 and "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    changelog = (copy / "CHANGELOG.rst").read_text()
    sections = re.findall(r"^(.+)\n-+$", changelog, flags=re.M)
    assert sections == ["Release Summary", "Major Changes", "Minor Changes", "New Plugins", "New Modules", "New Roles"]
    announced = set(re.findall(r"^- (\S+) - ", changelog, flags=re.M))
    shipped = {path.stem for kind in ("modules", "filter", "lookup") for path in (copy / "plugins" / kind).glob("*.py")}
    shipped |= {path.name for path in (copy / "roles").iterdir() if not path.name.startswith("_")}
    assert shipped <= announced, sorted(shipped - announced)
