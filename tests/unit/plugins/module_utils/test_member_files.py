import os

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.member_files import entry_problem, path_found, plan, read_path

WANTED = {"path": "/etc/etcd/config.yaml", "state": "file", "mode": "0640", "owner": "root", "group": "etcd",
          "checksum": "aaa"}
FOUND = {"path": "/etc/etcd/config.yaml", "state": "file", "mode": "0640", "owner": "root", "group": "etcd",
         "checksum": "aaa"}


@pytest.mark.parametrize(
    "found, content, attributes",
    [
        (FOUND, None, None),
        (dict(FOUND, checksum="bbb"), True, False),
        (dict(FOUND, mode="0644"), False, True),
        (dict(FOUND, owner="etcd"), False, True),
        (dict(FOUND, group="root"), False, True),
        ({"path": WANTED["path"], "state": "absent"}, True, True),
        (dict(FOUND, state="directory"), True, True),
    ],
)
def test_plan_marks_what_differs(found, content, attributes):
    changes = plan([WANTED], [found])
    if content is None:
        assert changes == []
    else:
        assert len(changes) == 1 and changes[0]["write_content"] is content
        assert changes[0]["path"] == WANTED["path"]


def test_a_path_nobody_read_counts_as_missing():
    assert plan([WANTED], [])[0]["write_content"] is True


def test_a_directory_has_no_content_to_write():
    directory = {"path": "/etc/etcd", "state": "directory", "mode": "0755", "owner": "root", "group": "etcd"}
    assert plan([directory], [dict(directory)]) == []
    assert plan([directory], [dict(directory, mode="0700")])[0]["write_content"] is False


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"path": "etc/x", "state": "file", "mode": "0644", "content": "x"}, "path must be absolute"),
        ({"path": "/x", "state": "file", "mode": "644", "content": "x"}, None),
        ({"path": "/x", "state": "file", "mode": "0999", "content": "x"}, "is not an octal mode"),
        ({"path": "/x", "state": "file", "mode": "0644"}, "exactly one of src"),
        ({"path": "/x", "state": "directory", "mode": "0755", "content": "x"}, "a directory takes no content"),
    ],
)
def test_entry_problems_name_the_entry(entry, problem):
    found = entry_problem(3, entry)
    if problem is None:
        assert found is None
    else:
        assert found.startswith("files[3] (%s): " % entry["path"]) and problem in found


def test_read_path_reports_kind_mode_and_checksum(tmp_path):
    target = tmp_path / "f"
    target.write_text("hello\n")
    os.chmod(target, 0o640)
    found = read_path(str(target), with_content=True)
    assert (found["state"], found["mode"], found["content"]) == ("file", "0640", "hello\n")
    assert found["checksum"] == "f572d396fae9206628714fb2ce00f72e94f2258f"
    assert read_path(str(tmp_path))["state"] == "directory"
    assert read_path(str(tmp_path / "missing")) == {"path": str(tmp_path / "missing"), "state": "absent"}


def test_a_path_is_found_only_as_it_was_read():
    current = [{"path": "/var/lib/etcd", "state": "directory", "owner": "etcd", "group": "etcd"},
               {"path": "/etc/ssl/etcd/ca.pem", "state": "file", "owner": "root", "group": "etcd"}]
    assert path_found(current, "/etc/ssl/etcd/ca.pem")
    assert path_found(current, "/var/lib/etcd", "directory", owner="etcd", group="etcd")
    assert not path_found(current, "/var/lib/etcd", "directory", owner="root")
    assert not path_found(current, "/var/lib/etcd")
    assert not path_found(current, "/etc/etcd/config.yaml")
