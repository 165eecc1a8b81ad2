#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_host_info
short_description: What a host offers etcd, and how the etcd member on it is doing
version_added: 0.2.0
description:
  - Reads, changing nothing, what the quorum.etcd roles check before they change a host and what they
    decide restarts from, in one module run; the host needs only Python, C(ip) and C(systemctl).
  - The host's architecture, IP addresses and listening TCP ports with the process that holds each.
  - The etcd unit's state, restart count and the time its process started; whether a file etcd reads
    changed after that (the member then runs an older configuration and needs a restart).
  - The version of the etcd binary installed, and whether the data dir holds a member.
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: It only reads.
options:
  service:
    description: The etcd unit's name, without C(.service).
    type: str
    default: etcd
  etcd_binary:
    description: Path of the etcd binary whose version is reported.
    type: path
    default: /usr/local/bin/etcd
  data_dir:
    description: etcd's data dir.
    type: path
    default: /var/lib/etcd
  wal_dir:
    description: etcd's C(wal-dir), when the write-ahead log is kept apart from O(data_dir).
    type: path
  watched_paths:
    description: Files that etcd reads at start; one changed after the process started makes RV(restart_pending) true.
    type: list
    elements: path
    default: []
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Read the member's host
  quorum.etcd.etcd_host_info:
    data_dir: /var/lib/etcd
    watched_paths: [/etc/etcd/config.yaml, /etc/ssl/etcd/etcd.pem]
  register: host

- name: Show whether the member runs an older configuration than its files
  ansible.builtin.debug:
    msg: "{{ host.restart_reason if host.restart_pending else 'up to date' }}"
"""

RETURN = r"""
architecture:
  description: The machine's architecture, as C(uname -m) prints it.
  returned: always
  type: str
  sample: x86_64
addresses:
  description: The host's IP addresses, or null when C(ip) is not installed.
  returned: always
  type: list
  elements: str
  sample: [127.0.0.1, 10.0.1.10, "::1"]
listeners:
  description: Listening TCP sockets.
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: Local address (C(0.0.0.0) or C(::) for all).
      type: str
      sample: 10.0.1.10
    port:
      description: Local port.
      type: int
      sample: 2379
    process:
      description: Name of the process that holds the socket, empty when unknown.
      type: str
      sample: etcd
unit:
  description: The etcd unit as systemd sees it.
  returned: always
  type: dict
  contains:
    exists:
      description: Whether systemd knows the unit.
      type: bool
      sample: true
    active_state:
      description: C(active), C(inactive), C(activating), C(failed), ...
      type: str
      sample: active
    sub_state:
      description: C(running), C(auto-restart), C(dead), ...
      type: str
      sample: running
    restarts:
      description: How often systemd restarted the unit after a failure since it was last started by hand.
      type: int
      sample: 0
    enabled:
      description: Whether the unit starts at boot (C(systemctl is-enabled)).
      type: bool
      sample: true
    started_at:
      description: Unix time at which the unit's main process started; 0 when none runs.
      type: float
      sample: 1764092400.12
installed_version:
  description: Version of O(etcd_binary), empty when it is not installed.
  returned: always
  type: str
  sample: 3.5.16
data_dir:
  description: What O(data_dir) holds.
  returned: always
  type: dict
  contains:
    exists:
      description: Whether the directory exists.
      type: bool
      sample: true
    has_member:
      description:
        - Whether it holds a member's write-ahead log (in O(wal_dir) when given), that is whether the member was
          bootstrapped here; null when the directory cannot be read.
      type: bool
      sample: true
restart_pending:
  description:
    - Whether a file of O(watched_paths) changed after the running etcd process started, or the unit fails
      (C(failed), or C(activating) while systemd restarts it).
    - A unit stopped on purpose (C(inactive)) is not pending.
  returned: always
  type: bool
  sample: false
restart_reason:
  description: Which file changed, and when, relative to the start; empty when none did.
  returned: always
  type: str
  sample: /etc/etcd/config.yaml changed 42 s after etcd started
"""

import os
import platform
import re
import socket
import struct

from ansible.module_utils.basic import AnsibleModule

LISTEN = "0A"


def _proc_start_time(pid: int) -> float:
    """Unix time at which process pid started, from /proc (clock ticks after boot)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
    except (OSError, StopIteration, IndexError, ValueError):
        return 0.0
    # fields[0] is the state, the third field of stat; starttime is the 22nd.
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def read_unit(module: AnsibleModule, service: str) -> dict:
    properties = ["LoadState", "ActiveState", "SubState", "NRestarts", "MainPID", "UnitFileState"]
    rc, out, dummy = module.run_command(["systemctl", "show", service + ".service"] + ["-p%s" % p for p in properties])
    shown = dict(line.split("=", 1) for line in out.splitlines() if "=" in line) if rc == 0 else {}
    pid = int(shown.get("MainPID") or 0)
    return {
        "exists": shown.get("LoadState", "not-found") not in ("not-found", ""),
        "active_state": shown.get("ActiveState", "inactive"),
        "sub_state": shown.get("SubState", "dead"),
        "restarts": int(shown.get("NRestarts") or 0),
        "enabled": shown.get("UnitFileState") == "enabled",
        "started_at": _proc_start_time(pid) if pid else 0.0,
    }


