"""etcd_role, etcd_user and etcd_auth against real etcd 3.4 and 3.5 (TLS, client certificates): what a user
may then read and write is what the roles declared, and a second run changes nothing."""

from __future__ import annotations

import sys

import pytest

from etcdlab import COLLECTIONS, ROOT_PASSWORD, Cluster, run_one, run_tasks

sys.path.insert(0, str(COLLECTIONS))
from ansible_collections.quorum.etcd.plugins.module_utils.access import access_changes  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (  # noqa: E402 pylint: disable=wrong-import-position
    EtcdApiError, EtcdAuthError, EtcdClient)

ROLE, USER, INFO = "quorum.etcd.etcd_role", "quorum.etcd.etcd_user", "quorum.etcd.etcd_auth_info"


@pytest.fixture()
def cleanup(shared_cluster):
    """Users and roles a test made, removed afterwards whatever happened."""
    made = {"users": [], "roles": []}
    yield made
    admin = EtcdClient(**shared_cluster.conn())
    for name in made["users"]:
        if name in admin.users():
            admin.user_delete(name)
    for name in made["roles"]:
        if name in admin.roles():
            admin.role_delete(name)
    admin.delete("/access-test/", prefix=True)


def test_a_role_holds_exactly_the_permissions_declared(shared_cluster, cleanup):
    conn = shared_cluster.conn()
    cleanup["roles"].append("access-app")
    declared = dict(conn, name="access-app", permissions=[
        {"key": "/access-test/app/", "prefix": True, "access": "readwrite"},
        {"key": "/access-test/config", "access": "read"}])
    check, = run_tasks([{ROLE: declared}], check=True, diff=True)
    assert check["changed"] and check["actions"] == [
        "added", "granted readwrite on prefix /access-test/app/", "granted read on /access-test/config"], check
    assert check["diff"]["before"]["state"] == "absent"
    assert "access-app" not in EtcdClient(**conn).roles()

    made, again, found = run_tasks([{ROLE: declared}, {ROLE: declared}, {INFO: conn}])
    assert made["changed"] and not again["changed"] and again["actions"] == [], (made, again)
    assert again["role"]["permissions"] == [
        {"key": "/access-test/app/", "range_end": "/access-test/app0", "prefix": True, "access": "readwrite"},
        {"key": "/access-test/config", "access": "read"}]
    # etcd_auth_info reads the role as etcd_role shows it, and the role it declares is then not to be run again.
    assert {"name": "access-app", "permissions": again["role"]["permissions"]} in found["roles"], found
    plan = {"roles": [{"name": "access-app", "permissions": declared["permissions"]}], "users": []}
    assert access_changes(plan, found["roles"], found["users"]) == {"roles": [], "users": []}

    # A narrower declaration revokes what it no longer lists; with append_permissions, what it adds joins the rest.
    narrowed, widened, found = run_tasks([
        {ROLE: dict(declared, permissions=[{"key": "/access-test/app/", "prefix": True, "access": "read"}])},
        {ROLE: dict(declared, permissions=[{"key": "/access-test/a", "range_end": "/access-test/c", "access": "write"}],
                    append_permissions=True)},
        {INFO: conn}])
    assert access_changes(plan, found["roles"], found["users"]) == {"roles": ["access-app"], "users": []}
    assert narrowed["actions"] == ["granted read on prefix /access-test/app/", "revoked read on /access-test/config"]
    assert widened["actions"] == ["granted write on [/access-test/a, /access-test/c)"]
    assert sorted(p["permission"] for p in EtcdClient(**conn).role_permissions("access-app")) == ["READ", "WRITE"]

    gone, gone_again = run_tasks([{ROLE: dict(conn, name="access-app", state="absent")}] * 2)
    assert gone["changed"] and gone["actions"] == ["deleted"] and not gone_again["changed"]
    assert "access-app" not in EtcdClient(**conn).roles()


