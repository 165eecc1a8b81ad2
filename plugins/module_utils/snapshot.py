# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""etcd snapshots on the host: save one streamed from a member, check a file, prune old ones, restore one
into a new data directory with etcdutl (etcdctl for 3.4). Used by etcd_snapshot and etcd_snapshot_info."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import tempfile
import time

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdApiError, EtcdError

HASH_SIZE = 32
READ_SIZE = 1 << 20
MARKER = "quorum-etcd-restore.json"
AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class SnapshotDigest:
    """sha256 of a whole snapshot, and whether its last 32 bytes are the sha256 of the rest (etcd's check).

    One pass: the hash of everything but the last 32 bytes is kept up to date; the whole file's hash is that
    state (copied) fed with the held-back 32 bytes."""

    def __init__(self):
        self.body = hashlib.sha256()
        self.tail = b""
        self.size = 0

    def update(self, data: bytes) -> None:
        self.size += len(data)
        if len(data) >= HASH_SIZE:
            self.body.update(self.tail)
            self.body.update(memoryview(data)[:-HASH_SIZE])
            self.tail = data[-HASH_SIZE:]
        else:
            joined = self.tail + data
            self.body.update(joined[:-HASH_SIZE])
            self.tail = joined[-HASH_SIZE:]

    @property
    def sha256(self) -> str:
        whole = self.body.copy()
        whole.update(self.tail)
        return whole.hexdigest()

    @property
    def hash_valid(self) -> bool:
        return self.size > HASH_SIZE and self.body.digest() == self.tail

    def result(self) -> dict:
        return {"size": self.size, "sha256": self.sha256, "hash_valid": self.hash_valid}


def digest_file(path: str) -> SnapshotDigest:
    digest = SnapshotDigest()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(READ_SIZE), b""):
            digest.update(chunk)
    return digest