def read_addresses(module: AnsibleModule):
    ip = module.get_bin_path("ip")
    if not ip:
        return None
    rc, out, dummy = module.run_command([ip, "-o", "addr", "show"])
    if rc != 0:
        return None
    return sorted(set(re.findall(r"\binet6? ([0-9a-fA-F.:]+)/", out)))


def _socket_owners() -> dict:
    """{socket inode: process name} for the processes whose descriptors can be read."""
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/comm" % pid) as handle:
                name = handle.read().strip()
            for fd in os.listdir("/proc/%s/fd" % pid):
                target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
                if target.startswith("socket:["):
                    owners[target[8:-1]] = name
        except OSError:
            continue
    return owners


def _address(hex_address: str) -> str:
    """/proc/net/tcp prints an address as 32-bit words in the host's byte order."""
    words = [int(hex_address[i:i + 8], 16) for i in range(0, len(hex_address), 8)]
    family = socket.AF_INET if len(words) == 1 else socket.AF_INET6
    return socket.inet_ntop(family, struct.pack("=%dI" % len(words), *words))


def read_listeners() -> list:
    owners = _socket_owners()
    listeners = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            address, port = fields[1].split(":")
            listeners.append({"address": _address(address), "port": int(port, 16),
                              "process": owners.get(fields[9], "")})
    return listeners


def read_version(module: AnsibleModule, binary: str) -> str:
    if not os.access(binary, os.X_OK):
        return ""
    rc, out, dummy = module.run_command([binary, "--version"])
    match = re.search(r"etcd Version: v?([0-9]+\.[0-9]+\.[0-9]+)", out)
    return match.group(1) if rc == 0 and match else ""


def read_data_dir(path: str, wal_dir: str = "") -> dict:
    """Whether the data dir holds a member: a write-ahead log, which etcd writes only once the member is
    bootstrapped (a failed start leaves an empty database behind, not a log). has_member is None when the
    directory cannot be read."""
    wal_dir = wal_dir or os.path.join(path, "member", "wal")
    for directory in (path, wal_dir):
        if os.path.isdir(directory) and not os.access(directory, os.R_OK | os.X_OK):
            return {"exists": True, "has_member": None}
    wal = os.listdir(wal_dir) if os.path.isdir(wal_dir) else []
    return {"exists": os.path.isdir(path), "has_member": any(name.endswith(".wal") for name in wal)}


def restart_pending(unit: dict, watched: list) -> tuple:
    """(pending, reason): whether etcd fails to run (systemd keeps restarting it, or gave up), or a watched
    file changed after its process started. A unit stopped on purpose is not pending: it is started."""
    # activating (start) is a member still starting, perhaps replaying a large database: not a failure.
    if unit.get("exists") and (unit["active_state"] == "failed" or unit.get("sub_state") == "auto-restart"):
        return True, "etcd is %s (%s)" % (unit["active_state"], unit.get("sub_state", ""))
    if unit["active_state"] != "active" or not unit["started_at"]:
        return False, ""
    newest, newest_path = 0.0, ""
    for path in watched:
        try:
            # ctime: a rename into place, a chmod or a package install all move it; nothing sets it back.
            changed = os.stat(path).st_ctime
        except OSError:
            continue
        if changed > newest:
            newest, newest_path = changed, path
    # The start time is known to the clock tick, the boot time to the second only.
    if newest > unit["started_at"] + 1:
        return True, "%s changed %d s after etcd started" % (newest_path, newest - unit["started_at"])
    return False, ""


def main():
    module = AnsibleModule(
        argument_spec={
            "service": {"type": "str", "default": "etcd"},
            "etcd_binary": {"type": "path", "default": "/usr/local/bin/etcd"},
            "data_dir": {"type": "path", "default": "/var/lib/etcd"},
            "wal_dir": {"type": "path"},
            "watched_paths": {"type": "list", "elements": "path", "default": []},
        },
        supports_check_mode=True,
    )
    unit = read_unit(module, module.params["service"])
    pending, reason = restart_pending(unit, module.params["watched_paths"])
    module.exit_json(
        changed=False,
        architecture=platform.machine(),
        addresses=read_addresses(module),
        listeners=read_listeners(),
        unit=unit,
        installed_version=read_version(module, module.params["etcd_binary"]),
        data_dir=read_data_dir(module.params["data_dir"], module.params["wal_dir"] or ""),
        restart_pending=pending,
        restart_reason=reason,
    )


if __name__ == "__main__":
    main()
