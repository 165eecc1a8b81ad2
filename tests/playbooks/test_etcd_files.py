"""quorum.etcd.etcd_files, the roles' one way to put files on a host, run by ansible-playbook on this machine.

Each test writes into its own temporary directory through the local connection, so the action, the
transfer and the module are the real ones; only the host is this machine.
"""

import json
import os
import stat
import sys

import pytest
import yaml

from ansible_run import ansible_playbook

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="sets file owners, which needs root")


def play(tmp_path, tasks, *options):
    """Runs the tasks on localhost; returns each task's result by name."""
    (tmp_path / "play.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    run = ansible_playbook(
        ["-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable,
         str(tmp_path / "play.yml")] + list(options),
        env={"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}, timeout=300,
    )
    report = json.loads(run.stdout)
    results = {task["task"]["name"]: task["hosts"]["localhost"] for task in report["plays"][0]["tasks"]}
    return run.returncode, results


def files_task(name, files, **extra):
    return {"name": name, "quorum.etcd.etcd_files": dict({"files": files}, **extra)}


@pytest.fixture
def layout(tmp_path):
    """A directory, a text file from content and a private key-like file from the controller."""
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nsecret body\n-----END PRIVATE KEY-----\n")
    target = tmp_path / "host"
    return target, [
        {"path": str(target / "conf"), "state": "directory", "mode": "0750", "group": "daemon"},
        {"path": str(target / "conf" / "config.yaml"), "content": "name: m1\n", "mode": "0640", "group": "daemon"},
        {"path": str(target / "conf" / "key.pem"), "src": str(tmp_path / "key.pem"), "mode": "0600",
         "owner": "nobody", "group": "daemon"},
    ]


def attributes(path):
    found = os.lstat(path)
    return stat.S_IMODE(found.st_mode), found.st_uid, found.st_gid


def test_writes_each_file_with_its_attributes_then_changes_nothing(tmp_path, layout):
    target, files = layout
    rc, first = play(tmp_path, [files_task("write", files)])
    assert rc == 0, first
    assert first["write"]["changed"] is True
    assert first["write"]["changed_paths"] == [entry["path"] for entry in files]
    conf = target / "conf"
    assert (conf / "config.yaml").read_text() == "name: m1\n"
    assert "secret body" in (conf / "key.pem").read_text()
    daemon = 1  # Debian's daemon group
    assert attributes(conf) == (0o750, 0, daemon)
    assert attributes(conf / "config.yaml") == (0o640, 0, daemon)
    assert attributes(conf / "key.pem") == (0o600, 65534, daemon)
    # The parent that was not listed is made for root, readable by all.
    assert attributes(target)[:2] == (0o755, 0)
    assert not [name for name in os.listdir(conf) if name.startswith(".etcd_files.")]

    rc, second = play(tmp_path, [files_task("write", files)])
    assert rc == 0 and second["write"]["changed"] is False
    assert second["write"]["changed_paths"] == []


def test_check_mode_reports_what_would_change_and_changes_nothing(tmp_path, layout):
    target, files = layout
    rc, results = play(tmp_path, [files_task("write", files)], "--check")
    assert rc == 0
    assert results["write"]["changed"] is True
    assert len(results["write"]["changed_paths"]) == 3
    assert not target.exists()


def test_drift_is_repaired_and_only_what_drifted_is_written(tmp_path, layout):
    target, files = layout
    play(tmp_path, [files_task("write", files)])
    config, key = target / "conf" / "config.yaml", target / "conf" / "key.pem"
    key_inode = os.stat(key).st_ino
    config.write_text("name: tampered\n")
    os.chmod(key, 0o644)
    rc, results = play(tmp_path, [files_task("write", files)])
    assert rc == 0 and results["write"]["changed"] is True
    assert sorted(results["write"]["changed_paths"]) == sorted([str(config), str(key)])
    assert config.read_text() == "name: m1\n"
    assert attributes(key)[0] == 0o600
    # A mode that drifted is set in place: the content was right, so the file was not rewritten.
    assert os.stat(key).st_ino == key_inode


def test_diff_shows_the_text_it_writes_and_never_a_key(tmp_path, layout):
    target, files = layout
    play(tmp_path, [files_task("write", files)])
    (target / "conf" / "config.yaml").write_text("name: old\n")
    (target / "conf" / "key.pem").write_text("another key\n")
    rc, results = play(tmp_path, [files_task("write", files)], "--check", "--diff")
    assert rc == 0
    diff = results["write"]["diff"]
    text = [d for d in diff if d.get("before_header") == str(target / "conf" / "config.yaml")]
    assert text and text[0]["before"] == "name: old\n" and text[0]["after"] == "name: m1\n"
    assert "secret body" not in json.dumps(diff) and "another key" not in json.dumps(diff)
    assert (target / "conf" / "config.yaml").read_text() == "name: old\n"


def test_a_large_file_is_sent_as_a_file_and_arrives_whole(tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(os.urandom(3 * 1024 * 1024))
    dest = tmp_path / "host" / "bin" / "etcd"
    files = [{"path": str(dest), "src": str(blob), "mode": "0755"}]
    rc, results = play(tmp_path, [files_task("write", files)])
    assert rc == 0 and results["write"]["changed"] is True
    assert dest.read_bytes() == blob.read_bytes()
    assert attributes(dest)[0] == 0o755


def test_a_read_lists_what_is_there_and_later_calls_decide_from_it(tmp_path, layout):
    target, files = layout
    play(tmp_path, [files_task("write", files)])
    paths = [entry["path"] for entry in files] + [str(target / "missing")]
    config = target / "conf" / "config.yaml"
    tasks = [
        {"name": "read", "quorum.etcd.etcd_files": {"paths": paths}, "register": "installed"},
        # Changed after the read: a call that decides from the read does not see it.
        {"name": "tamper", "ansible.builtin.copy": {"dest": str(config), "content": "name: later\n", "mode": "0640",
                                                    "group": "daemon"}},
        files_task("write", files, current="{{ installed.current }}"),
    ]
    rc, results = play(tmp_path, tasks)
    assert rc == 0
    current = {entry["path"]: entry for entry in results["read"]["current"]}
    assert current[str(target / "missing")]["state"] == "absent"
    assert current[str(target / "conf")]["state"] == "directory"
    assert current[str(config)]["mode"] == "0640" and current[str(config)]["group"] == "daemon"
    assert results["write"]["changed"] is False
    assert config.read_text() == "name: later\n"


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"path": "relative/file", "content": "x", "mode": "0644"}, "files[0] (relative/file): path must be absolute"),
        ({"path": "/tmp/x", "content": "x", "src": "/etc/hostname", "mode": "0644"}, "exactly one of src"),
        ({"path": "/tmp/x", "content": "x", "mode": "rw"}, "mode 'rw' is not an octal mode"),
        ({"path": "/tmp/x", "src": "/nonexistent/ca.pem", "mode": "0644"}, "src /nonexistent/ca.pem is not a file"),
    ],
)
def test_bad_entries_are_refused_by_name(tmp_path, entry, message):
    rc, results = play(tmp_path, [files_task("write", [entry])])
    assert rc != 0
    assert message in results["write"]["msg"]


def test_an_owner_the_host_lacks_is_named_and_nothing_is_written(tmp_path):
    dest = tmp_path / "host" / "key.pem"
    rc, results = play(tmp_path, [files_task("write", [{"path": str(dest), "content": "k", "mode": "0600",
                                                        "owner": "quorum-no-such-user"}])])
    assert rc != 0
    assert "owner quorum-no-such-user does not exist on the host" in results["write"]["msg"]
    assert not dest.exists()
