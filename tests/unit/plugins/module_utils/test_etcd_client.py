"""Pure logic of the etcd client, and its error handling with a faked transport."""

from __future__ import annotations

import io
import json
from urllib.error import HTTPError, URLError

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.quorum.etcd.plugins.module_utils import etcd_client as ec


# --- encodings -------------------------------------------------------------------------------------

def test_base64_round_trip_and_omitted_fields():
    assert ec.to_b64("foo") == "Zm9v"
    assert ec.to_b64(b"\x00\xff") == "AP8="
    assert ec.from_b64("Zm9v") == b"foo"
    assert ec.from_b64(None) == b"" and ec.from_b64("") == b""


@pytest.mark.parametrize("prefix,end", [
    (b"abc", b"abd"),
    ("/app/", b"/app0"),
    (b"a\xff", b"b"),
    (b"a\xfe\xff\xff", b"a\xff"),
    (b"\xff\xff", b"\x00"),
    (b"", b"\x00"),
    ("é", "é".encode()[:-1] + bytes([("é".encode()[-1] + 1)])),
])
def test_prefix_range_end(prefix, end):
    assert ec.prefix_range_end(prefix) == end


def test_prefix_range_end_bounds_exactly_the_prefix():
    end = ec.prefix_range_end(b"/a/")
    inside = [b"/a/", b"/a/x", b"/a/\xff\xff"]
    outside = [b"/a", b"/a0", b"/b/"]
    assert all(b"/a/" <= k < end for k in inside)
    assert not any(b"/a/" <= k < end for k in outside)


def test_int64_strings():
    assert ec.to_int("18446744073709551615") == 2 ** 64 - 1
    assert ec.to_int(None) == 0 and ec.to_int("") == 0 and ec.to_int(7) == 7


def test_member_id_conversions():
    assert ec.member_id_hex("10276657743932975437") == "8e9e05c52164694d"
    assert ec.member_id_hex(255) == "ff"
    assert ec.parse_member_id("8e9e05c52164694d") == 10276657743932975437
    assert ec.parse_member_id("0x8E9E05C52164694D") == 10276657743932975437
    assert ec.parse_member_id(10276657743932975437) == 10276657743932975437
    assert ec.parse_member_id("10") == 16  # strings are hex, as etcdctl prints them
    for bad in ("xyz", "", 0, -1, 2 ** 64, True):
        with pytest.raises(ValueError):
            ec.parse_member_id(bad)


def test_normalize_member_fills_omitted_fields():
    raw = {"ID": "10276657743932975437", "peerURLs": ["https://10.0.0.4:2380"], "isLearner": True}
    assert ec.normalize_member(raw) == {
        "id": "8e9e05c52164694d", "id_decimal": 10276657743932975437, "name": "",
        "peer_urls": ["https://10.0.0.4:2380"], "client_urls": [], "is_learner": True}
    assert ec.normalize_member({"ID": "1", "name": "a"})["is_learner"] is False


def test_normalize_endpoint():
    assert ec.normalize_endpoint(" 10.0.0.1:2379/ ", True) == "https://10.0.0.1:2379"
    assert ec.normalize_endpoint("10.0.0.1:2379", False) == "http://10.0.0.1:2379"
    assert ec.normalize_endpoint("http://x:1", True) == "http://x:1"


# --- arguments -------------------------------------------------------------------------------------

