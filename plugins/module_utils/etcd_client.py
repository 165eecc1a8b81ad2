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
import binascii
import http.client
import json
import re
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
# A user name no one has: etcd 3.4 tells whether authentication is on only by refusing to authenticate it.
AUTH_PROBE_USER = "quorum-etcd-auth-probe"
# What etcd answers to a token issued before users, roles or permissions last changed.
AUTH_OLD_REVISION = "revision of auth store is old"
MEMBER_NOT_FOUND = "member not found"
PEER_URLS_EXIST = "Peer URLs already exists"

# gRPC status codes that etcd's gateway returns in {"code": N}.
GRPC_FAILED_PRECONDITION = 9
GRPC_UNAVAILABLE = 14
GRPC_UNAUTHENTICATED = 16

_TRANSPORT_ERRORS = (URLError, UrlsConnectionError, OSError, http.client.HTTPException, socket.timeout)

# The snapshot stream: one JSON message per line, each carrying up to 32 KiB of the database.
STREAM_READ_SIZE = 1 << 20
STREAM_MAX_LINE = 64 << 20  # anything near this is not etcd
_RESULT_PREFIX = b'{"result":'
_BLOB_KEY = b'"blob":"'


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
    # /health's 503 is no gateway error: {"health": "false", "reason": "ALARM NOSPACE"} (no reason before 3.5).
    return payload.get("code"), to_text(payload.get("message") or err or payload.get("reason") or "")


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
        """One request to one endpoint; retried once with a fresh token if etcd says it expired, or that it
        predates a change of users, roles or permissions (as etcd's own client does)."""
        for retry in (False, True):
            try:
                return self._open(method, endpoint + path, body, self._headers(endpoint), timeout)
            except HTTPError as exc:
                err = self._error_from_http(exc, endpoint, path)
                stale = err.code == GRPC_UNAUTHENTICATED or AUTH_OLD_REVISION in err.server_message
                if stale and self.user and not retry:
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

    def health(self, endpoint: str) -> tuple[bool, str]:
        """(healthy, reason) from one member's /health: healthy when it has a leader and no alarm."""
        try:
            answer = self.get("/health", endpoint)
        except EtcdError as exc:
            return False, str(exc)
        if str(answer.get("health")).lower() == "true":
            return True, ""
        return False, answer.get("reason") or "etcd reports itself unhealthy"

    def version(self, endpoint: str) -> dict:
        """{"server": ..., "cluster": ...} from one member's /version (cluster is empty before it is decided)."""
        answer = self.get("/version", endpoint)
        return {"server": answer.get("etcdserver", ""), "cluster": answer.get("etcdcluster", "")}

    # members --------------------------------------------------------------------------------------

    def member_add(self, peer_urls: list[str], learner: bool = False) -> dict:
        """Adds a member (a learner when asked) and returns it; it has no name until it starts. An endpoint that took
        the request but did not answer in time leaves the next one to find the member there already: that member is
        this one."""
        try:
            answer = self.call("/v3/cluster/member/add", {"peerURLs": peer_urls, "isLearner": learner})
        except EtcdApiError as exc:
            if PEER_URLS_EXIST not in exc.server_message:
                raise
            added = [member for member in self.member_list()[1]
                     if set(member["peer_urls"]) == set(peer_urls) and member["is_learner"] == learner]
            if len(added) != 1:
                raise
            return added[0]
        return normalize_member(answer["member"])

    def member_update(self, member_id: int, peer_urls: list[str]) -> None:
        self.call("/v3/cluster/member/update", {"ID": str(member_id), "peerURLs": peer_urls})

    def member_promote(self, member_id: int, endpoint: str | None = None) -> None:
        """Promotes a learner; etcd refuses while it is not "in sync with leader"."""
        self.call("/v3/cluster/member/promote", {"ID": str(member_id)}, endpoint)

    def member_remove(self, member_id: int) -> None:
        """Removes a member. An endpoint that took the request but did not answer in time leaves the next one to
        find the member gone already: that removal is this one."""
        try:
            self.call("/v3/cluster/member/remove", {"ID": str(member_id)})
        except EtcdApiError as exc:
            if MEMBER_NOT_FOUND not in exc.server_message:
                raise
            if any(member["id_decimal"] == member_id for member in self.member_list()[1]):
                raise

    def move_leader(self, target_id: int, leader_endpoint: str) -> None:
        """Hands leadership to ``target_id``; etcd takes the request only at the leader."""
        self.call("/v3/maintenance/transfer-leadership", {"targetID": str(target_id)}, leader_endpoint)

    # maintenance ----------------------------------------------------------------------------------

    def compact(self, revision: int, physical: bool = True, timeout: float | None = None) -> None:
        """Compacts the key history up to ``revision``; physical waits until the backend has dropped it."""
        self.call("/v3/kv/compaction", {"revision": str(revision), "physical": physical}, timeout=timeout)

    def defragment(self, endpoint: str, timeout: float | None = None) -> None:
        """Defragments one member's backend (it answers nothing else meanwhile)."""
        self.call("/v3/maintenance/defragment", {}, endpoint, timeout=timeout)

    def snapshot(self, endpoint: str):
        """The bytes of a snapshot streamed by one member, chunk by chunk, in bounded memory.

        Each message is one line ``{"result": {"blob": base64, ...}}``; an error aborts the stream."""
        used, response = self.open("/v3/maintenance/snapshot", {}, endpoint)
        try:
            for line in _stream_lines(response, used):
                yield _stream_blob(line, used)
        finally:
            response.close()

    # leases and keys ------------------------------------------------------------------------------

    def lease_grant(self, ttl: int) -> int:
        """A new lease of ``ttl`` seconds; returns its ID."""
        return to_int(self.call("/v3/lease/grant", {"TTL": str(ttl)}).get("ID"))

    def lease_revoke(self, lease_id: int) -> None:
        self.call("/v3/lease/revoke", {"ID": str(lease_id)})

    def put(self, key: str | bytes, value: str | bytes, lease_id: int = 0) -> int:
        """Writes one key; returns the revision of the write."""
        body = {"key": to_b64(key), "value": to_b64(value)}
        if lease_id:
            body["lease"] = str(lease_id)
        return to_int((self.call("/v3/kv/put", body).get("header") or {}).get("revision"))

    def range(self, key: str | bytes, prefix: bool = False, revision: int = 0,
              endpoint: str | None = None) -> list[dict]:
        """The keys at ``key`` (or under it, with prefix) as [{"key", "value", "mod_revision", "lease"}]."""
        answer = self.call("/v3/kv/range", self._range_body(key, prefix, revision), endpoint)
        return [{"key": from_b64(kv.get("key")), "value": from_b64(kv.get("value")),
                 "mod_revision": to_int(kv.get("mod_revision")), "lease": to_int(kv.get("lease"))}
                for kv in answer.get("kvs") or []]

    def count(self, key: str | bytes = b"\x00", prefix: bool = False, revision: int = 0,
              endpoint: str | None = None) -> int:
        """How many keys ``range`` would return; by default every key in the key space."""
        body = self._range_body(key, prefix, revision)
        if key == b"\x00" and not prefix:
            body["range_end"] = to_b64(b"\x00")
        body["count_only"] = True
        return to_int(self.call("/v3/kv/range", body, endpoint).get("count"))

    def delete(self, key: str | bytes, prefix: bool = False) -> int:
        """Deletes a key (or every key under it); returns how many were deleted."""
        body = {"key": to_b64(key)}
        if prefix:
            body["range_end"] = to_b64(prefix_range_end(key))
        return to_int(self.call("/v3/kv/deleterange", body).get("deleted"))

    @staticmethod
    def _range_body(key: str | bytes, prefix: bool, revision: int) -> dict:
        body = {"key": to_b64(key)}
        if prefix:
            body["range_end"] = to_b64(prefix_range_end(key))
        if revision:
            body["revision"] = str(revision)
        return body

    # access control -------------------------------------------------------------------------------

    def cluster_version(self) -> str:
        """The cluster version ("3.4.0") from the first endpoint that answers /version; "" before it is decided."""
        reasons = []
        for endpoint in self.endpoints:
            try:
                return self.version(endpoint)["cluster"]
            except EtcdError as exc:
                reasons.append(str(exc))
        raise EtcdError("cannot reach any etcd endpoint (%s)" % "; ".join(reasons))

    def auth_enabled(self) -> bool:
        """Whether authentication is on: a cluster of version 3.5 says so (/v3/auth/status). Below it (etcd 3.4,
        or 3.4 and 3.5 members during an upgrade) that request is never sent: etcd 3.5 passes it through raft, and
        a 3.4 member, which cannot apply it, stops ("panic: not implemented"). The cluster is asked instead to
        authenticate a user that does not exist, which it refuses as "not enabled" only when off."""
        version = tuple(int(part) for part in re.findall(r"\d+", self.cluster_version())[:2])
        if version >= (3, 5):
            return bool(self.call("/v3/auth/status").get("enabled", False))
        return self.authenticates(AUTH_PROBE_USER, "") is not None

    def authenticates(self, name: str, password: str) -> bool | None:
        """Whether etcd accepts this user and password; None while authentication is off (it cannot tell)."""
        path = "/v3/auth/authenticate"
        try:
            self.call(path, {"name": name, "password": password})
        except EtcdApiError as exc:
            if "authentication is not enabled" in exc.server_message:
                return None
            if "authentication failed" in exc.server_message or "invalid user ID or password" in exc.server_message:
                return False
            raise
        return True

    def auth_enable(self) -> None:
        self.call("/v3/auth/enable")
        self._tokens.clear()  # tokens from before are void; etcd would take the request as the certificate's user

    def auth_disable(self) -> None:
        self.call("/v3/auth/disable")
        self._tokens.clear()

    def users(self) -> list[str]:
        return list(self.call("/v3/auth/user/list").get("users") or [])

    def user_add(self, name: str, password: str | None = None) -> None:
        """Adds a user; without a password it can only authenticate by client certificate."""
        if password is None:
            self.call("/v3/auth/user/add", {"name": name, "options": {"no_password": True}})
        else:
            self.call("/v3/auth/user/add", {"name": name, "password": password})

    def user_change_password(self, name: str, password: str) -> None:
        self.call("/v3/auth/user/changepw", {"name": name, "password": password})

    def user_delete(self, name: str) -> None:
        self.call("/v3/auth/user/delete", {"name": name})

    def user_roles(self, name: str) -> list[str]:
        return list(self.call("/v3/auth/user/get", {"name": name}).get("roles") or [])

    def user_grant_role(self, name: str, role: str) -> None:
        self.call("/v3/auth/user/grant", {"user": name, "role": role})

    def user_revoke_role(self, name: str, role: str) -> None:
        self.call("/v3/auth/user/revoke", {"name": name, "role": role})

    def roles(self) -> list[str]:
        return list(self.call("/v3/auth/role/list").get("roles") or [])

    def role_add(self, name: str) -> None:
        self.call("/v3/auth/role/add", {"name": name})

    def role_delete(self, name: str) -> None:
        self.call("/v3/auth/role/delete", {"role": name})

    def role_permissions(self, name: str) -> list[dict]:
        """[{"permission": "READ"|"WRITE"|"READWRITE", "key": bytes, "range_end": bytes}]."""
        answer = self.call("/v3/auth/role/get", {"role": name})
        return [{"permission": perm.get("permType", "READ"), "key": from_b64(perm.get("key")),
                 "range_end": from_b64(perm.get("range_end"))} for perm in answer.get("perm") or []]

    def role_grant(self, name: str, permission: str, key: str | bytes, prefix: bool = False,
                   range_end: str | bytes = b"") -> None:
        """Grants READ, WRITE or READWRITE on a key, on every key under it with prefix, or on [key, range_end)."""
        perm = {"permType": permission, "key": to_b64(key)}
        if prefix:
            range_end = prefix_range_end(key)
        if range_end:
            perm["range_end"] = to_b64(range_end)
        self.call("/v3/auth/role/grant", {"name": name, "perm": perm})

    def role_revoke(self, name: str, key: str | bytes, range_end: str | bytes = b"") -> None:
        """Revokes the role's permission on exactly this key and range end."""
        body = {"role": name, "key": to_b64(key)}
        if range_end:
            body["range_end"] = to_b64(range_end)
        self.call("/v3/auth/role/revoke", body)