def parse_age(text) -> float:
    """Seconds in "90", "90s", "15m", "12h", "7d" or "2w"."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", str(text).lower())
    if not match:
        raise ValueError("retention_age %r is not a number of seconds or a number with unit s, m, h, d or w" % (text,))
    return float(match.group(1)) * AGE_UNITS[match.group(2) or "s"]


def select_expired(files: list, keep: int | None, max_age: float | None, now: float, protect: str) -> list:
    """Paths to delete among ``files`` [(path, mtime)]: beyond the newest ``keep``, or older than ``max_age``
    seconds. ``protect`` (the new snapshot) is never selected but counts among the newest."""
    others = sorted((f for f in files if f[0] != protect), key=lambda f: (f[1], f[0]), reverse=True)
    newest_first = [(protect, now)] + others
    doomed = []
    for index, (path, mtime) in enumerate(newest_first):
        if path == protect:
            continue
        if (keep is not None and index >= keep) or (max_age is not None and now - mtime > max_age):
            doomed.append(path)
    return doomed


def retention_candidates(directory: str, pattern: str) -> list:
    found = []
    for entry in os.scandir(directory):
        if entry.is_file(follow_symlinks=False) and fnmatch.fnmatch(entry.name, pattern):
            found.append((entry.path, entry.stat().st_mtime))
    return found


def offline_tool_argument_spec() -> dict:
    """The options naming etcdutl/etcdctl (documented in quorum.etcd.offline_tool)."""
    return dict(etcdutl_path=dict(type="path"), etcdctl_path=dict(type="path"))


class OfflineTool:
    """etcdutl (3.5+) or etcdctl (3.4) for the work that has no API."""

    def __init__(self, module):
        self.module = module
        p = module.params
        extra = ["/usr/local/bin", "/opt/etcd/bin"]
        if p["etcdutl_path"]:
            self.kind, self.path = "etcdutl", p["etcdutl_path"]
        elif p["etcdctl_path"]:
            self.kind, self.path = "etcdctl", p["etcdctl_path"]
        else:
            self.kind, self.path = "etcdutl", module.get_bin_path("etcdutl", opt_dirs=extra)
            if not self.path:
                self.kind, self.path = "etcdctl", module.get_bin_path("etcdctl", opt_dirs=extra)
        self.path = self.path or ""

    def run(self, args: list) -> tuple:
        env = {"ETCDCTL_API": "3"} if self.kind == "etcdctl" else {}
        return self.module.run_command([self.path] + args, environ_update=env)

    def status(self, path: str) -> tuple:
        """(revision, database entries, error) of a snapshot file."""
        if not self.path:
            return None, None, "neither etcdutl nor etcdctl found"
        rc, out, err = self.run(["snapshot", "status", "-w", "json", path])
        try:
            if rc == 0:
                data = json.loads(out.strip().splitlines()[-1])
                return int(data["revision"]), int(data["totalKey"]), None
        except (ValueError, KeyError, IndexError):
            pass
        return None, None, "%s snapshot status %s failed: %s" % (self.path, path, (err or out).strip())

    def restore_flags(self) -> str:
        if not self.path:
            return ""
        out, err = self.run(["snapshot", "restore", "--help"])[1:]
        return out + err


def save(module, client) -> dict:
    """Streams a snapshot from the first reachable member into ``path``, then applies retention."""
    p = module.params
    target = p["path"]
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        module.fail_json(msg="directory %s of the snapshot path does not exist" % directory)
    result = {"changed": True, "path": target, "removed": []}
    if not module.check_mode:
        result.update(_stream_to_file(module, client, target))
    result["removed"] = _apply_retention(module, target)
    return result


def _count_keys(client, endpoint: str, revision: int) -> int | None:
    """Number of keys at ``revision``; None when the user may not read the whole key space."""
    try:
        return client.count(revision=revision, endpoint=endpoint)
    except EtcdApiError:
        return None


def _stream_to_file(module, client, target: str) -> dict:
    p = module.params
    status = client.status(None)
    key_count = _count_keys(client, status["endpoint"], status["revision"])
    endpoint = status["endpoint"]
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".%s." % os.path.basename(target),
                                suffix=".part")
    digest = SnapshotDigest()
    try:
        with os.fdopen(fd, "wb") as handle:
            for blob in client.snapshot(endpoint):
                handle.write(blob)
                digest.update(blob)
            handle.flush()
            os.fsync(handle.fileno())
        if not digest.hash_valid:
            raise EtcdError("the snapshot from %s failed etcd's integrity check (%d bytes received, trailing sha256 "
                            "does not match)" % (endpoint, digest.size), endpoint)
        info = dict(digest.result(), endpoint=endpoint, revision=status["revision"],
                    revision_source="member_status", key_count=key_count, db_entries=None, tool="")
        if p["read_status"]:
            tool = OfflineTool(module)
            revision, keys = tool.status(temp)[:2]
            info["tool"] = tool.path
            if revision is not None:
                info.update(revision=revision, db_entries=keys, revision_source="snapshot")
        module.set_mode_if_different(temp, p["mode"], False)
        os.rename(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    dir_fd = os.open(os.path.dirname(target) or ".", os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return info


def _apply_retention(module, target: str) -> list:
    p = module.params
    if p["retention_count"] is None and p["retention_age"] is None:
        return []
    try:
        max_age = None if p["retention_age"] is None else parse_age(p["retention_age"])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    directory = os.path.dirname(target) or "."
    doomed = select_expired(retention_candidates(directory, p["retention_pattern"]), p["retention_count"],
                            max_age, time.time(), target)
    if not module.check_mode:
        for path in doomed:
            os.unlink(path)
    return doomed


def file_status(module) -> dict:
    """What a snapshot file holds: size, sha256, etcd's integrity hash and, with read_status, its revision."""
    p = module.params
    if not os.path.isfile(p["path"]):
        module.fail_json(msg="snapshot %s does not exist" % p["path"])
    result = dict(digest_file(p["path"]).result(), changed=False, path=p["path"], revision=None, db_entries=None,
                  revision_source="none", tool="")
    result["valid"] = result["hash_valid"]
    if p["read_status"]:
        tool = OfflineTool(module)
        revision, keys, error = tool.status(p["path"])
        result["tool"] = tool.path
        if revision is not None:
            result.update(revision=revision, db_entries=keys, revision_source="snapshot")
        elif tool.path:
            result.update(valid=False, status_error=error)
    return result


