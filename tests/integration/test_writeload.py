"""tests/lab/writeload.py against a real 3-member TLS cluster: a killed member costs no write, a lost
quorum fails writes, and verify() notices a key that was deleted or changed behind its back."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from etcdlab import Cluster, bin_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))
from writeload import WriteLoad  # noqa: E402

VERSION = "3.5.16"


@pytest.fixture(scope="module")
def cluster(pki, workdir):
    if not (bin_dir(VERSION) / "etcd").exists():
        pytest.skip("etcd %s binaries missing: run `bash lab/testbed binaries`" % VERSION)
    path = workdir / "writeload"
    path.mkdir()
    # The project's clusters do not enable etcd's auth: client certificates are the access control.
    cluster = Cluster(VERSION, pki, path).start(3, auth=False)
    yield cluster
    cluster.stop()


def load_on(cluster: Cluster, **kwargs) -> WriteLoad:
    """A load that knows every member, dead or alive, as a rolling flow's would."""
    kwargs.setdefault("rate", 50)
    kwargs.setdefault("max_duration_s", 30)
    return WriteLoad([m.client_url for m in cluster.members], cluster.pki.ca,
                     cluster.pki.cert("client"), cluster.pki.key("client"), **kwargs)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.05)


def leader(cluster: Cluster):
    statuses = json.loads(cluster.etcdctl("endpoint", "status", "-w", "json", auth=False))
    url = next(s["Endpoint"] for s in statuses if s["Status"]["leader"] == s["Status"]["header"]["member_id"])
    return next(m for m in cluster.members if m.client_url == url)


def restart(cluster: Cluster, *members) -> None:
    for member in members:
        cluster.start_member(member, "existing")
    cluster.wait_healthy(list(members))


def test_killing_the_leader_loses_no_write(cluster):
    with load_on(cluster) as load:
        wait_for(lambda: load.snapshot().acknowledged >= 20, 10, "20 writes acknowledged")
        victim = leader(cluster)
        cluster.stop_member(victim)  # SIGKILL
        before = load.snapshot().acknowledged
        wait_for(lambda: load.snapshot().acknowledged >= before + 50, 15,
                 "50 more writes acknowledged after the leader was killed")
        stopping = time.monotonic()
    result = load.result
    assert time.monotonic() - stopping < 1.0, "stop() is not prompt"
    assert load.verify() == []
    summary = load.summary()
    assert result.failed == 0 and result.lost == [], summary
    assert result.attempted == result.acknowledged and len(load.acknowledged) == result.acknowledged
    assert 0 < result.p99_latency_s <= result.max_latency_s < 5, summary
    assert summary.startswith(f"writes: {result.attempted} attempted, {result.attempted} acknowledged, "
                              "0 failed, 0 lost; max latency "), summary
    restart(cluster, victim)


def test_verify_reports_deleted_and_changed_keys(cluster):
    load = load_on(cluster, rate=200, max_writes=30).start()
    assert load.wait(timeout=10), "max_writes did not stop the load"
    result = load.stop()
    assert (result.attempted, result.acknowledged, result.failed) == (30, 30, 0), load.summary()
    assert load.verify() == []

    keys = sorted(load.acknowledged)
    assert all(k.startswith(load.prefix + "/") for k in keys)
    cluster.etcdctl("del", keys[3], auth=False)
    cluster.etcdctl("put", keys[7], "something else", auth=False)
    assert load.verify() == [keys[3], keys[7]]
    assert "2 lost" in load.summary(), load.summary()

    load.cleanup()
    assert load.verify() == keys

    bounded = load_on(cluster, rate=50, max_duration_s=0.5).start()
    assert bounded.wait(timeout=5), "max_duration_s did not stop the load"
    assert 0.5 <= bounded.stop().duration_s < 1.5


def test_writes_fail_without_quorum(cluster):
    load = load_on(cluster).start()
    try:
        wait_for(lambda: load.snapshot().acknowledged >= 20, 10, "20 writes acknowledged")
        dead = cluster.members[:2]
        for member in dead:
            cluster.stop_member(member)
        wait_for(lambda: load.snapshot().failed >= 1, 15, "a write failed without quorum")
        restart(cluster, *dead)
    finally:
        result = load.stop()
    summary = load.summary()
    assert result.failed >= 1 and result.attempted == result.acknowledged + result.failed, summary
    failure = result.failures[0]
    assert 5 <= failure["gave_up_after_s"] < 5.5, failure
    assert set(failure["errors"]) == {m.client_url for m in cluster.members}, failure
    for member in dead:
        assert "Connection refused" in failure["errors"][member.client_url], failure
    assert load.verify() == [], summary  # what was acknowledged before and after survived
    assert result.acknowledged > 20 and f"{result.failed} failed, 0 lost" in load.summary()


def test_an_endpoint_that_never_answers_costs_its_timeout_once(cluster):
    """A host that is gone times requests out; it is then tried after the others, not at every rotation."""
    silent = socket.create_server(("127.0.0.1", 0))
    connections = []

    def accept_and_say_nothing():
        with contextlib.suppress(OSError):  # closed at the end
            while True:
                connections.append(silent.accept())

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    try:
        silent_url = "https://127.0.0.1:%d" % silent.getsockname()[1]
        load = WriteLoad([silent_url] + [m.client_url for m in cluster.members], cluster.pki.ca,
                         cluster.pki.cert("client"), cluster.pki.key("client"), rate=20, max_duration_s=6)
        load.start().wait(timeout=15)
        result = load.stop()
    finally:
        silent.close()
    assert result.failed == 0 and load.verify() == [], load.summary()
    assert len(connections) == 1, "the silent endpoint was tried %d times in 6 s and the reading back" % len(connections)
    assert result.acknowledged >= 80, load.summary()  # of 120 due; each try of the silent one costs 2 s
