#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_host_info
short_description: What a host offers etcd, and how the etcd member on it is doing
version_added: 0.1.0
description:
  - Reads, changing nothing, what the quorum.etcd roles check before they change a host and what they
    decide restarts from, in one module run; the host needs only Python, C(ip) and C(systemctl).
  - The host's architecture, IP addresses and listening TCP ports with the process that holds each.
  - The etcd unit's state, restart count and the time its process started; whether a file etcd reads
    changed after that (the member then runs an older configuration and needs a restart).
  - The version of the etcd binary installed, and whether the data dir holds a member.
  - With O(read_cluster), where etcd runs, the cluster as M(quorum.etcd.etcd_info) reads it, in the same module run.
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: It only reads.
options:
  read_cluster:
    description:
      - Where the etcd unit is active, also read the cluster through O(endpoints), as M(quorum.etcd.etcd_info) does,
        into RV(cluster).
      - The connection options are used only for it.
    type: bool
    default: false
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
  peer_certificate:
    description: The member's peer certificate, whose common name is returned in RV(peer_certificate_common_name).
    type: path
  config_file:
    description:
      - etcd's configuration file, whose peer C(allowed-cn) (or etcd 3.4's C(PeerTLSInfo.AllowedCN)) is returned in
        RV(peer_allowed_common_name), its C(initial-cluster), C(initial-cluster-state) and C(discovery-srv) in
        RV(bootstrap_settings), and its
        C(quota-backend-bytes) in RV(quota_backend_bytes).
    type: path
  issued_certificates:
    description: Certificates whose issuer's common name is returned in RV(certificate_issuers).
    type: list
    elements: path
    default: []
  dated_certificates:
    description: Certificates whose expiry is returned in RV(certificate_expiry).
    type: list
    elements: path
    default: []
  trusted_ca_file:
    description: The CAs etcd trusts (its C(trusted-ca-file)), whose fingerprints are returned in RV(trusted_ca_fingerprints).
    type: path
  managed_paths:
    description:
      - Paths whose kind, mode, owner, group and checksum are returned in RV(managed_paths), the current state that
        M(quorum.etcd.etcd_files) compares with when it is given them as its O(quorum.etcd.etcd_files#module:current).
    type: list
    elements: path
    default: []
  timers:
    description: Names of systemd timers (without C(.timer)) whose state is returned in RV(timers).
    type: list
    elements: str
    default: []
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Read the member's host
  quorum.etcd.etcd_host_info:
    data_dir: /var/lib/etcd
    watched_paths: [/etc/etcd/config.yaml, /etc/ssl/etcd/etcd.pem]
    managed_paths: [/etc/etcd, /etc/etcd/config.yaml]
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
peer_certificate_common_name:
  description: The common name of O(peer_certificate); null when it has none, or there is no such certificate.
  returned: always
  type: str
  sample: etcd-cluster-peer
peer_allowed_common_name:
  description: The common name the member's configuration file requires of peers (C(allowed-cn)); null for none.
  returned: always
  type: str
  sample: etcd-cluster-peer
bootstrap_settings:
  description:
    - C(initial-cluster), C(initial-cluster-state) and C(discovery-srv) as O(config_file) has them; empty when there
      is no file.
    - etcd reads them only when it bootstraps the member.
  returned: always
  type: dict
  sample: {initial-cluster: "etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380", initial-cluster-state: new}
quota_backend_bytes:
  description: C(quota-backend-bytes) as O(config_file) has it; 0 when it has none (etcd's default, 2 GiB) or there is no file.
  returned: always
  type: int
  sample: 2147483648
certificate_expiry:
  description: For each of O(dated_certificates), when its (first) certificate expires, in Unix time; null when it cannot be read.
  returned: always
  type: dict
  sample: {/etc/ssl/etcd/etcd.pem: 1827004800}
certificate_issuers:
  description: For each of O(issued_certificates), the common name of the CA that issued it; null when it cannot be read.
  returned: always
  type: dict
  sample: {/etc/ssl/etcd/etcd.pem: etcd-cluster CA}
trusted_ca_fingerprints:
  description:
    - The SHA-256 fingerprint (hex, of the DER form) of each certificate in O(trusted_ca_file); empty when there is
      none, or no O(trusted_ca_file) was given.
  returned: always
  type: list
  elements: str
  sample: [052364b060df9a69247b7ce7a9645761a32c7b3eee49e9b70aee742e30a2e74a]
managed_paths:
  description: What the host has at each path of O(managed_paths), in the shape M(quorum.etcd.etcd_files) reads it.
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/etcd, state: directory, mode: "0755", owner: root, group: root}]
cluster:
  description:
    - What M(quorum.etcd.etcd_info) returns of the cluster; when the member list could not be read, only why
      (C(msg)) and what each endpoint says of itself (C(statuses)), as M(quorum.etcd.etcd_info) fails with.
  returned: with O(read_cluster), where the etcd unit is active
  type: dict
  sample: {cluster_id: cdf818194e3a8c32, leader_name: etcd-1, cluster_version: 3.5.0, members: [], alarms: []}
