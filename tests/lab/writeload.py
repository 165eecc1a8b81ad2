"""A bounded write load on an etcd cluster, to prove that a rolling operation loses no write.

Writes go to etcd's v3 JSON gateway (``POST {endpoint}/v3/kv/put``) over HTTPS with a client
certificate, one after another from one thread at a fixed rate, each under a unique key below
``prefix``. A write tries the endpoints in turn (starting from a rotating one, an endpoint that failed
in the last 10 s after the others, moving on at once after a connection error, a timeout or an answer
other than HTTP 200 with a JSON header) until one acknowledges it; a write that no endpoint
acknowledges within ``deadline_s`` (5 s) counts as failed.
Afterwards ``verify()`` reads every acknowledged key back and reports those missing or changed::

    with WriteLoad(endpoints, ca, cert, key) as load:
        run_the_rolling_flow()
    load.verify()
    assert load.result.failed == 0 and load.result.lost == [], load.summary()

The load is bounded: it stops by itself after ``max_duration_s`` or ``max_writes``, whichever
comes first. It only ever connects to the endpoints it is given. Standard library only.

As a command: ``python tests/lab/writeload.py --endpoints https://10.0.0.1:2379,... --cacert ca.pem
--cert admin.pem --key admin-key.pem --duration 30`` prints the summary and exits 1 when a write
failed or was lost.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import os
import ssl
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

REQUEST_TIMEOUT_S = 2.0  # one request's limit, so that a write's 5 s leave room to try other endpoints
RETRY_PAUSE_S = 0.05  # between two rounds over every endpoint when none answered
SUSPECT_S = 10.0  # how long an endpoint that failed is tried after the others, as etcd's client balancer does
MAX_FAILURES_KEPT = 10
READ_PAGE = 1000  # keys per range request in verify()


class WriteLoadError(RuntimeError):
    """The load cannot do what it was asked (not started, still running, nothing to read from)."""


@dataclass
class WriteLoadResult:
    attempted: int = 0
    acknowledged: int = 0
    failed: int = 0
    # The first failures: {"key", "at_s" (began, since the load's start), "gave_up_after_s",
    # "time" (epoch seconds when given up), "errors": {endpoint: its last error}}
    failures: list = field(default_factory=list)
    max_latency_s: float = 0.0
    p99_latency_s: float = 0.0
    duration_s: float = 0.0
    lost: list | None = None  # the acknowledged keys missing or changed; None until verify()

    def __getitem__(self, name):  # result["failed"] as well as result.failed
        return getattr(self, name)

    def as_dict(self) -> dict:
        return asdict(self)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _prefix_end(prefix: bytes) -> bytes:
    """The range_end that, with key=prefix, selects every key starting with prefix."""
    end = bytearray(prefix)
    while end:
        if end[-1] < 0xFF:
            end[-1] += 1
            return bytes(end)
        end.pop()
    return b"\x00"  # every key


def _percentile(sorted_values: list, fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


# What etcd answers a request without a token, or with one that expired or predates an auth change.
AUTH_REFUSALS = ("user name is empty", "invalid auth token", "revision of auth store is old", "HTTP 401")


class _Endpoint:
    """One endpoint with a kept-alive connection, used by one thread at a time."""

    def __init__(self, url: str, context: ssl.SSLContext, credentials: tuple[str, str] | None = None):
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"not an http(s) endpoint: {url!r}")
        self.url = url.rstrip("/")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.base = parts.path
        self.context = context
        self.conn = None
        # etcd's user and password, once authentication is on: a token is fetched when etcd asks for one.
        self.credentials = credentials
        self.token: str | None = None
        self.failed_at = float("-inf")  # monotonic time of its last failure

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(self, path: str, body: dict, timeout: float) -> dict:
        """The JSON answer to a POST; raises OSError, http.client.HTTPException or ValueError, and notes when."""
        try:
            answer = self._post_authenticated(path, body, timeout)
        except (OSError, http.client.HTTPException, ValueError):
            self.failed_at = time.monotonic()
            raise
        self.failed_at = float("-inf")
        return answer

    def _post_authenticated(self, path: str, body: dict, timeout: float) -> dict:
        """With credentials, a refusal for want of a (fresh) token is answered by fetching one and trying again once."""
        try:
            return self._post(path, body, timeout)
        except ValueError as exc:
            # Without a token etcd takes a gateway request for the gateway's own, by its member certificate's
            # common name, which no user has: permission denied.
            refusals = AUTH_REFUSALS + (() if self.token else ("permission denied",))
            if not self.credentials or not any(word in str(exc) for word in refusals):
                raise
        answer = self._post("/v3/auth/authenticate",
                            {"name": self.credentials[0], "password": self.credentials[1]}, timeout, header=False)
        self.token = answer.get("token")
        return self._post(path, body, timeout)

    def _post(self, path: str, body: dict, timeout: float, header: bool = True) -> dict:
        payload = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = self.token
        if self.conn is None:
            if self.scheme == "https":
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                                        context=self.context)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        else:
            self.conn.timeout = timeout
            if self.conn.sock is not None:
                self.conn.sock.settimeout(timeout)
        try:
            self.conn.request("POST", self.base + path, body=payload, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except BaseException:
            self.close()
            raise
        if resp.status != 200:
            raise ValueError(f"HTTP {resp.status}: {data[:200].decode(errors='replace').strip()}")
        try:
            answer = json.loads(data)
        except ValueError:
            raise ValueError(f"not JSON: {data[:200]!r}") from None
        if not isinstance(answer, dict) or (header and "header" not in answer):
            raise ValueError(f"no header in the answer: {data[:200]!r}")
        return answer


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, (TimeoutError, ssl.SSLError, ConnectionError, http.client.HTTPException)):
        text = f"{exc.__class__.__name__}: {text}"
    return text


class WriteLoad:
    """A write load on ``endpoints``; a context manager, or ``start()`` then ``stop()``."""

    def __init__(self, endpoints: list[str], ca: str, cert: str, key: str, prefix: str | None = None,
                 rate: float = 20.0, deadline_s: float = 5.0, max_duration_s: float = 600,
                 max_writes: int = 20000, credentials: tuple[str, str] | None = None):
        if not endpoints:
            raise ValueError("no endpoints")
        if rate <= 0 or deadline_s <= 0 or max_duration_s <= 0 or max_writes <= 0:
            raise ValueError("rate, deadline_s, max_duration_s and max_writes must be positive")
        context = ssl.create_default_context(cafile=ca)
        context.load_cert_chain(cert, key)
        self._endpoints = [_Endpoint(url, context, credentials) for url in endpoints]
        self.prefix = (prefix or f"/writeload/{os.urandom(4).hex()}").rstrip("/")
        self.rate = float(rate)
        self.deadline_s = float(deadline_s)
        self.max_duration_s = float(max_duration_s)
        self.max_writes = int(max_writes)
        self.acknowledged: dict[str, tuple[str, float]] = {}  # key -> (value, latency in s)
        self.result = WriteLoadResult()
        self._latencies: list[float] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._error: BaseException | None = None

    # --- life cycle --------------------------------------------------------------------------------

    def __enter__(self) -> "WriteLoad":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> "WriteLoad":
        if self._thread is not None:
            raise WriteLoadError("a WriteLoad runs once")
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"writeload {self.prefix}", daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until the load stopped by itself (or was stopped); True if it has."""
        if self._thread is None:
            raise WriteLoadError("not started")
        return self._done.wait(timeout)

    def stop(self) -> WriteLoadResult:
        """Stops the load and returns its result.

        No write starts after this; a write in flight is carried to its end (acknowledged, or
        failed at its deadline) so that it is counted truthfully: this returns at once between two
        writes and within ``deadline_s`` at worst.
        """
        if self._thread is None:
            raise WriteLoadError("not started")
        self._stopping.set()
        self._thread.join()
        for endpoint in self._endpoints:
            endpoint.close()
        if self._error is not None:
            raise WriteLoadError(f"the write load broke: {self._error!r}") from self._error
        return self.snapshot()

    def snapshot(self) -> WriteLoadResult:
        """The counts so far (also while the load runs)."""
        with self._lock:
            latencies = sorted(self._latencies)
            result = WriteLoadResult(
                attempted=self.result.attempted, acknowledged=self.result.acknowledged,
                failed=self.result.failed, failures=[dict(f) for f in self.result.failures],
                max_latency_s=latencies[-1] if latencies else 0.0,
                p99_latency_s=_percentile(latencies, 0.99),
                duration_s=self.result.duration_s if self._done.is_set()
                else time.monotonic() - self._started,
                lost=None if self.result.lost is None else list(self.result.lost))
            if self._done.is_set():
                self.result = result
            return result

    # --- writing -----------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            interval = 1.0 / self.rate
            due = self._started
            seq = 0
            while not self._stopping.is_set():
                now = time.monotonic()
                if now - self._started >= self.max_duration_s or seq >= self.max_writes:
                    break
                if now < due:
                    self._stopping.wait(min(due - now, self._started + self.max_duration_s - now))
                    continue
                self._write(seq)
                seq += 1
                due = max(due + interval, time.monotonic())  # keeps the rate; no catching up after a stall
        except BaseException as exc:  # surfaced by stop()
            self._error = exc
        finally:
            with self._lock:
                self.result.duration_s = time.monotonic() - self._started
            self._done.set()

    @staticmethod
    def _by_health(endpoints: list[_Endpoint]) -> list[_Endpoint]:
        """endpoints, those that failed lately last: a host that is gone costs its timeout once, not at every turn."""
        now = time.monotonic()
        return sorted(endpoints, key=lambda endpoint: now - endpoint.failed_at < SUSPECT_S)

    def _write(self, seq: int) -> None:
        key = f"{self.prefix}/{seq:08d}"
        value = f"{seq}@{time.time():.6f}"
        body = {"key": _b64(key.encode()), "value": _b64(value.encode())}
        with self._lock:
            self.result.attempted += 1
        began = time.monotonic()
        deadline = began + self.deadline_s
        errors: dict[str, str] = {}
        start = seq % len(self._endpoints)
        order = self._by_health(self._endpoints[start:] + self._endpoints[:start])
        index = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            endpoint = order[index % len(order)]
            index += 1
            try:
                endpoint.post("/v3/kv/put", body, min(remaining, REQUEST_TIMEOUT_S))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                errors[endpoint.url] = _describe(exc)
                if index % len(order) == 0:  # every endpoint refused: a short pause, not a busy loop
                    time.sleep(max(0.0, min(RETRY_PAUSE_S, deadline - time.monotonic())))
                continue
            latency = time.monotonic() - began
            if latency > self.deadline_s:  # acknowledged, but too late: that is a failure too
                errors[endpoint.url] = f"acknowledged after {latency:.2f}s"
                break
            with self._lock:
                self.acknowledged[key] = (value, latency)
                self.result.acknowledged += 1
                self._latencies.append(latency)
            return
        with self._lock:
            self.result.failed += 1
            if len(self.result.failures) < MAX_FAILURES_KEPT:
                self.result.failures.append({"key": key, "at_s": round(began - self._started, 3),
                                             "gave_up_after_s": round(time.monotonic() - began, 3),
                                             "time": time.time(), "errors": errors})

    # --- reading back ------------------------------------------------------------------------------

    def _post_any(self, path: str, body: dict, errors: dict, give_up: float | None = None) -> dict | None:
        for endpoint in self._by_health(self._endpoints):
            timeout = REQUEST_TIMEOUT_S
            if give_up is not None:
                timeout = min(timeout, max(0.2, give_up - time.monotonic()))
            try:
                return endpoint.post(path, body, timeout)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                errors[endpoint.url] = _describe(exc)
        return None

    def _read_all(self, timeout_s: float) -> dict[str, str]:
        """Every key below the prefix with its value, from whichever endpoint answers."""
        start = (self.prefix + "/").encode()
        end = _prefix_end(start)
        found: dict[str, str] = {}
        errors: dict[str, str] = {}
        give_up = time.monotonic() + timeout_s
        key = start
        while True:
            answer = self._post_any("/v3/kv/range", {"key": _b64(key), "range_end": _b64(end),
                                                     "limit": READ_PAGE}, errors, give_up)
            if answer is None:
                if time.monotonic() >= give_up:
                    raise WriteLoadError(f"no endpoint answered a read within {timeout_s:.0f}s: {errors}")
                time.sleep(0.2)
                continue
            kvs = answer.get("kvs") or []
            for kv in kvs:
                found[base64.b64decode(kv["key"]).decode(errors="replace")] = \
                    base64.b64decode(kv.get("value", "")).decode(errors="replace")
            if not answer.get("more") or not kvs:
                return found
            key = base64.b64decode(kvs[-1]["key"]) + b"\x00"

    def verify(self, timeout_s: float = 30.0) -> list[str]:
        """The acknowledged keys that are missing or hold another value (also kept in result.lost).

        Reads are linearizable (etcd's default), so they need a quorum; the reading is retried for up
        to ``timeout_s`` while no endpoint answers, then WriteLoadError is raised.
        """
        if self._thread is None or not self._done.is_set():
            raise WriteLoadError("verify() comes after stop()")
        if not self.acknowledged:
            with self._lock:
                self.result.lost = []
            return []
        try:
            found = self._read_all(timeout_s)
        finally:
            for endpoint in self._endpoints:
                endpoint.close()
        with self._lock:
            lost = sorted(k for k, (value, _latency) in self.acknowledged.items() if found.get(k) != value)
            self.result.lost = lost
        return list(lost)

    def cleanup(self) -> None:
        """Deletes every key below the prefix (best effort: from the first endpoint that answers)."""
        start = (self.prefix + "/").encode()
        errors: dict[str, str] = {}
        self._post_any("/v3/kv/deleterange", {"key": _b64(start), "range_end": _b64(_prefix_end(start))},
                       errors)
        for endpoint in self._endpoints:
            endpoint.close()

    def summary(self) -> str:
        r = self.snapshot()
        lost = "? lost (not verified)" if r.lost is None else f"{len(r.lost)} lost"
        text = (f"writes: {r.attempted} attempted, {r.acknowledged} acknowledged, {r.failed} failed, "
                f"{lost}; max latency {r.max_latency_s:.2f} s")
        if r.failures:
            text += f"; first failure: {r.failures[0]}"
        if r.lost:
            text += f"; first lost: {r.lost[:5]}"
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--endpoints", required=True, action="append",
                        help="client URLs, comma-separated or repeated (https://10.0.0.1:2379)")
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--rate", type=float, default=20.0, help="writes per second (default 20)")
    parser.add_argument("--max-writes", type=int, default=20000)
    parser.add_argument("--prefix", default=None, help="key prefix (default /writeload/<random>)")
    parser.add_argument("--cleanup", action="store_true", help="delete the keys after the check")
    args = parser.parse_args(argv)
    endpoints = [e for arg in args.endpoints for e in arg.split(",") if e.strip()]
    load = WriteLoad(endpoints, args.cacert, args.cert, args.key, prefix=args.prefix, rate=args.rate,
                     max_duration_s=args.duration, max_writes=args.max_writes)
    load.start()
    try:
        load.wait()
    except KeyboardInterrupt:
        pass
    result = load.stop()
    try:
        lost = load.verify()
    except WriteLoadError as exc:
        print(load.summary())
        print(f"cannot check the acknowledged writes: {exc}", file=sys.stderr)
        return 1
    print(load.summary())
    if args.cleanup:
        load.cleanup()
    return 1 if result.failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
