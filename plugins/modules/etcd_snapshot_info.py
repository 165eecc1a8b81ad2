#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_snapshot_info
short_description: Check an etcd snapshot file
version_added: 0.1.0
description:
  - Reads a snapshot file on the host - its size, sha256, whether it ends with etcd's integrity hash and, with
    O(read_status), the revision and number of database entries that C(etcdutl snapshot status) (C(etcdctl) for
    etcd 3.4) reads from it. Never contacts etcd.
  - M(quorum.etcd.etcd_snapshot) saves and restores snapshots.
extends_documentation_fragment:
  - quorum.etcd.offline_tool
attributes:
  check_mode:
    support: full
    description: Only reads.
  diff_mode:
    support: none
    description: Only reads.
options:
  path:
    description:
      - The snapshot file.
    type: path
    required: true
  read_status:
    description:
      - Read the revision and the number of database entries with the offline tool, if one is found. That walks
        the whole database, so it costs time and memory in proportion to its size.
    type: bool
    default: true
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Check the latest snapshot
  quorum.etcd.etcd_snapshot_info:
    path: /var/backups/etcd/latest.db
  register: snapshot
  failed_when: not snapshot.valid
"""

RETURN = r"""
path:
  description: The snapshot file.
  returned: always
  type: str
  sample: /var/backups/etcd/etcd-20260101T000000Z.db
size:
  description: Size of the file in bytes (etcd's trailing 32-byte hash included).
  returned: always
  type: int
  sample: 20512
sha256:
  description: sha256 of the whole file, hex.
  returned: always
  type: str
  sample: 1f1d6c6e5b4a...
hash_valid:
  description: Whether the file ends with the sha256 of what precedes it, as etcd appends to a snapshot.
  returned: always
  type: bool
  sample: true
valid:
  description: The hash is valid and, when a tool read the file, the tool could read the database.
  returned: always
  type: bool
  sample: true
status_error:
  description: Why etcdutl/etcdctl could not read the file (then RV(valid) is false).
  returned: when the tool failed
  type: str
  sample: "etcdutl snapshot status /backup/x.db failed: invalid database"
revision:
  description: Revision of the snapshot, read from the file; null when not read.
  returned: always
  type: int
  sample: 42
revision_source:
  description: V(snapshot) when RV(revision) was read from the file, V(none) otherwise.
  returned: always
  type: str
  sample: snapshot
db_entries:
  description: Entries in all buckets of the snapshot's database (etcdutl's C(totalKey)); null when not read.
    It counts every stored revision and etcd's own records, not live keys.
  returned: always
  type: int
  sample: 1100
tool:
  description: The etcdutl or etcdctl that read the file; empty when none.
  returned: always
  type: str
  sample: /usr/local/bin/etcdutl
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.quorum.etcd.plugins.module_utils.snapshot import file_status, offline_tool_argument_spec


def main():
    argument_spec = offline_tool_argument_spec()
    argument_spec.update(
        path=dict(type="path", required=True),
        read_status=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = file_status(module)
    except OSError as exc:
        module.fail_json(msg="reading the etcd snapshot %s failed: %s" % (module.params["path"], to_native(exc)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
