#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_snapshot
short_description: Save and restore etcd snapshots
version_added: 0.1.0
description:
  - V(saved) streams a snapshot from a member through etcd's JSON gateway (C(/v3/maintenance/snapshot)) into
    a temporary file next to O(path), in bounded memory whatever the database size, verifies etcd's integrity
    hash, fsyncs it and renames it into place. The file is byte for byte what C(etcdctl snapshot save) writes
    (etcd's trailing sha256 is kept). Optionally prunes older snapshots in the same directory.
  - V(restored) restores one into a new data directory for one member with C(etcdutl snapshot restore)
    (etcd 3.5 and later) or C(etcdctl snapshot restore) (etcd 3.4).
  - M(quorum.etcd.etcd_snapshot_info) reports on a snapshot file.
extends_documentation_fragment:
  - quorum.etcd.connection
  - quorum.etcd.offline_tool
attributes:
  check_mode:
    support: full
    description: V(saved) and V(restored) report what they would do without writing.
  diff_mode:
    support: none
    description: Snapshots are binary.
options:
  state:
    description:
      - V(saved) takes a new snapshot (always reports changed), V(restored) restores O(path) into O(data_dir).
    type: str
    choices: [saved, restored]
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
      - With V(saved), read the revision and the number of database entries from the new file itself, as
        M(quorum.etcd.etcd_snapshot_info) does. That walks the whole database, so it costs time and memory in
        proportion to its size.
      - RV(key_count) (and, without O(read_status), RV(revision)) are read from the member
        just before it takes the snapshot (C(/v3/maintenance/status), then a count-only range at that revision, on
        the member that then streams the snapshot; RV(revision_source=member_status)). They describe the file
        exactly unless writes happen in between, in which case the file holds a slightly newer revision.
    type: bool
    default: false
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
  returned: unless O(state=saved) in check mode
  type: int
  sample: 20512
sha256:
  description: sha256 of the whole snapshot file, hex.
  returned: unless O(state=saved) in check mode
  type: str
  sample: 1f1d6c6e5b4a...
hash_valid:
  description: Whether the file ends with the sha256 of what precedes it, as etcd appends to a snapshot.
  returned: unless O(state=saved) in check mode
  type: bool
  sample: true
revision:
  description: Revision of the snapshot; null when unknown.
  returned: state is saved
  type: int
  sample: 42
revision_source:
  description: Where RV(revision) comes from, V(snapshot) (read from the file by etcdutl/etcdctl),
    V(member_status) (the member's revision just before the snapshot) or V(none).
  returned: state is saved
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
  returned: state is saved
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

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together)
from ansible_collections.quorum.etcd.plugins.module_utils.snapshot import Restorer, offline_tool_argument_spec, save


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(offline_tool_argument_spec())
    argument_spec.update(
        state=dict(type="str", choices=["saved", "restored"], default="saved"),
        path=dict(type="path", required=True),
        mode=dict(type="raw", default="0600"),
        read_status=dict(type="bool", default=False),
        retention_count=dict(type="int"),
        retention_age=dict(type="str"),
        retention_pattern=dict(type="str", default="*.db"),
        data_dir=dict(type="path"),
        replace=dict(type="bool", default=False),
        name=dict(type="str"),
        initial_cluster=dict(type="str"),
        initial_cluster_token=dict(type="str", default="etcd-cluster", no_log=False),
        initial_advertise_peer_urls=dict(type="list", elements="str"),
        bump_revision=dict(type="int", default=0),
        mark_compacted=dict(type="bool", default=False),
        skip_hash_check=dict(type="bool", default=False),
        owner=dict(type="str"),
        group=dict(type="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           required_if=[["state", "restored", ["data_dir", "name", "initial_cluster",
                                                               "initial_advertise_peer_urls"]]],
                           supports_check_mode=True)
    p = module.params
    if p["retention_count"] is not None and p["retention_count"] < 1:
        module.fail_json(msg="retention_count must be at least 1 (the new snapshot is always kept)")
    doing = "saving an etcd snapshot to" if p["state"] == "saved" else "restoring the etcd snapshot"
    try:
        if p["state"] == "restored":
            result = Restorer(module).run()
        else:
            result = save(module, client_or_fail(module))
    except EtcdError as exc:
        module.fail_json(msg="%s %s failed: %s" % (doing, p["path"], exc))
    except OSError as exc:
        module.fail_json(msg="%s %s failed: %s" % (doing, p["path"], to_native(exc)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