def validate(params):
    result = ArgumentSpecValidator(ec.etcd_argument_spec()).validate(params)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def test_argument_spec_defaults(monkeypatch):
    for var in ("ETCDCTL_ENDPOINTS", "ETCDCTL_CACERT", "ETCDCTL_CERT", "ETCDCTL_KEY", "ETCDCTL_USER",
                "ETCDCTL_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    params = validate({})
    assert params["endpoints"] == ["https://127.0.0.1:2379"] and params["timeout"] == 5
    assert params["user"] is None and params["ca_cert"] is None
    assert ec.etcd_argument_spec()["password"]["no_log"] is True


def test_argument_spec_falls_back_to_etcdctl_environment(monkeypatch):
    monkeypatch.setenv("ETCDCTL_ENDPOINTS", "https://a:2379,https://b:2379")
    monkeypatch.setenv("ETCDCTL_CACERT", "/pki/ca.crt")
    monkeypatch.setenv("ETCDCTL_CERT", "/pki/c.crt")
    monkeypatch.setenv("ETCDCTL_KEY", "/pki/c.key")
    monkeypatch.setenv("ETCDCTL_USER", "root")
    monkeypatch.setenv("ETCDCTL_PASSWORD", "pw")
    params = validate({})
    assert params["endpoints"] == ["https://a:2379", "https://b:2379"]
    assert (params["ca_cert"], params["client_cert"], params["client_key"]) == ("/pki/ca.crt", "/pki/c.crt", "/pki/c.key")
    assert (params["user"], params["password"]) == ("root", "pw")
    assert validate({"endpoints": ["https://c:2379"]})["endpoints"] == ["https://c:2379"]  # explicit wins


def test_user_colon_password_like_etcdctl():
    client = ec.EtcdClient(["https://a:2379"], user="root:se:cret")
    assert (client.user, client.password) == ("root", "se:cret")
    client = ec.EtcdClient(["https://a:2379"], user="ro:ot", password="pw")
    assert (client.user, client.password) == ("ro:ot", "pw")


def test_no_endpoint():
    with pytest.raises(ec.EtcdError, match="no etcd endpoint given"):
        ec.EtcdClient([" "])


# --- error handling with a faked transport (mocks are for these tests only) ----------------------

class FakeResponse(io.BytesIO):
    pass


def http_error(url, status, payload):
    return HTTPError(url, status, "error", {}, io.BytesIO(json.dumps(payload).encode()))


class FakeTransport:
    """Stands in for EtcdClient._open: behaviour per (endpoint, path), recording calls."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.calls = []

    def __call__(self, method, url, body, headers, timeout):
        endpoint, path = url.split("/v3", 1) if "/v3" in url else (url.rsplit("/", 1)[0], "")
        self.calls.append((endpoint, "/v3" + path, headers.get("Authorization")))
        outcome = self.behaviour(endpoint, "/v3" + path, body)
        if isinstance(outcome, BaseException):
            raise outcome
        return FakeResponse(json.dumps(outcome).encode())


def client_with(behaviour, **kwargs):
    client = ec.EtcdClient(["https://a:2379", "https://b:2379"], **kwargs)
    transport = FakeTransport(behaviour)
    client._open = transport
    return client, transport


def test_moves_on_to_next_endpoint_when_unreachable():
    def behaviour(endpoint, path, body):
        if endpoint == "https://a:2379":
            return URLError(ConnectionRefusedError(111, "Connection refused"))
        return {"members": []}
    client, transport = client_with(behaviour)
    assert client.call("/v3/cluster/member/list")["_endpoint"] == "https://b:2379"
    assert [c[0] for c in transport.calls] == ["https://a:2379", "https://b:2379"]


def test_all_endpoints_unreachable_names_each_and_why():
    def behaviour(endpoint, path, body):
        if endpoint == "https://a:2379":
            return URLError(ConnectionRefusedError(111, "Connection refused"))
        return TimeoutError("timed out")
    client = client_with(behaviour)[0]
    with pytest.raises(ec.EtcdConnectionError) as caught:
        client.call("/v3/maintenance/status")
    assert str(caught.value) == ("cannot reach any etcd endpoint (https://a:2379: [Errno 111] Connection refused; "
                                 "https://b:2379: timed out)")


def test_single_endpoint_message():
    client = ec.EtcdClient(["https://a:2379"])
    client._open = FakeTransport(lambda e, p, b: URLError("[SSL: CERTIFICATE_VERIFY_FAILED] nope"))
    with pytest.raises(ec.EtcdConnectionError, match=r"^cannot reach etcd at https://a:2379: \[SSL"):
        client.call("/v3/maintenance/status")


def test_unavailable_moves_on_and_reports_when_nobody_serves():
    def behaviour(endpoint, path, body):
        return http_error(endpoint + path, 503, {"code": 14, "message": "etcdserver: no leader"})
    client, transport = client_with(behaviour)
    with pytest.raises(ec.EtcdApiError) as caught:
        client.call("/v3/kv/range", {})
    assert len(transport.calls) == 2
    assert "no etcd endpoint could serve /v3/kv/range (https://a:2379: etcdserver: no leader; " in str(caught.value)


def test_api_error_is_not_retried_elsewhere_and_names_endpoint():
    def behaviour(endpoint, path, body):
        return http_error(endpoint + path, 400, {"error": "etcdserver: member not found",
                                                 "message": "etcdserver: member not found", "code": 5})
    client, transport = client_with(behaviour)
    with pytest.raises(ec.EtcdApiError) as caught:
        client.call("/v3/cluster/member/remove", {"ID": "1"})
    assert len(transport.calls) == 1 and caught.value.code == 5
    assert str(caught.value) == ("etcd at https://a:2379 refused /v3/cluster/member/remove (HTTP 400): "
                                 "etcdserver: member not found")


def test_bad_credentials():
    def behaviour(endpoint, path, body):
        assert path == "/v3/auth/authenticate" and body == {"name": "root", "password": "wrong"}
        return http_error(endpoint + path, 400, {"code": 3, "message":
                                                 "etcdserver: authentication failed, invalid user ID or password"})
    client = client_with(behaviour, user="root", password="wrong")[0]
    with pytest.raises(ec.EtcdAuthError) as caught:
        client.call("/v3/maintenance/status")
    assert str(caught.value) == ("authentication as user 'root' failed at https://a:2379: "
                                 "etcdserver: authentication failed, invalid user ID or password")


@pytest.mark.parametrize("status, refusal", [
    (401, {"code": 16, "message": "etcdserver: invalid auth token"}),
    # a JWT issued before a role or permission changed
    (400, {"code": 3, "message": "etcdserver: revision of auth store is old"}),
])
def test_token_sent_and_renewed_once_when_expired(status, refusal):
    state = {"tokens": 0, "rejected": False}

    def behaviour(endpoint, path, body):
        if path == "/v3/auth/authenticate":
            state["tokens"] += 1
            return {"token": "t%d" % state["tokens"]}
        if not state["rejected"]:
            state["rejected"] = True
            return http_error(endpoint + path, status, refusal)
        return {"ok": True}
    client, transport = client_with(behaviour, user="root", password="pw")
    assert client.call("/v3/maintenance/status")["ok"] is True
    assert [c[2] for c in transport.calls if c[1] != "/v3/auth/authenticate"] == ["t1", "t2"]


def test_auth_not_enabled_is_harmless():
    def behaviour(endpoint, path, body):
        if path == "/v3/auth/authenticate":
            return http_error(endpoint + path, 400, {"code": 9, "message": "etcdserver: authentication is not enabled"})
        return {"ok": True}
    client, transport = client_with(behaviour, user="root", password="pw")
    assert client.call("/v3/maintenance/status")["ok"]
    assert transport.calls[-1][2] is None


def test_wait_until_retries_only_what_it_is_told(monkeypatch):
    monkeypatch.setattr(ec.time, "sleep", lambda s: None)
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ec.EtcdApiError("x", server_message="not in sync with leader")
        return "done"
    assert ec.wait_until(flaky, lambda e: "in sync" in e.server_message, timeout=60) == "done"
    with pytest.raises(ec.EtcdApiError):
        ec.wait_until(lambda: (never for never in ()).throw(ec.EtcdApiError("y", server_message="other")),
                      lambda e: "in sync" in e.server_message, timeout=60)


@pytest.mark.parametrize("cluster_version, asks_status", [("3.5.0", True), ("3.4.0", False), ("", False)])
def test_auth_status_is_asked_only_of_a_cluster_of_version_3_5(monkeypatch, cluster_version, asks_status):
    """etcd 3.5 passes /v3/auth/status through raft: a 3.4 member of the cluster (during an upgrade) would stop."""
    client = ec.EtcdClient(["https://a:2379"], ca_cert="/ca.pem")
    paths = []

    def call(path, body=None, endpoint=None, timeout=None):
        paths.append(path)
        if path == "/v3/auth/status":
            return {"enabled": True}
        raise ec.EtcdApiError("authentication is not enabled", "https://a:2379", server_message="authentication is not enabled")

    monkeypatch.setattr(client, "version", lambda endpoint: {"server": "3.5.16", "cluster": cluster_version})
    monkeypatch.setattr(client, "call", call)
    assert client.auth_enabled() is asks_status
    assert ("/v3/auth/status" in paths) is asks_status


NOT_FOUND = {"error": "etcdserver: member not found", "message": "etcdserver: member not found", "code": 5}


def test_a_removal_that_timed_out_at_one_endpoint_and_is_found_done_at_the_next_succeeds():
    def behaviour(endpoint, path, body):
        if endpoint == "https://a:2379":
            return TimeoutError("timed out")
        if path == "/v3/cluster/member/remove":
            return http_error(endpoint + path, 404, NOT_FOUND)
        return {"header": {"cluster_id": "1"}, "members": [{"ID": "2", "name": "m2", "peerURLs": ["https://b:2380"]}]}
    client, transport = client_with(behaviour)
    client.member_remove(1)
    assert [call[1] for call in transport.calls] == ["/v3/cluster/member/remove"] * 2 + ["/v3/cluster/member/list"] * 2


def test_a_member_not_found_that_is_still_listed_is_refused():
    def behaviour(endpoint, path, body):
        if path == "/v3/cluster/member/remove":
            return http_error(endpoint + path, 404, NOT_FOUND)
        return {"header": {"cluster_id": "1"}, "members": [{"ID": "1", "name": "m1", "peerURLs": ["https://a:2380"]}]}
    client = client_with(behaviour)[0]
    with pytest.raises(ec.EtcdApiError, match="member not found"):
        client.member_remove(1)


PEER_URLS_EXIST = {"error": "etcdserver: Peer URLs already exists", "message": "etcdserver: Peer URLs already exists",
                   "code": 9}


def test_an_addition_that_timed_out_at_one_endpoint_and_is_found_done_at_the_next_returns_that_member():
    def behaviour(endpoint, path, body):
        if endpoint == "https://a:2379":
            return TimeoutError("timed out")
        if path == "/v3/cluster/member/add":
            return http_error(endpoint + path, 400, PEER_URLS_EXIST)
        return {"header": {"cluster_id": "1"}, "members": [
            {"ID": "2", "name": "m2", "peerURLs": ["https://b:2380"]},
            {"ID": "3", "peerURLs": ["https://c:2380"], "isLearner": True}]}
    client = client_with(behaviour)[0]
    assert client.member_add(["https://c:2380"], learner=True)["id_decimal"] == 3


def test_peer_urls_that_a_member_of_another_kind_has_are_refused():
    def behaviour(endpoint, path, body):
        if path == "/v3/cluster/member/add":
            return http_error(endpoint + path, 400, PEER_URLS_EXIST)
        return {"header": {"cluster_id": "1"}, "members": [{"ID": "3", "name": "m3", "peerURLs": ["https://c:2380"]}]}
    client = client_with(behaviour)[0]
    with pytest.raises(ec.EtcdApiError, match="Peer URLs already exists"):
        client.member_add(["https://c:2380"], learner=True)
