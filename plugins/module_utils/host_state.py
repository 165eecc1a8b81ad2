# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a host offers etcd and how its member is doing, read on the host (etcd_host_info)."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import ssl
import struct
from typing import Optional

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


def read_timers(module: AnsibleModule, names: list) -> dict:
    """Whether each systemd timer is active and enabled, in one systemctl call."""
    if not names:
        return {}
    rc, out, dummy = module.run_command(["systemctl", "show", "-pId", "-pActiveState", "-pUnitFileState"]
                                        + ["%s.timer" % name for name in names])
    shown = {}
    for block in out.split("\n\n") if rc == 0 else []:
        fields = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if fields.get("Id", "").endswith(".timer"):
            shown[fields["Id"][:-len(".timer")]] = fields
    return {name: {"active": shown.get(name, {}).get("ActiveState") == "active",
                   "enabled": shown.get(name, {}).get("UnitFileState") == "enabled"} for name in names}


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


def read_common_name(path: str, of: str = "subject") -> Optional[str]:
    """The common name of the certificate at path, or of its issuer (of="issuer"); None when there is none, or no
    certificate to read. Read with the decoder Python's ssl module keeps for its tests, as nothing else in the
    standard library parses X.509."""
    try:
        subject = ssl._ssl._test_decode_cert(path).get(of, ())  # pylint: disable=protected-access
    except (AttributeError, OSError, ssl.SSLError, ValueError):
        return None
    names = [value for rdn in subject for key, value in rdn if key == "commonName"]
    return names[0] if names else None


PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


def certificate_fingerprints(pem: str) -> list:
    """The SHA-256 fingerprint (hex, of the DER form) of each certificate in the PEM text, in order."""
    return [hashlib.sha256(ssl.PEM_cert_to_DER_cert(block)).hexdigest() for block in PEM_CERTIFICATE.findall(pem)]


def read_certificate_fingerprints(path: str) -> list:
    """certificate_fingerprints of the file at path; [] when there is none, or nothing in it to read."""
    try:
        with open(path, encoding="ascii", errors="replace") as pem:
            return certificate_fingerprints(pem.read())
    except (OSError, ValueError):
        return []


# Where etcd's configuration file requires a common name of peers: 3.5's key, and 3.4's Go field (see config_file).
_PEER_ALLOWED_CN_KEYS = {"peer-transport-security:": "allowed-cn", "PeerTLSInfo:": "AllowedCN"}


def read_peer_allowed_common_name(config_path: str) -> Optional[str]:
    """The (first) common name etcd's configuration file requires of peers, as the etcd_config role writes it
    (YAML, to_nice_yaml's layout: a list under the key, or one value beside it); None when it has none, or there
    is no file."""
    try:
        with open(config_path) as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    allowed_key, in_allowed = None, False
    for line in lines:
        if not line.startswith((" ", "\t", "-")):
            allowed_key, in_allowed = _PEER_ALLOWED_CN_KEYS.get(line.rstrip()), False
            continue
        if not allowed_key:
            continue
        item = re.match(r"^[ \t]*-[ \t]*(['\"]?)(.+?)\1[ \t]*$", line)
        if in_allowed and item:
            return item.group(2)
        key = re.match(r"^[ \t]+([\w-]+):[ \t]*(.*?)[ \t]*$", line)
        if key:
            in_allowed = key.group(1) == allowed_key
            value = key.group(2).strip("[]").split(",")[0].strip().strip("'\"") if in_allowed else ""
            if value:
                return value
    return None


def read_top_level_settings(config_path: str, names: tuple) -> dict:
    """The named settings of etcd's configuration file as the etcd_config role writes it (a top-level "key: value"
    line each, for values without a space, which YAML never folds), as text; {} when there is no file."""
    try:
        with open(config_path) as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        match = re.match(r"^([\w-]+):[ \t]*(['\"]?)(\S*?)\2[ \t]*$", line)
        if match and match.group(1) in names:
            found[match.group(1)] = match.group(3)
    return found


def read_bootstrap_settings(config_path: str) -> dict:
    """The initial-cluster, initial-cluster-state and discovery-srv of etcd's configuration file. etcd reads them
    only when it bootstraps a member, so a run keeps the ones a bootstrapped member has."""
    return read_top_level_settings(config_path, ("initial-cluster", "initial-cluster-state", "discovery-srv"))


def read_quota_backend_bytes(config_path: str) -> int:
    """The quota-backend-bytes of etcd's configuration file; 0 (etcd's default, 2 GiB) when it has none."""
    value = read_top_level_settings(config_path, ("quota-backend-bytes",)).get("quota-backend-bytes", "0")
    return int(value) if value.isdigit() else 0


def read_not_after(path: str) -> Optional[int]:
    """When the (first) certificate at path expires, in Unix time; None when there is none to read."""
    try:
        return int(ssl.cert_time_to_seconds(ssl._ssl._test_decode_cert(path)["notAfter"]))  # pylint: disable=protected-access
    except (AttributeError, KeyError, OSError, ssl.SSLError, ValueError):
        return None


def restart_pending(unit: dict, watched: list) -> tuple:
    """(pending, reason): whether etcd fails to run (systemd keeps restarting it, or gave up), or a watched
    file changed after its process started. A unit stopped on purpose is not pending: it is started."""
    # activating (start) is a member still starting, perhaps replaying a large database: not a failure. A unit
    # that systemd restarts in a loop passes through start-pre between its waits: read there, it is failing too.
    looping = unit.get("sub_state") == "auto-restart" or (unit.get("sub_state") == "start-pre" and unit.get("restarts", 0) > 0)
    if unit.get("exists") and (unit["active_state"] == "failed" or looping):
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