def test_a_user_may_touch_what_its_roles_allow_and_nothing_else(shared_cluster, cleanup):
    conn = shared_cluster.conn()
    cleanup["roles"].append("access-writer")
    cleanup["users"] += ["access-user", "access-cert-only"]
    user = dict(conn, name="access-user", user_password="first-Secret", roles=["access-writer"])
    refused, = run_tasks([{USER: user}])
    assert refused["failed"] and "the role access-writer does not exist" in refused["msg"], refused
    # In check mode the task that would make the role before it made nothing.
    would, = run_tasks([{USER: user}], check=True)
    assert would["changed"] and would["actions"] == [
        "added with a password", "granted role access-writer, once it exists (it does not yet)"], would

    role = dict(conn, name="access-writer", permissions=[{"key": "/access-test/w/", "prefix": True, "access": "readwrite"}])
    role_made, made, again, same_password = run_tasks([
        {ROLE: role}, {USER: user}, {USER: user}, {USER: dict(user, update_password="always")}])
    assert role_made["changed"]
    assert made["changed"] and made["actions"] == ["added with a password", "granted role access-writer"], made
    assert not again["changed"] and not same_password["changed"], (again, same_password)
    assert "first-Secret" not in str(made)

    writer = EtcdClient(**shared_cluster.conn(user="access-user", password="first-Secret"))
    writer.put("/access-test/w/key", "allowed")
    with pytest.raises(EtcdApiError, match="permission denied"):
        writer.put("/access-test/elsewhere", "refused")
    with pytest.raises(EtcdApiError, match="permission denied"):
        writer.range("/", prefix=True)

    changed, = run_tasks([{USER: dict(user, user_password="second-Secret", update_password="always")}])
    assert changed["changed"] and changed["actions"] == ["password set"], changed
    with pytest.raises(EtcdAuthError):
        EtcdClient(**shared_cluster.conn(user="access-user", password="first-Secret")).range("/access-test/w/key")
    assert EtcdClient(**shared_cluster.conn(user="access-user", password="second-Secret")).count(
        "/access-test/w/", prefix=True) == 1

    revoked, cert_only = run_tasks([
        {USER: dict(conn, name="access-user", roles=[])},
        {USER: dict(conn, name="access-cert-only", roles=["access-writer"])}])
    assert revoked["actions"] == ["revoked role access-writer"] and revoked["user"]["roles"] == []
    assert cert_only["actions"] == ["added without a password (certificate only)", "granted role access-writer"]
    # No password: etcd refuses to authenticate it by one.
    with pytest.raises(EtcdAuthError):
        EtcdClient(**shared_cluster.conn(user="access-cert-only", password="")).range("/access-test/w/key")

    removed, = run_tasks([{USER: dict(conn, name="access-user", state="absent")}], check=True)
    assert removed["changed"] and "access-user" in EtcdClient(**conn).users()


@pytest.fixture(scope="module")
def open_cluster(version, pki, workdir):
    """A member with authentication off and no user: what a new cluster is."""
    path = workdir / f"open-{version}"
    path.mkdir()
    cluster = Cluster(version, pki, path).start(1, auth=False)
    yield cluster
    cluster.stop()


def test_authentication_is_refused_until_root_exists_then_turned_on_and_off(open_cluster):
    anonymous = open_cluster.conn(user=None, password=None)
    refused, = run_tasks([{"quorum.etcd.etcd_auth": anonymous}])
    assert refused["failed"] and "etcd needs a user root with the role root first" in refused["msg"], refused
    off, = run_tasks([{"quorum.etcd.etcd_auth": dict(anonymous, state="disabled")}])
    assert not off["changed"] and off["enabled"] is False
    # In check mode a task before it may only have reported that it would make root.
    would = run_one("quorum.etcd.etcd_auth", anonymous, check=True)
    assert would["changed"] and would["actions"] == ["enabled, once a user root with the role root exists (it does not yet)"]
    assert EtcdClient(**anonymous).auth_enabled() is False

    # While authentication is off etcd cannot tell whether a password is right: always sets it, and says so.
    root = dict(anonymous, name="root", user_password=ROOT_PASSWORD, roles=["root"], update_password="always")
    role_made, made, again = run_tasks([{ROLE: dict(anonymous, name="root")}, {USER: root}, {USER: root}])
    assert role_made["changed"] and made["changed"] and again["changed"]
    assert again["actions"] == ["password set (authentication is off: etcd cannot tell whether it changed)"]

    check = run_one("quorum.etcd.etcd_auth", anonymous, check=True)
    assert check["changed"] and check["enabled"] is True
    assert EtcdClient(**anonymous).auth_enabled() is False
    enabled, enabled_again, found, not_root = run_tasks([
        {"quorum.etcd.etcd_auth": anonymous}, {"quorum.etcd.etcd_auth": open_cluster.conn()},
        {INFO: open_cluster.conn()}, {INFO: anonymous}])
    assert enabled["changed"] and enabled["actions"] == ["enabled"], enabled
    assert not enabled_again["changed"] and enabled_again["enabled"] is True
    assert "root" in enabled_again["users"] and "root" in enabled_again["roles"]
    assert found["enabled"] is True and found["users"] == [{"name": "root", "roles": ["root"]}], found
    assert not_root["failed"] and "reading etcd's users and roles failed" in not_root["msg"], not_root
    with pytest.raises(EtcdApiError):
        EtcdClient(**anonymous).put("/access-test/anonymous", "refused once authentication is on")

    same_password = run_one(USER, dict(open_cluster.conn(), name="root", user_password=ROOT_PASSWORD,
                                       update_password="always"))
    assert not same_password["changed"], same_password
    disabled = run_one("quorum.etcd.etcd_auth", dict(open_cluster.conn(), state="disabled"))
    assert disabled["changed"] and disabled["enabled"] is False
    assert EtcdClient(**anonymous).auth_enabled() is False
