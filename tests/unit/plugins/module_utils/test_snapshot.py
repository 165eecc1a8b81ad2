"""Snapshots: the integrity hash, the stream from the client, retention."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils import etcd_client
from ansible_collections.quorum.etcd.plugins.module_utils import snapshot as snap
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdClient, EtcdError

ENDPOINT = "https://a:2379"


def snapshot_bytes(size):
    body = os.urandom(size)
    return body + hashlib.sha256(body).digest()


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 4096, 100000])
def test_digest_in_any_chunking(size):
    data = snapshot_bytes(size)
    rng = random.Random(size)
    digest = snap.SnapshotDigest()
    pos = 0
    while pos < len(data):
        step = rng.choice([1, 5, 31, 32, 33, 1000, 40000])
        digest.update(data[pos:pos + step])
        pos += step
    assert digest.size == len(data) and digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.hash_valid is (size > 0)


def test_digest_detects_damage_and_missing_hash():
    data = bytearray(snapshot_bytes(5000))
    data[10] ^= 1
    digest = snap.SnapshotDigest()
    digest.update(bytes(data))
    assert digest.hash_valid is False
    plain = snap.SnapshotDigest()
    plain.update(os.urandom(5000))
    assert plain.hash_valid is False


class ChunkedBody:
    """A response body that hands out data in awkward pieces, like a chunked HTTP stream."""

    def __init__(self, data, sizes):
        self.stream = io.BytesIO(data)
        self.sizes = sizes

    def read(self, amount):
        return self.stream.read(min(amount, next(self.sizes)))

    def close(self):
        self.stream.close()


def streamed(body, monkeypatch):
    """What EtcdClient.snapshot yields when the member answers with ``body``."""
    client = EtcdClient([ENDPOINT])
    monkeypatch.setattr(client, "open", lambda path, request, endpoint: (endpoint, body))
    return b"".join(client.snapshot(ENDPOINT))


def gateway_stream(data, chunk=32 * 1024):
    lines = []
    for pos in range(0, len(data), chunk):
        piece = data[pos:pos + chunk]
        result = {"blob": base64.b64encode(piece).decode()}
        if len(data) - pos - len(piece):
            result["remaining_bytes"] = str(len(data) - pos - len(piece))
        lines.append(json.dumps({"result": result}).encode())
    return b"\n".join(lines) + b"\n"


def test_stream_reassembles_snapshot_whatever_the_reads(monkeypatch):
    data = snapshot_bytes(300000)
    rng = random.Random(1)
    body = ChunkedBody(gateway_stream(data), iter(lambda: rng.choice([1, 7, 4096, 65536]), None))
    assert streamed(body, monkeypatch) == data


def test_stream_error_message(monkeypatch):
    body = ChunkedBody(gateway_stream(b"abc") + b'{"error":{"grpc_code":2,"message":"snapshot failed"}}\n',
                       iter(lambda: 10, None))
    with pytest.raises(EtcdError, match="etcd at https://a:2379 aborted the snapshot: snapshot failed"):
        streamed(body, monkeypatch)


def test_stream_refuses_runaway_line(monkeypatch):
    monkeypatch.setattr(etcd_client, "STREAM_MAX_LINE", 100)
    body = ChunkedBody(b"x" * 1000, iter(lambda: 50, None))
    with pytest.raises(EtcdError, match="longer than 100 bytes"):
        streamed(body, monkeypatch)


@pytest.mark.parametrize("text,seconds", [("90", 90), ("90s", 90), ("15m", 900), ("12h", 43200),
                                          ("7d", 604800), ("2w", 1209600), (" 1.5h ", 5400), (30, 30)])
def test_parse_age(text, seconds):
    assert snap.parse_age(text) == seconds


@pytest.mark.parametrize("text", ["", "7y", "d", "-1d", "1 d 2h"])
def test_parse_age_rejects(text):
    with pytest.raises(ValueError, match="retention_age"):
        snap.parse_age(text)


def test_select_expired_by_count_and_age():
    now = 1000000.0
    files = [("/b/new.db", now), ("/b/a.db", now - 100), ("/b/b.db", now - 86400 * 2), ("/b/c.db", now - 86400 * 9)]
    assert snap.select_expired(files, 2, None, now, "/b/new.db") == ["/b/b.db", "/b/c.db"]
    assert snap.select_expired(files, None, 86400 * 7, now, "/b/new.db") == ["/b/c.db"]
    assert snap.select_expired(files, 3, 3600, now, "/b/new.db") == ["/b/b.db", "/b/c.db"]
    assert snap.select_expired(files, None, None, now, "/b/new.db") == []


def test_select_expired_never_drops_the_new_snapshot():
    now = 1000.0
    files = [("/b/x.db", now + 50), ("/b/new.db", 0.0)]  # clock skew: the new file looks oldest
    assert snap.select_expired(files, 1, 1, now, "/b/new.db") == ["/b/x.db"]
    # In check mode the new file does not exist yet; it still counts as the newest.
    assert snap.select_expired([("/b/x.db", now - 10)], 1, None, now, "/b/new.db") == ["/b/x.db"]


def test_stream_that_breaks_off_names_the_endpoint(monkeypatch):
    class Broken:
        def read(self, amount):
            raise TimeoutError("timed out")

        def close(self):
            pass
    with pytest.raises(EtcdError, match="the snapshot stream from https://a:2379 broke off: timed out"):
        streamed(Broken(), monkeypatch)
