# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state of files and directories on a host, and what must change to reach the wanted one.

Shared by the etcd_files action (on the controller) and module (on the host): the action decides
what to send from what the module read, the module writes it.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
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
