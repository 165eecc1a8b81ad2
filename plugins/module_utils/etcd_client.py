# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A dependency-free client for etcd's v3 JSON gateway, shared by the quorum.etcd modules.

It speaks HTTP(S) through ``ansible.module_utils.urls`` only. The gateway's quirks are handled
here: keys and values are base64, 64-bit integers arrive as decimal strings, false booleans and
zero values are left out of the JSON, member IDs are uint64 (etcdctl prints them in hex).
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
from urllib.error import HTTPError, URLError

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import Request

DEFAULT_ENDPOINT = "https://127.0.0.1:2379"
DEFAULT_TIMEOUT = 5.0
USER_AGENT = "ansible-quorum.etcd"

# gRPC status codes that etcd's gateway returns in {"code": N}.
GRPC_FAILED_PRECONDITION = 9
GRPC_UNAVAILABLE = 14
GRPC_UNAUTHENTICATED = 16

_TRANSPORT_ERRORS = (URLError, UrlsConnectionError, OSError, http.client.HTTPException, socket.timeout)


def etcd_argument_spec() -> dict:
    """The connection options every quorum.etcd module takes (documented in quorum.etcd.connection)."""
    return dict(
        endpoints=dict(type="list", elements="str", default=[DEFAULT_ENDPOINT],
                       fallback=(env_fallback, ["ETCDCTL_ENDPOINTS"])),
        ca_cert=dict(type="path", fallback=(env_fallback, ["ETCDCTL_CACERT"])),
        client_cert=dict(type="path", fallback=(env_fallback, ["ETCDCTL_CERT"])),
        client_key=dict(type="path", fallback=(env_fallback, ["ETCDCTL_KEY"]), no_log=False),
        user=dict(type="str", fallback=(env_fallback, ["ETCDCTL_USER"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["ETCDCTL_PASSWORD"])),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT),
    )


def etcd_required_together() -> list:
    return [["client_cert", "client_key"]]


# --- encodings ----------------------------------------------------------------------------------