timers:
  description: For each of O(timers), whether it is active (waiting for its next time) and enabled.
  returned: always
  type: dict
  sample: {etcd-defrag: {active: true, enabled: true}}
"""

import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.cluster_info import cluster_or_problem
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdClient, etcd_argument_spec, etcd_required_together)
from ansible_collections.quorum.etcd.plugins.module_utils.host_state import (
    read_addresses, read_bootstrap_settings, read_certificate_fingerprints, read_common_name, read_data_dir, read_listeners,
    read_not_after, read_peer_allowed_common_name, read_quota_backend_bytes, read_timers, read_unit, read_version,
    restart_pending)
from ansible_collections.quorum.etcd.plugins.module_utils.member_files import read_path


def main():
    module = AnsibleModule(
        argument_spec=dict(etcd_argument_spec(), **{
            "read_cluster": {"type": "bool", "default": False},
            "service": {"type": "str", "default": "etcd"},
            "etcd_binary": {"type": "path", "default": "/usr/local/bin/etcd"},
            "data_dir": {"type": "path", "default": "/var/lib/etcd"},
            "wal_dir": {"type": "path"},
            "watched_paths": {"type": "list", "elements": "path", "default": []},
            "managed_paths": {"type": "list", "elements": "path", "default": []},
            "peer_certificate": {"type": "path"},
            "config_file": {"type": "path"},
            "issued_certificates": {"type": "list", "elements": "path", "default": []},
            "dated_certificates": {"type": "list", "elements": "path", "default": []},
            "trusted_ca_file": {"type": "path"},
            "timers": {"type": "list", "elements": "str", "default": []},
        }),
        required_together=etcd_required_together(),
        supports_check_mode=True,
    )
    unit = read_unit(module, module.params["service"])
    pending, reason = restart_pending(unit, module.params["watched_paths"])
    cluster = {}
    if module.params["read_cluster"] and unit["active_state"] == "active":
        cluster = {"cluster": read_cluster(module)}
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
        managed_paths=[read_path(path) for path in module.params["managed_paths"]],
        peer_certificate_common_name=(read_common_name(module.params["peer_certificate"])
                                      if module.params["peer_certificate"] else None),
        peer_allowed_common_name=(read_peer_allowed_common_name(module.params["config_file"])
                                  if module.params["config_file"] else None),
        bootstrap_settings=read_bootstrap_settings(module.params["config_file"]) if module.params["config_file"] else {},
        quota_backend_bytes=read_quota_backend_bytes(module.params["config_file"]) if module.params["config_file"] else 0,
        certificate_expiry={path: read_not_after(path) for path in module.params["dated_certificates"]},
        certificate_issuers={path: read_common_name(path, of="issuer") for path in module.params["issued_certificates"]},
        trusted_ca_fingerprints=(read_certificate_fingerprints(module.params["trusted_ca_file"])
                                 if module.params["trusted_ca_file"] else []),
        timers=read_timers(module, module.params["timers"]),
        **cluster
    )


def read_cluster(module) -> dict:
    """The cluster, or why it could not be read: a cluster that does not answer is reported, not a failed read of
    the host (the roles name it where it matters)."""
    try:
        return cluster_or_problem(EtcdClient.from_module(module))
    except Exception as exc:  # pylint: disable=broad-except
        return {"msg": "reading the etcd cluster's state failed: %s" % exc, "statuses": []}


if __name__ == "__main__":
    main()
