# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state of files and directories on a host, and what must change to reach the wanted one.

Shared by the etcd_files action (on the controller) and the etcd_files_host module (on the host): the action decides
what to send from what the module read, the module writes it.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
import tarfile
import tempfile
from typing import Any, Dict, Iterable, List, Optional

# What the action is given for each entry; the module gets the same without src and content.
ENTRY_SPEC: Dict[str, Dict[str, Any]] = {
    "path": {"type": "str", "required": True},
    "state": {"type": "str", "default": "file", "choices": ["file", "directory"]},
    "src": {"type": "str"},
    "content": {"type": "str", "no_log": True},
    "mode": {"type": "str", "required": True},
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
}

CHUNK = 1024 * 1024


def sha1_of_file(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha1_of_bytes(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _name(lookup, ident: int) -> str:
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def read_path(path: str, with_content: bool = False) -> Dict[str, Any]:
    """What is at path: its kind, mode, owner, group and, for a regular file, its SHA-1."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return {"path": path, "state": "absent"}
    if stat.S_ISDIR(found.st_mode):
        state = "directory"
    elif stat.S_ISREG(found.st_mode):
        state = "file"
    else:
        state = "other"
    result: Dict[str, Any] = {
        "path": path,
        "state": state,
        "mode": "%04o" % stat.S_IMODE(found.st_mode),
        "owner": _name(pwd.getpwuid, found.st_uid),
        "group": _name(grp.getgrgid, found.st_gid),
    }
    if state == "file":
        result["checksum"] = sha1_of_file(path)
        if with_content:
            with open(path, "rb") as handle:
                result["content"] = handle.read().decode("utf-8", errors="replace")
    return result


def entry_problem(index: int, entry: Dict[str, Any]) -> Optional[str]:
    """Why an entry cannot be used, or None; says which entry and how to fix it."""
    where = "files[%d] (%s)" % (index, entry.get("path"))
    if not os.path.isabs(entry["path"]):
        return "%s: path must be absolute" % where
    try:
        if len(entry["mode"]) not in (3, 4) or int(entry["mode"], 8) > 0o7777:
            raise ValueError
    except ValueError:
        return "%s: mode %r is not an octal mode like '0640'" % (where, entry["mode"])
    has_source = [key for key in ("src", "content") if entry.get(key) is not None]
    if entry["state"] == "directory" and has_source:
        return "%s: a directory takes no %s" % (where, has_source[0])
    if entry["state"] == "file" and len(has_source) != 1:
        return "%s: give a file exactly one of src (a file on the controller) or content" % where
    return None


def normalized_mode(mode: str) -> str:
    return "%04o" % int(mode, 8)


def attributes_differ(wanted: Dict[str, Any], found: Dict[str, Any]) -> bool:
    """Whether the kind, mode, owner or group at the path is not the wanted one."""
    return found["state"] != wanted["state"] or (found.get("mode"), found.get("owner"), found.get("group")) != (
        normalized_mode(wanted["mode"]), wanted["owner"], wanted["group"])


def stale(wanted: Dict[str, Any], found: Optional[Dict[str, Any]]) -> Dict[str, bool]:
    """Whether the entry's content and its attributes (kind, mode, owner, group) must be written."""
    found = found or {"state": "absent"}
    content = wanted["state"] == "file" and (found["state"] != "file" or found.get("checksum") != wanted["checksum"])
    return {"content": content, "attributes": attributes_differ(wanted, found)}


def plan(wanted: Iterable[Dict[str, Any]], current: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The wanted entries that differ from what the host has, each marked with what differs."""
    found = {entry["path"]: entry for entry in current}
    changes = []
    for entry in wanted:
        differs = stale(entry, found.get(entry["path"]))
        if differs["content"] or differs["attributes"]:
            changes.append(dict(entry, write_content=differs["content"]))
    return changes


# --- on the host: writing what the action decided -----------------------------------------------------

def _ids(module, entry):
    try:
        uid = pwd.getpwnam(entry["owner"]).pw_uid
    except KeyError:
        module.fail_json(msg="%s: owner %s does not exist on the host; create the user first" % (entry["path"], entry["owner"]))
    try:
        gid = grp.getgrnam(entry["group"]).gr_gid
    except KeyError:
        module.fail_json(msg="%s: group %s does not exist on the host; create the group first" % (entry["path"], entry["group"]))
    return uid, gid


def _make_parents(path):
    # exist_ok: delegated to the controller, the tasks of several hosts may make the same parent at once.
    os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)


def _write(module, entry, bundle, uid, gid, mode):
    """Write the file's content from the bundle beside it, with its attributes, then move it into place."""
    _make_parents(entry["path"])
    source = bundle.extractfile(entry["path"].lstrip("/"))
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(entry["path"]), prefix=".etcd_files.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            while True:
                chunk = source.read(1024 * 1024)
                if not chunk:
                    break
                handle.write(chunk)
        os.chown(temporary, uid, gid)
        os.chmod(temporary, mode)
        os.replace(temporary, entry["path"])
    except Exception:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def apply(module, entries, archive):
    """Write the entries, taking content from archive: its path on the host, or the archive itself."""
    changed = []
    if archive is None:
        bundle = None
    elif isinstance(archive, str):
        bundle = tarfile.open(archive)
    else:
        bundle = tarfile.open(fileobj=archive)
    # Every owner and group is looked up before anything is written.
    ids = [_ids(module, entry) for entry in entries]
    try:
        for entry, (uid, gid) in zip(entries, ids):
            mode = int(normalized_mode(entry["mode"]), 8)
            found = read_path(entry["path"])
            if found["state"] not in ("absent", entry["state"]):
                if entry["state"] == "directory" or found["state"] == "directory":
                    module.fail_json(msg="%s is a %s on the host, not a %s; move it away first"
                                     % (entry["path"], found["state"], entry["state"]))
            write_content = entry["state"] == "file" and bundle is not None and entry["write_content"]
            if found["state"] == "absent" and entry["state"] == "file" and not write_content:
                module.fail_json(msg="%s is missing and its content was not sent" % entry["path"])
            if not (write_content or attributes_differ(entry, found)):
                continue
            changed.append(entry["path"])
            if module.check_mode:
                continue
            if write_content:
                _write(module, entry, bundle, uid, gid, mode)
            else:
                if entry["state"] == "directory" and found["state"] == "absent":
                    _make_parents(entry["path"])
                    os.mkdir(entry["path"], 0o700)
                os.chown(entry["path"], uid, gid, follow_symlinks=False)
                os.chmod(entry["path"], mode)
    finally:
        if bundle is not None:
            bundle.close()
    return changed


def path_found(current: Iterable[Dict[str, Any]], path: str, state: str = "file",
               owner: Optional[str] = None, group: Optional[str] = None) -> bool:
    """Whether current (as read_path returns each path) has path in state, and with owner and group when given."""
    for found in current:
        if found.get("path") == path:
            return (found.get("state") == state and owner in (None, found.get("owner"))
                    and group in (None, found.get("group")))
    return False