class Restorer:
    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.data_dir = self.p["data_dir"].rstrip("/")
        self.tool = OfflineTool(module)

    def fail(self, msg: str, **kwargs):
        self.module.fail_json(msg=msg, path=self.p["path"], data_dir=self.data_dir, tool=self.tool.path, **kwargs)

    def validate(self) -> None:
        p = self.p
        missing = [k for k in ("data_dir", "name", "initial_cluster", "initial_advertise_peer_urls") if not p[k]]
        if missing:
            self.fail("state=restored needs %s" % ", ".join(missing))
        if not os.path.isfile(p["path"]):
            self.fail("snapshot %s does not exist" % p["path"])
        if p["bump_revision"] < 0:
            self.fail("bump_revision must not be negative")
        if bool(p["bump_revision"]) != p["mark_compacted"]:
            self.fail("bump_revision and mark_compacted go together: etcdutl requires --mark-compacted with "
                      "--bump-revision above 0 and refuses it otherwise")
        if not self.tool.path:
            self.fail("restoring needs etcdutl (etcd 3.5+) or etcdctl (etcd 3.4); neither was found, "
                      "set etcdutl_path or etcdctl_path")
        if p["bump_revision"]:
            flags = self.tool.restore_flags()
            if "--bump-revision" not in flags or "--mark-compacted" not in flags:
                self.fail("bump_revision/mark_compacted need an etcdutl whose snapshot restore has --bump-revision "
                          "and --mark-compacted; %s (%s) has not" % (self.tool.path, self.tool.kind))

    def wanted(self, sha256: str) -> dict:
        keys = ("name", "initial_cluster", "initial_cluster_token", "initial_advertise_peer_urls",
                "bump_revision", "mark_compacted")
        return dict({k: self.p[k] for k in keys}, snapshot_sha256=sha256)

    def recorded(self) -> dict | None:
        try:
            with open(os.path.join(self.data_dir, MARKER)) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def command(self, into: str) -> list:
        p = self.p
        args = ["snapshot", "restore", p["path"], "--data-dir", into, "--name", p["name"],
                "--initial-cluster", p["initial_cluster"], "--initial-cluster-token", p["initial_cluster_token"],
                "--initial-advertise-peer-urls", ",".join(p["initial_advertise_peer_urls"])]
        if p["skip_hash_check"]:
            args.append("--skip-hash-check")
        if p["bump_revision"]:
            args += ["--bump-revision", str(p["bump_revision"]), "--mark-compacted"]
        return args

    def chown(self, root: str) -> None:
        if not (self.p["owner"] or self.p["group"]):
            return
        for directory, dirs, files in os.walk(root):
            for path in [directory] + [os.path.join(directory, n) for n in dirs + files]:
                self.module.set_owner_if_different(path, self.p["owner"], False)
                self.module.set_group_if_different(path, self.p["group"], False)

    def run(self) -> dict:
        self.validate()
        digest = digest_file(self.p["path"])
        wanted = self.wanted(digest.sha256)
        result = dict(digest.result(), changed=False, path=self.p["path"], data_dir=self.data_dir, backup="",
                      tool=self.tool.path)
        occupied = os.path.isdir(self.data_dir) and bool(os.listdir(self.data_dir))
        if os.path.exists(self.data_dir) and not os.path.isdir(self.data_dir):
            self.fail("data_dir %s exists and is not a directory" % self.data_dir)
        if occupied:
            recorded = self.recorded()
            if recorded == wanted:
                return result
            if not self.p["replace"]:
                why = ("was restored from another snapshot or with other arguments" if recorded
                       else "was not restored by this module")
                self.fail("data_dir %s is not empty and %s; set replace=true to move it aside and restore"
                          % (self.data_dir, why))
            result["backup"] = "%s.%s.bak" % (self.data_dir, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
        if not digest.hash_valid and not self.p["skip_hash_check"]:
            self.fail("snapshot %s has no valid integrity hash (etcd's trailing sha256); set skip_hash_check=true "
                      "for a db file copied from a data directory" % self.p["path"])
        result["changed"] = True
        if self.module.check_mode:
            return result
        self.restore(result["backup"], wanted)
        return result

    def restore(self, backup: str, wanted: dict) -> None:
        parent = os.path.dirname(self.data_dir) or "."
        if not os.path.isdir(parent):
            os.makedirs(parent, 0o755)
        staging = tempfile.mkdtemp(dir=parent, prefix=".%s.restoring." % os.path.basename(self.data_dir))
        into = os.path.join(staging, "data")
        try:
            rc, out, err = self.tool.run(self.command(into))
            if rc != 0:
                self.fail("%s snapshot restore of %s failed (rc %d): %s"
                          % (self.tool.path, self.p["path"], rc, (err or out).strip()))
            with open(os.path.join(into, MARKER), "w") as handle:
                json.dump(wanted, handle, indent=2, sort_keys=True)
            os.chmod(into, 0o700)
            self.chown(into)
            if backup:
                os.rename(self.data_dir, backup)
            elif os.path.isdir(self.data_dir):
                os.rmdir(self.data_dir)
            os.rename(into, self.data_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
