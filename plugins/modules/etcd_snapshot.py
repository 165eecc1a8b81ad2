#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_snapshot
short_description: Save, inspect and restore etcd snapshots
version_added: 0.1.0
description:
  - V(saved) streams a snapshot from a member through etcd's JSON gateway (C(/v3/maintenance/snapshot)) into
    a temporary file next to O(path), in bounded memory whatever the database size, verifies etcd's integrity
    hash, fsyncs it and renames it into place. The file is byte for byte what C(etcdctl snapshot save) writes
    (etcd's trailing sha256 is kept). Optionally prunes older snapshots in the same directory.
  - V(status) reports on a snapshot file; V(restored) restores one into a new data directory for one member
    with C(etcdutl snapshot restore) (etcd 3.5 and later) or C(etcdctl snapshot restore) (etcd 3.4).
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: V(saved) and V(restored) report what they would do without writing; V(status) only reads.
  diff_mode:
    support: none
    description: Snapshots are binary.
options:
  state:
    description:
      - V(saved) takes a new snapshot (always reports changed), V(status) inspects O(path),
        V(restored) restores O(path) into O(data_dir).
    type: str
    choices: [saved, status, restored]
    default: saved
  path:
    description:
      - The snapshot file. Its directory must exist for V(saved).
    type: path
    required: true
  mode:
    description:
      - Permissions of a saved snapshot, octal (V('0600')) or symbolic (V(u=rw,g=r)).
    type: raw
    default: '0600'
  read_status:
    description:
      - Read the revision and the number of database entries from the snapshot file itself with
        C(etcdutl snapshot status -w json) (or C(etcdctl) for etcd 3.4), if one of them is found. That walks
        the whole database, so it costs time and memory in proportion to its size.
      - Defaults to V(true) with O(state=status) and V(false) with O(state=saved).
      - With O(state=saved), RV(key_count) (and, without O(read_status), RV(revision)) are read from the member
        just before it takes the snapshot (C(/v3/maintenance/status), then a count-only range at that revision, on
        the member that then streams the snapshot; RV(revision_source=member_status)). They describe the file
        exactly unless writes happen in between, in which case the file holds a slightly newer revision.
    type: bool
  retention_count:
    description:
      - With V(saved), keep only the newest O(retention_count) files matching O(retention_pattern) in the
        directory of O(path) (by modification time; the new snapshot always counts and is always kept).
    type: int
  retention_age:
    description:
      - With V(saved), delete files matching O(retention_pattern) older than this, as a number of seconds or a
        number with a unit C(s), C(m), C(h), C(d) or C(w) (for example V(7d)).
    type: str
  retention_pattern:
    description:
      - Shell pattern of the file names retention applies to, in the directory of O(path).
    type: str
    default: '*.db'
  data_dir:
    description:
      - With V(restored), the member's data directory to create. If it exists and is not empty it is refused
        unless it was restored by this module from the same snapshot with the same arguments (then nothing is
        done) or O(replace=true).
    type: path
  replace:
    description:
      - With V(restored), move a non-empty O(data_dir) aside to C(<data_dir>.<UTC timestamp>.bak) and restore.
        Nothing is deleted.
    type: bool
    default: false
  name:
    description:
      - With V(restored), the member's name (C(--name)).
    type: str
  initial_cluster:
    description:
      - With V(restored), the whole new cluster, C(name=peer-url,...) (C(--initial-cluster)).
    type: str
  initial_cluster_token:
    description:
      - With V(restored), the new cluster's token (C(--initial-cluster-token)).
    type: str
    default: etcd-cluster
  initial_advertise_peer_urls:
    description:
      - With V(restored), the member's peer URLs (C(--initial-advertise-peer-urls)).
    type: list
    elements: str
  bump_revision:
    description:
      - With V(restored), raise the revision by this much (C(--bump-revision)); needs an etcdutl that has the
        flag, and O(mark_compacted=true).
    type: int
    default: 0
  mark_compacted:
    description:
      - With V(restored), mark the restored revision compacted (C(--mark-compacted)); needs an etcdutl that has the
        flag and O(bump_revision) above zero.
    type: bool
    default: false
  skip_hash_check:
    description:
      - With V(restored), accept a file without etcd's integrity hash (a C(db) file copied from a data directory).
    type: bool
    default: false
  owner:
    description:
      - With V(restored), owner of the restored data directory and everything in it.
    type: str
  group:
    description:
      - With V(restored), group of the restored data directory and everything in it.
    type: str
  etcdutl_path:
    description:
      - etcdutl to use for offline work. By default C(etcdutl) is looked up in E(PATH) (and C(/usr/local/bin)),
        then C(etcdctl) (etcd 3.4 has no etcdutl).
    type: path
  etcdctl_path:
    description:
      - etcdctl to use for offline work when there is no etcdutl (etcd 3.4). Ignored when O(etcdutl_path) is set.
    type: path
notes:
  - V(restored) never contacts etcd; the connection options are ignored there.
  - A restored data directory holds a C(quorum-etcd-restore.json) marker recording the snapshot's sha256 and
    the restore arguments; it is how a second run knows there is nothing to do. etcd logs a warning about the
    unknown file and otherwise ignores it.
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Take a snapshot and keep the last seven
  quorum.etcd.etcd_snapshot:
    path: "/var/backups/etcd/etcd-{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}.db"
    retention_count: 7
    ca_cert: /etc/etcd/pki/ca.crt
    client_cert: /etc/etcd/pki/client.crt
    client_key: /etc/etcd/pki/client.key

- name: Check a snapshot
  quorum.etcd.etcd_snapshot:
    path: /var/backups/etcd/latest.db
    state: status
  register: snap
  failed_when: not snap.valid

- name: Restore it for member etcd1 of a new cluster
  quorum.etcd.etcd_snapshot:
    path: /var/backups/etcd/latest.db
    state: restored
    data_dir: /var/lib/etcd
    replace: true
    name: etcd1
    initial_cluster: etcd1=https://10.0.0.1:2380,etcd2=https://10.0.0.2:2380,etcd3=https://10.0.0.3:2380
    initial_cluster_token: etcd-restored-1
    initial_advertise_peer_urls: [https://10.0.0.1:2380]
    owner: etcd
    group: etcd
"""

RETURN = r"""
path:
  description: The snapshot file.
  returned: always
  type: str
  sample: /var/backups/etcd/etcd-20260101T000000Z.db
size:
  description: Size of the snapshot file in bytes (etcd's trailing 32-byte hash included).
  returned: when the file exists or was saved
  type: int
  sample: 20512
sha256:
  description: sha256 of the whole snapshot file, hex.
  returned: when the file exists or was saved
  type: str
  sample: 1f1d6c6e5b4a...
hash_valid:
  description: Whether the file ends with the sha256 of what precedes it, as etcd appends to a snapshot.
  returned: when the file exists or was saved
  type: bool
  sample: true
valid:
  description: With V(status), the hash is valid and, when a tool read it, the tool could read the database.
  returned: state is status
  type: bool
  sample: true
status_error:
  description: Why etcdutl/etcdctl could not read the file (then RV(valid) is false).
  returned: state is status and the tool failed
  type: str
  sample: "etcdutl snapshot status /backup/x.db failed: invalid database"
revision:
  description: Revision of the snapshot; null when unknown.
  returned: state is saved or status
  type: int
  sample: 42
revision_source:
  description: Where RV(revision) comes from, V(snapshot) (read from the file by etcdutl/etcdctl),
    V(member_status) (the member's revision just before the snapshot) or V(none).
  returned: state is saved or status
  type: str
  sample: snapshot
key_count:
  description: Number of live keys at RV(revision), counted on the member just before the snapshot was taken;
    null when the user may not read the whole key space.
  returned: state is saved
  type: int
  sample: 1024
db_entries:
  description: Entries in all buckets of the snapshot's database (etcdutl's C(totalKey)), read from the file
    with O(read_status); null otherwise. It counts every stored revision and etcd's own records, not live keys.
  returned: state is saved or status
  type: int
  sample: 1100
endpoint:
  description: The member the snapshot was streamed from.
  returned: state is saved and not in check mode
  type: str
  sample: https://127.0.0.1:2379
removed:
  description: Files deleted (or that would be, in check mode) by retention.
  returned: state is saved
  type: list
  elements: str
  sample: [/var/backups/etcd/etcd-20251201T000000Z.db]
data_dir:
  description: The restored data directory.
  returned: state is restored
  type: str
  sample: /var/lib/etcd
backup:
  description: Where the previous data directory was moved; empty when none.
  returned: state is restored
  type: str
  sample: /var/lib/etcd.20260101T000000Z.bak
tool:
  description: The etcdutl or etcdctl used for offline work; empty when none.
  returned: always
  type: str
  sample: /usr/local/bin/etcdutl
"""

import binascii
import fnmatch
import hashlib
import http.client
import json
import os
import re
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdApiError, EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together, from_b64, to_b64, to_int)

HASH_SIZE = 32
READ_SIZE = 1 << 20
MAX_LINE = 64 << 20  # a gateway message carries 32 KiB of data; anything near this is not etcd
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


def iter_lines(response, read_size: int = READ_SIZE, endpoint: str = "etcd"):
    """The non-empty lines of a streamed body, holding at most one line and one read in memory."""
    read = getattr(response, "read1", None) or response.read
    pending = b""
    while True:
        try:
            data = read(read_size)
        except (OSError, http.client.HTTPException) as exc:
            raise EtcdError("the snapshot stream from %s broke off: %s" % (endpoint, to_native(exc) or repr(exc)),
                            endpoint)
        if not data:
            break
        lines = (pending + data).split(b"\n") if pending else data.split(b"\n")
        pending = lines.pop()
        if len(pending) > MAX_LINE:
            raise EtcdError("the snapshot stream sent a line longer than %d bytes" % MAX_LINE)
        for line in lines:
            if line.strip():
                yield line
    if pending.strip():
        yield pending


RESULT_PREFIX = b'{"result":'
BLOB_KEY = b'"blob":"'


def blobs(lines, endpoint: str):
    """The snapshot bytes carried by each gateway message ({"result": {"blob": base64, ...}}).

    Result lines are cut without a JSON parse: base64 has no quote, so the first ``"blob":"`` is the key and
    the next quote ends the value. Anything else (an error) goes through json."""
    skip = len(BLOB_KEY)
    for line in lines:
        if line.startswith(RESULT_PREFIX):
            start = line.find(BLOB_KEY)
            end = line.find(b'"', start + skip) if start > 0 else -1
            if end > 0:
                yield binascii.a2b_base64(memoryview(line)[start + skip:end])
                continue
        message = json.loads(line)
        if "error" in message:
            err = message["error"]
            raise EtcdError("etcd at %s aborted the snapshot: %s"
                            % (endpoint, err.get("message") if isinstance(err, dict) else err), endpoint)
        yield from_b64(message.get("result", {}).get("blob"))


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
        _rc, out, err = self.run(["snapshot", "restore", "--help"])
        return out + err


def save(module, client) -> dict:
    p = module.params
    target = p["path"]
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        module.fail_json(msg="directory %s of the snapshot path does not exist" % directory)
    result = {"changed": True, "path": target, "removed": []}
    if not module.check_mode:
        result.update(stream_to_file(module, client, target))
    result["removed"] = apply_retention(module, target)
    return result


def count_keys(client, endpoint: str, revision: int) -> int | None:
    """Number of keys at ``revision`` (a count-only range over the whole key space); None if not allowed."""
    try:
        answer = client.call("/v3/kv/range", {"key": to_b64(b"\x00"), "range_end": to_b64(b"\x00"),
                                              "count_only": True, "revision": str(revision)}, endpoint)
    except EtcdApiError:
        return None
    return to_int(answer.get("count"))


def stream_to_file(module, client, target: str) -> dict:
    p = module.params
    status = client.status(None)
    key_count = count_keys(client, status["endpoint"], status["revision"])
    endpoint, response = client.open("/v3/maintenance/snapshot", {}, status["endpoint"])
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".%s." % os.path.basename(target),
                                suffix=".part")
    digest = SnapshotDigest()
    try:
        with os.fdopen(fd, "wb") as handle:
            for blob in blobs(iter_lines(response, endpoint=endpoint), endpoint):
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
            revision, keys, _error = tool.status(temp)
            info["tool"] = tool.path
            if revision is not None:
                info.update(revision=revision, db_entries=keys, revision_source="snapshot")
        module.set_mode_if_different(temp, p["mode"], False)
        os.rename(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    finally:
        response.close()
    dir_fd = os.open(os.path.dirname(target) or ".", os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return info


def apply_retention(module, target: str) -> list:
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


def status(module) -> dict:
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
                self.fail("%s snapshot restore of %s failed (rc %d): %s" % (self.tool.path, self.p["path"], rc,
                                                                           (err or out).strip()))
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


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(
        state=dict(type="str", choices=["saved", "status", "restored"], default="saved"),
        path=dict(type="path", required=True),
        mode=dict(type="raw", default="0600"),
        read_status=dict(type="bool"),
        retention_count=dict(type="int"),
        retention_age=dict(type="str"),
        retention_pattern=dict(type="str", default="*.db"),
        data_dir=dict(type="path"),
        replace=dict(type="bool", default=False),
        name=dict(type="str"),
        initial_cluster=dict(type="str"),
        initial_cluster_token=dict(type="str", default="etcd-cluster"),
        initial_advertise_peer_urls=dict(type="list", elements="str"),
        bump_revision=dict(type="int", default=0),
        mark_compacted=dict(type="bool", default=False),
        skip_hash_check=dict(type="bool", default=False),
        owner=dict(type="str"),
        group=dict(type="str"),
        etcdutl_path=dict(type="path"),
        etcdctl_path=dict(type="path"),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           required_if=[["state", "restored", ["data_dir", "name", "initial_cluster",
                                                               "initial_advertise_peer_urls"]]],
                           supports_check_mode=True)
    p = module.params
    if p["read_status"] is None:
        p["read_status"] = p["state"] == "status"
    if p["retention_count"] is not None and p["retention_count"] < 1:
        module.fail_json(msg="retention_count must be at least 1 (the new snapshot is always kept)")
    try:
        if p["state"] == "status":
            result = status(module)
        elif p["state"] == "restored":
            result = Restorer(module).run()
        else:
            result = save(module, client_or_fail(module))
    except EtcdError as exc:
        module.fail_json(msg="saving an etcd snapshot to %s failed: %s" % (p["path"], exc))
    except (OSError, IOError) as exc:
        module.fail_json(msg="etcd snapshot %s (%s): %s" % (p["state"], p["path"], to_native(exc)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