def to_b64(value: str | bytes) -> str:
    """Base64 of a key or value, as the gateway expects bytes fields."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def from_b64(value: str | None) -> bytes:
    """Bytes of a base64 field from the gateway; an omitted field is empty."""
    return base64.b64decode(value or "")


def prefix_range_end(prefix: str | bytes) -> bytes:
    """The range end that selects every key starting with ``prefix`` (etcdctl's GetPrefixRangeEnd).

    The last byte below 0xff is incremented and what follows it dropped; a prefix of only 0xff bytes
    (or an empty one) yields ``b"\\x00"``, which etcd reads as "every key from here on".
    """
    if isinstance(prefix, str):
        prefix = prefix.encode("utf-8")
    end = bytearray(prefix)
    for i in range(len(end) - 1, -1, -1):
        if end[i] < 0xFF:
            end[i] += 1
            return bytes(end[:i + 1])
    return b"\x00"


def to_int(value) -> int:
    """An int64/uint64 field: a decimal string, a number, or omitted (zero)."""
    if value in (None, ""):
        return 0
    return int(value)


def member_id_hex(member_id) -> str:
    """A member ID as etcdctl prints it: lowercase hex, no 0x, no padding."""
    return "%x" % to_int(member_id)


def parse_member_id(value) -> int:
    """A member ID given by a user: an integer is decimal; a string is hex as etcdctl prints it
    (an optional 0x prefix is accepted)."""
    if isinstance(value, bool):
        raise ValueError("a member ID is not a boolean")
    if isinstance(value, int):
        result = value
    else:
        text = to_text(value).strip().lower()
        if text.startswith("0x"):
            text = text[2:]
        try:
            result = int(text, 16)
        except ValueError:
            raise ValueError("member ID %r is not hexadecimal (as etcdctl prints it)" % (value,))
    if not 0 < result < 2 ** 64:
        raise ValueError("member ID %r is out of the uint64 range" % (value,))
    return result


def normalize_member(raw: dict) -> dict:
    """A member from /v3/cluster/member/list in the shape the modules return."""
    member_id = to_int(raw.get("ID"))
    return {
        "id": member_id_hex(member_id),
        "id_decimal": member_id,
        "name": raw.get("name", ""),
        "peer_urls": list(raw.get("peerURLs") or []),
        "client_urls": list(raw.get("clientURLs") or []),
        "is_learner": bool(raw.get("isLearner", False)),
    }


def normalize_endpoint(endpoint: str, secure: bool) -> str:
    endpoint = endpoint.strip().rstrip("/")
    if "://" not in endpoint:
        endpoint = ("https://" if secure else "http://") + endpoint
    return endpoint


# --- errors -------------------------------------------------------------------------------------

class EtcdError(Exception):
    """Any failure talking to etcd; the message names the endpoint and the reason."""

    def __init__(self, msg: str, endpoint: str | None = None, code: int | None = None):
        super(EtcdError, self).__init__(msg)
        self.endpoint = endpoint
        self.code = code


class EtcdConnectionError(EtcdError):
    """No endpoint could be reached (each endpoint's reason is in the message)."""


class EtcdApiError(EtcdError):
    """etcd answered with an error (``code`` is the gRPC status code)."""

    def __init__(self, msg: str, endpoint: str | None = None, code: int | None = None,
                 server_message: str = ""):
        super(EtcdApiError, self).__init__(msg, endpoint, code)
        self.server_message = server_message


class EtcdAuthError(EtcdApiError):
    """Authentication failed (bad user or password)."""


def _transport_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    if reason is not None and not isinstance(exc, HTTPError):
        return to_native(reason)
    if isinstance(exc, socket.timeout):
        return "timed out"
    return to_native(exc) or exc.__class__.__name__


def _gateway_error(payload: dict) -> tuple[int | None, str]:
    """(gRPC code, message) of a gateway error body; 3.4 and 3.5 shape it differently."""
    err = payload.get("error")
    if isinstance(err, dict):  # streaming errors: {"error": {"grpc_code": .., "message": ..}}
        return err.get("grpc_code", err.get("code")), to_text(err.get("message", ""))
    return payload.get("code"), to_text(payload.get("message") or err or "")


# --- client -------------------------------------------------------------------------------------

class EtcdClient:
    """Talks to etcd's /v3 JSON gateway over one or more endpoints.

    Requests go to the first endpoint that answers; an endpoint that cannot be reached (refused,
    timed out, TLS failure, or etcd answering "unavailable") is skipped for the next one. With a user,
    a token from /v3/auth/authenticate is fetched per endpoint (simple tokens are per member) and sent
    in the Authorization header.
    """

    def __init__(self, endpoints: list[str] | None = None, ca_cert: str | None = None,
                 client_cert: str | None = None, client_key: str | None = None,
                 user: str | None = None, password: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        secure = bool(ca_cert or client_cert)
        self.endpoints = [normalize_endpoint(e, secure) for e in (endpoints or [DEFAULT_ENDPOINT]) if e.strip()]
        if not self.endpoints:
            raise EtcdError("no etcd endpoint given")
        if user and password is None and ":" in user:  # etcdctl's --user user:password
            user, password = user.split(":", 1)
        self.ca_cert = ca_cert
        self.client_cert = client_cert
        self.client_key = client_key
        self.user = user
        self.password = password
        self.timeout = timeout
        self._tokens: dict[str, str | None] = {}

    @classmethod
    def from_module(cls, module) -> "EtcdClient":
        p = module.params
        return cls(p["endpoints"], p["ca_cert"], p["client_cert"], p["client_key"],
                   p["user"], p["password"], p["timeout"])

    # transport ------------------------------------------------------------------------------------

    def _open(self, method: str, url: str, body: dict | None, headers: dict, timeout: float | None):
        request = Request(
            headers=headers, use_proxy=False, timeout=timeout or self.timeout, validate_certs=True,
            ca_path=self.ca_cert, client_cert=self.client_cert, client_key=self.client_key,
            http_agent=USER_AGENT, use_netrc=False, follow_redirects="none")
        data = None if body is None else json.dumps(body)
        return request.open(method, url, data=data)

    @staticmethod
    def _error_from_http(exc: HTTPError, endpoint: str, path: str) -> EtcdApiError:
        try:
            raw = exc.read()
        except Exception:  # pylint: disable=broad-except
            raw = b""
        code, message = None, to_text(raw, errors="surrogate_or_replace").strip()
        try:
            code, message = _gateway_error(json.loads(raw))
        except (ValueError, AttributeError):
            pass
        return EtcdApiError("etcd at %s refused %s (HTTP %s): %s" % (endpoint, path, exc.code, message or exc.reason),
                            endpoint, code, message)

    def _headers(self, endpoint: str) -> dict:
        headers = {"Content-Type": "application/json"}
        token = self._token(endpoint)
        if token:
            headers["Authorization"] = token
        return headers

    def _token(self, endpoint: str) -> str | None:
        if not self.user:
            return None
        if endpoint not in self._tokens:
            self._tokens[endpoint] = self._authenticate(endpoint)
        return self._tokens[endpoint]

    def _authenticate(self, endpoint: str) -> str | None:
        path = "/v3/auth/authenticate"
        try:
            resp = self._open("POST", endpoint + path, {"name": self.user, "password": self.password or ""},
                              {"Content-Type": "application/json"}, None)
            return json.loads(resp.read()).get("token")
        except HTTPError as exc:
            err = self._error_from_http(exc, endpoint, path)
            if "authentication is not enabled" in err.server_message:
                return None  # like etcdctl: a user is harmless where auth is off
            if err.code == GRPC_UNAVAILABLE:
                raise err
            raise EtcdAuthError("authentication as user %r failed at %s: %s"
                                % (self.user, endpoint, err.server_message or err), endpoint, err.code,
                                err.server_message)

    def _attempt(self, endpoint: str, method: str, path: str, body: dict | None, timeout: float | None):
        """One request to one endpoint; retried once with a fresh token if etcd says it expired."""
        for retry in (False, True):
            try:
                return self._open(method, endpoint + path, body, self._headers(endpoint), timeout)
            except HTTPError as exc:
                err = self._error_from_http(exc, endpoint, path)
                if err.code == GRPC_UNAUTHENTICATED and self.user and not retry:
                    self._tokens.pop(endpoint, None)
                    continue
                raise err

    def open(self, path: str, body: dict | None = None, endpoint: str | None = None,
             method: str = "POST", timeout: float | None = None):
        """Opens ``path`` on ``endpoint`` or on the first reachable endpoint.

        Returns (endpoint, response). Raises EtcdConnectionError naming each endpoint tried and why.
        """
        candidates = [endpoint.rstrip("/")] if endpoint else self.endpoints
        failures = []
        unavailable = None
        for candidate in candidates:
            try:
                return candidate, self._attempt(candidate, method, path, body, timeout)
            except EtcdApiError as exc:
                if exc.code != GRPC_UNAVAILABLE:
                    raise
                unavailable = exc
                failures.append("%s: %s" % (candidate, exc.server_message or exc))
            except _TRANSPORT_ERRORS as exc:
                failures.append("%s: %s" % (candidate, _transport_reason(exc)))
        if unavailable is not None:  # etcd answered, but no member could serve the request
            raise EtcdApiError("no etcd endpoint could serve %s (%s)" % (path, "; ".join(failures)),
                               candidates[-1], GRPC_UNAVAILABLE, unavailable.server_message)
        if len(candidates) == 1:
            msg = "cannot reach etcd at %s" % failures[0]
        else:
            msg = "cannot reach any etcd endpoint (%s)" % "; ".join(failures)
        raise EtcdConnectionError(msg, candidates[-1])

    def call(self, path: str, body: dict | None = None, endpoint: str | None = None,
             timeout: float | None = None) -> dict:
        """POSTs a JSON request and returns the decoded answer (with "_endpoint" set to who answered)."""
        used, resp = self.open(path, {} if body is None else body, endpoint, timeout=timeout)
        try:
            raw = resp.read()
        except _TRANSPORT_ERRORS as exc:
            raise EtcdConnectionError("reading %s from %s failed: %s" % (path, used, _transport_reason(exc)), used)
        try:
            result = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise EtcdApiError("etcd at %s answered %s with something that is not JSON: %r"
                               % (used, path, raw[:200]), used)
        result["_endpoint"] = used
        return result

    def get(self, path: str, endpoint: str) -> dict:
        """GETs a plain JSON document such as /version or /health from one endpoint."""
        used, resp = self.open(path, None, endpoint, method="GET")
        try:
            return json.loads(resp.read())
        except ValueError:
            raise EtcdApiError("etcd at %s answered %s with something that is not JSON" % (used, path), used)

    # etcd calls -----------------------------------------------------------------------------------

    def member_list(self, endpoint: str | None = None) -> tuple[str, list[dict]]:
        """(cluster id in hex, members) as the cluster sees them."""
        result = self.call("/v3/cluster/member/list", {"linearizable": True}, endpoint)
        header = result.get("header") or {}
        return member_id_hex(header.get("cluster_id")), [normalize_member(m) for m in result.get("members") or []]

    def status(self, endpoint: str | None, timeout: float | None = None) -> dict:
        """/v3/maintenance/status of one member, int64 fields as ints."""
        raw = self.call("/v3/maintenance/status", {}, endpoint, timeout)
        header = raw.get("header") or {}
        return {
            "endpoint": raw["_endpoint"],
            "id": member_id_hex(header.get("member_id")),
            "id_decimal": to_int(header.get("member_id")),
            "cluster_id": member_id_hex(header.get("cluster_id")),
            "revision": to_int(header.get("revision")),
            "version": raw.get("version", ""),
            "db_size": to_int(raw.get("dbSize")),
            "db_size_in_use": to_int(raw.get("dbSizeInUse")),
            "leader": member_id_hex(raw.get("leader")),
            "raft_index": to_int(raw.get("raftIndex")),
            "raft_term": to_int(raw.get("raftTerm")),
            "raft_applied_index": to_int(raw.get("raftAppliedIndex")),
            "is_learner": bool(raw.get("isLearner", False)),
            "errors": list(raw.get("errors") or []),
        }

    def leader_urls(self, members: list[dict]) -> list[str]:
        """Client URLs of the leader as the first reachable endpoint sees it (empty if unknown)."""
        leader = self.status(None)["leader"]
        return next((m["client_urls"] for m in members if m["id"] == leader), [])

    def first_status(self, urls: list[str], timeout: float | None = None) -> tuple[dict | None, str | None]:
        """Status from the first of a member's client URLs that answers: (status, None) or (None, reason)."""
        reasons = []
        for url in urls:
            try:
                return self.status(url, timeout), None
            except EtcdError as exc:
                reasons.append(str(exc))
        return None, "; ".join(reasons) or "the member has no client URL (not started yet?)"

    def alarms(self) -> list[dict]:
        """Active alarms: [{"id": hex member id, "id_decimal": int, "alarm": "NOSPACE"|"CORRUPT"}]."""
        result = self.call("/v3/maintenance/alarm", {"action": "GET"})
        return [{"id": member_id_hex(a.get("memberID")), "id_decimal": to_int(a.get("memberID")),
                 "alarm": a.get("alarm", "NONE")} for a in result.get("alarms") or []]

    def disarm(self, alarm: dict) -> None:
        self.call("/v3/maintenance/alarm", {"action": "DEACTIVATE", "memberID": str(alarm["id_decimal"]),
                                            "alarm": alarm["alarm"]})


def client_or_fail(module) -> EtcdClient:
    try:
        return EtcdClient.from_module(module)
    except EtcdError as exc:
        module.fail_json(msg=str(exc))


def wait_until(action, retry_if, timeout: float, interval: float = 1.0):
    """Calls ``action`` until it does not raise an EtcdError for which ``retry_if`` holds, or the
    timeout passes (then the last error is raised)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except EtcdError as exc:
            if not retry_if(exc) or time.monotonic() + interval > deadline:
                raise
        time.sleep(interval)
