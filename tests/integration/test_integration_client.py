"""The client's key, lease and access-control operations against real etcd 3.4 and 3.5 (auth on, TLS)."""

from __future__ import annotations

import sys

import pytest

from etcdlab import COLLECTIONS

sys.path.insert(0, str(COLLECTIONS))
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (  # noqa: E402 pylint: disable=wrong-import-position
    EtcdApiError, EtcdClient)


@pytest.fixture()
def client(shared_cluster):
    return EtcdClient(**shared_cluster.conn())


def test_keys_are_written_read_counted_and_deleted(client):
    first = client.put("/client-test/a", "1")
    client.put("/client-test/b", b"\x00\xff")
    client.put("/client-test/b", "2")
    client.put("/client-test0", "outside the prefix")
    found = client.range("/client-test/", prefix=True)
    assert [(kv["key"], kv["value"]) for kv in found] == [(b"/client-test/a", b"1"), (b"/client-test/b", b"2")]
    assert client.range("/client-test/b", revision=first + 1)[0]["value"] == b"\x00\xff"
    assert client.count("/client-test/", prefix=True) == 2
    assert client.count() >= 3
    assert client.delete("/client-test/", prefix=True) == 2
    assert client.delete("/client-test0") == 1
    assert client.range("/client-test/", prefix=True) == []


def test_a_key_on_a_lease_goes_with_the_lease(client):
    lease_id = client.lease_grant(60)
    client.put("/client-test/leased", "x", lease_id=lease_id)
    assert client.range("/client-test/leased")[0]["lease"] == lease_id
    client.lease_revoke(lease_id)
    assert client.range("/client-test/leased") == []


def test_users_and_roles_limit_what_a_user_may_touch(client, shared_cluster):
    client.role_add("client-test-app")
    client.role_grant("client-test-app", "READWRITE", "/client-test-app/", prefix=True)
    client.user_add("client-test-user", "secret-1")
    client.user_add("client-test-cert-user")  # no password: only a client certificate authenticates it
    client.user_grant_role("client-test-user", "client-test-app")
    try:
        assert client.role_permissions("client-test-app") == [
            {"permission": "READWRITE", "key": b"/client-test-app/", "range_end": b"/client-test-app0"}]
        assert client.user_roles("client-test-user") == ["client-test-app"]
        assert {"client-test-user", "client-test-cert-user", "root"} <= set(client.users())
        assert "client-test-app" in client.roles()

        app = EtcdClient(**shared_cluster.conn(user="client-test-user", password="secret-1"))
        app.put("/client-test-app/key", "mine")
        with pytest.raises(EtcdApiError, match="permission denied"):
            app.put("/elsewhere", "not mine")

        client.user_revoke_role("client-test-user", "client-test-app")
        with pytest.raises(EtcdApiError, match="permission denied"):
            EtcdClient(**shared_cluster.conn(user="client-test-user", password="secret-1")).range("/client-test-app/key")
    finally:
        client.delete("/client-test-app/", prefix=True)
        client.user_delete("client-test-user")
        client.user_delete("client-test-cert-user")
        client.role_delete("client-test-app")
    assert "client-test-user" not in client.users() and "client-test-app" not in client.roles()


def test_authentication_is_turned_off_and_on(client, shared_cluster):
    # etcd 3.4 has no /v3/auth/status: the client asks it to authenticate a user that does not exist instead.
    anonymous = EtcdClient(**shared_cluster.conn(user=None, password=None))
    assert client.auth_enabled() is True
    client.auth_disable()
    try:
        assert anonymous.auth_enabled() is False
        anonymous.put("/client-test/anonymous", "allowed while auth is off")
    finally:
        client.auth_enable()
    assert client.auth_enabled() is True
    assert client.delete("/client-test/anonymous") == 1
