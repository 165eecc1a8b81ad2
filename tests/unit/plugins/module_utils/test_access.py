"""Permissions as the access modules take them, as etcd keeps them, and the refusals of a bad one."""

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.access import (
    access_changes, permission_changes, shown, wanted_permission)


def test_a_prefix_becomes_the_range_etcdctl_would_grant():
    permission = wanted_permission({"key": "/app/", "prefix": True, "access": "readwrite"})
    assert permission == (b"/app/", b"/app0", "READWRITE")
    assert shown(permission) == {"key": "/app/", "range_end": "/app0", "prefix": True, "access": "readwrite"}


def test_one_key_and_a_range_are_kept_as_given():
    assert wanted_permission({"key": "/a", "access": "read"}) == (b"/a", b"", "READ")
    assert shown((b"/a", b"/c", "WRITE")) == {"key": "/a", "range_end": "/c", "prefix": False, "access": "write"}
    assert wanted_permission({"key": "/a", "range_end": "\x00", "access": "write"}) == (b"/a", b"\x00", "WRITE")


@pytest.mark.parametrize("entry, words", [
    ({"key": "/a", "prefix": True, "range_end": "/b", "access": "read"}, "give prefix or range_end, not both"),
    ({"key": "/b", "range_end": "/a", "access": "read"}, "range_end '/a' does not come after the key"),
])
def test_a_permission_that_cannot_mean_one_thing_is_refused(entry, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        wanted_permission(entry)


PLAN = {
    "roles": [{"name": "root", "permissions": []},
              {"name": "app", "permissions": [{"key": "/app/", "prefix": True, "access": "readwrite"}]}],
    "users": [{"name": "root", "roles": ["root"], "has_password": True, "update_password": "on_create"},
              {"name": "app", "roles": ["app"], "has_password": False, "update_password": "on_create"}],
}
AS_PLANNED = {
    "enabled": True,
    "users": [{"name": "root", "roles": ["root"]}, {"name": "app", "roles": ["app"]}, {"name": "other", "roles": []}],
    "roles": [{"name": "root", "permissions": []}, {"name": "other", "permissions": []},
              {"name": "app", "permissions": [shown((b"/app/", b"/app0", "READWRITE"))]}],
}


def test_nothing_is_to_be_run_when_etcd_has_the_plan_and_more():
    assert access_changes(PLAN, AS_PLANNED["roles"], AS_PLANNED["users"]) == {"roles": [], "users": []}


@pytest.mark.parametrize("found_role", [
    [],  # the role is missing
    [shown((b"/app/", b"/app0", "READ"))],  # its access was narrowed
    [shown((b"/app/", b"/app0", "READWRITE")), shown((b"/b", b"", "READ"))],  # it was granted more
])
def test_a_role_that_differs_is_to_be_run(found_role):
    roles = [{"name": "root", "permissions": []}] + ([{"name": "app", "permissions": found_role}] if found_role else [])
    assert access_changes(PLAN, roles, AS_PLANNED["users"]) == {"roles": ["app"], "users": []}


@pytest.mark.parametrize("found_users", [
    [{"name": "root", "roles": ["root"]}],  # app is missing
    [{"name": "root", "roles": ["root"]}, {"name": "app", "roles": []}],  # its role was revoked
    [{"name": "root", "roles": ["root"]}, {"name": "app", "roles": ["app", "root"]}],  # it was given another
])
def test_a_user_that_differs_is_to_be_run(found_users):
    assert access_changes(PLAN, AS_PLANNED["roles"], found_users) == {"roles": [], "users": ["app"]}


def test_a_user_whose_password_is_set_on_every_run_is_always_to_be_run():
    plan = dict(PLAN, users=[dict(PLAN["users"][0], update_password="always"), PLAN["users"][1]])
    assert access_changes(plan, AS_PLANNED["roles"], AS_PLANNED["users"]) == {"roles": [], "users": ["root"]}


def test_a_range_granted_anew_replaces_its_old_access():
    old, new = (b"/a", b"/c", "READ"), (b"/a", b"/c", "READWRITE")
    assert permission_changes([old, (b"/x", b"", "READ")], [new], append=False) == ([new], [(b"/x", b"", "READ")], [new])
    assert permission_changes([old, (b"/x", b"", "READ")], [new], append=True) == ([new], [], [(b"/x", b"", "READ"), new])
    assert permission_changes([new], [new], append=False) == ([], [], [new])
