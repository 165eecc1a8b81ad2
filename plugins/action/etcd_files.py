# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decides on the controller what differs, and sends only that, in one archive (see the module's docs)."""

from __future__ import annotations

import base64
import io
import os
import tarfile
import tempfile
import time

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.quorum.etcd.plugins.module_utils.member_files import (
    ENTRY_SPEC,
    entry_problem,
    normalized_mode,
    plan,
    sha1_of_bytes,
    sha1_of_file,
)

MODULE = "quorum.etcd.etcd_files_host"
# Certificates and configuration travel with the module's arguments, which spares a temporary directory and a
# transfer; binaries go as a file.
INLINE_LIMIT = 1024 * 1024


class ActionModule(ActionBase):
    # The temporary directory is made only when there is something to send.
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        validation, args = self.validate_argument_spec(
            argument_spec={
                "files": {"type": "list", "elements": "dict", "options": ENTRY_SPEC},
                "current": {"type": "list", "elements": "dict"},
                "paths": {"type": "list", "elements": "str"},
            },
            mutually_exclusive=[("files", "paths"), ("current", "paths")],
            required_one_of=[("files", "paths")],
        )
        if validation.error_messages:
            raise AnsibleActionFail("; ".join(validation.error_messages))
        if args["paths"] is not None:
            return self._execute_module(MODULE, module_args={"read": args["paths"]}, task_vars=task_vars)

        wanted = self._wanted(args["files"])
        current = list(args["current"] or [])
        known = {found["path"] for found in current}
        unread = [entry["path"] for entry in wanted if entry["path"] not in known]
        if unread:
            current += self._read(unread, [], task_vars)["current"]
        changes = plan(wanted, current)
        result.update(changed=bool(changes), changed_paths=[entry["path"] for entry in changes])
        if not changes:
            return result
        if self._task.diff:
            result["diff"] = self._diff(changes, task_vars)
        if self._task.check_mode:
            return result

        module_args = {"write": [self._without_content(entry) for entry in changes]}
        to_send = [entry for entry in changes if entry["write_content"]]
        if not to_send:
            result.update(self._execute_module(MODULE, module_args=module_args, task_vars=task_vars))
            return result
        bundle = self._bundle(to_send)
        try:
            if os.path.getsize(bundle) <= INLINE_LIMIT:
                with open(bundle, "rb") as handle:
                    module_args["archive_data"] = base64.b64encode(handle.read()).decode("ascii")
                result.update(self._execute_module(MODULE, module_args=module_args, task_vars=task_vars))
                return result
            self._make_tmp_path()
            remote = self._connection._shell.join_path(self._connection._shell.tmpdir, "bundle.tar")
            self._transfer_file(bundle, remote)
            self._fixup_perms2((self._connection._shell.tmpdir, remote))
            module_args["archive_path"] = remote
            result.update(self._execute_module(MODULE, module_args=module_args, task_vars=task_vars))
        finally:
            os.unlink(bundle)
            if self._connection._shell.tmpdir:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _wanted(self, files):
        wanted = []
        for index, entry in enumerate(files):
            problem = entry_problem(index, entry)
            if problem:
                raise AnsibleActionFail(problem)
            entry = dict(entry, mode=normalized_mode(entry["mode"]))
            if entry["state"] == "file":
                if entry["src"] is not None:
                    if not os.path.isfile(entry["src"]):
                        raise AnsibleActionFail("files[%d] (%s): src %s is not a file on the controller"
                                                % (index, entry["path"], entry["src"]))
                    entry["checksum"] = sha1_of_file(entry["src"])
                else:
                    entry["checksum"] = sha1_of_bytes(entry["content"].encode("utf-8"))
            wanted.append(entry)
        return wanted

    def _read(self, paths, with_content, task_vars):
        read = self._execute_module(MODULE, module_args={"read": paths, "read_content": with_content},
                                    task_vars=task_vars)
        if read.get("failed"):
            raise AnsibleActionFail("reading %s failed: %s" % (", ".join(paths), read.get("msg")), result=read)
        return read

    @staticmethod
    def _without_content(entry):
        return {key: entry[key] for key in ("path", "state", "mode", "owner", "group", "write_content")}

    @staticmethod
    def _bundle(entries):
        """A tar of the content to send, written where only this user can read it (it may hold keys)."""
        descriptor, path = tempfile.mkstemp(prefix="etcd_files.", suffix=".tar")
        now = time.time()
        with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as bundle:
            for entry in entries:
                name = entry["path"].lstrip("/")
                if entry["src"] is not None:
                    info = bundle.gettarinfo(entry["src"], arcname=name)
                    with open(entry["src"], "rb") as source:
                        bundle.addfile(info, source)
                else:
                    data = entry["content"].encode("utf-8")
                    info = tarfile.TarInfo(name)
                    info.size, info.mtime = len(data), now
                    bundle.addfile(info, io.BytesIO(data))
        return path

    def _diff(self, changes, task_vars):
        """Old and new text of the entries given as content; only the names of the others (keys among them)."""
        inline = [entry["path"] for entry in changes if entry["state"] == "file" and entry["content"] is not None]
        before = {}
        if inline:
            before = {found["path"]: found for found in self._read(inline, inline, task_vars)["current"]}
        diffs = []
        for entry in changes:
            if entry["path"] in before:
                old = before[entry["path"]]
                diffs.append({
                    "before_header": entry["path"], "after_header": entry["path"],
                    "before": old.get("content", "") if old["state"] == "file" else "",
                    "after": entry["content"],
                })
            else:
                diffs.append({"prepared": "%s: %s" % (entry["path"], "written" if entry.get("write_content") else "attributes set")})
        return diffs