def _stream_lines(response, endpoint: str):
    """The non-empty lines of a streamed body, holding at most one line and one read in memory."""
    read = getattr(response, "read1", None) or response.read
    pending = b""
    while True:
        try:
            data = read(STREAM_READ_SIZE)
        except (OSError, http.client.HTTPException) as exc:
            raise EtcdError("the snapshot stream from %s broke off: %s" % (endpoint, to_native(exc) or repr(exc)),
                            endpoint)
        if not data:
            break
        lines = (pending + data).split(b"\n") if pending else data.split(b"\n")
        pending = lines.pop()
        if len(pending) > STREAM_MAX_LINE:
            raise EtcdError("the snapshot stream sent a line longer than %d bytes" % STREAM_MAX_LINE, endpoint)
        for line in lines:
            if line.strip():
                yield line
    if pending.strip():
        yield pending


def _stream_blob(line: bytes, endpoint: str) -> bytes:
    """The bytes one stream message carries. Result lines are cut without a JSON parse: base64 has no quote,
    so the first ``"blob":"`` is the key and the next quote ends the value. Anything else goes through json."""
    if line.startswith(_RESULT_PREFIX):
        start = line.find(_BLOB_KEY)
        end = line.find(b'"', start + len(_BLOB_KEY)) if start > 0 else -1
        if end > 0:
            return binascii.a2b_base64(memoryview(line)[start + len(_BLOB_KEY):end])
    message = json.loads(line)
    if "error" in message:
        err = message["error"]
        raise EtcdError("etcd at %s aborted the snapshot: %s"
                        % (endpoint, err.get("message") if isinstance(err, dict) else err), endpoint)
    return from_b64(message.get("result", {}).get("blob"))


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
