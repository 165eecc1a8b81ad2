#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_defrag
short_description: Defragment etcd members, followers first and the leader last
version_added: 0.1.0
description:
  - Defragments the backend database of one, several or all voting members where the free space
    (C(dbSize - dbSizeInUse) from C(/v3/maintenance/status)) is above a threshold, calling
    C(/v3/maintenance/defragment) on each member's own client URL, followers first and the leader last.
  - Optionally compacts the key-value history to the current revision first, and moves leadership away from
    the leader before defragmenting it (a member blocks while it defragments).
  - Lists active alarms and disarms C(NOSPACE) alarms once done. A member with a C(NOSPACE) alarm is
    defragmented whatever the thresholds.
  - Learners cannot be defragmented through the API (etcd refuses the call) and are skipped.
extends_documentation_fragment:
  - quorum.etcd.connection
attributes:
  check_mode:
    support: full
    description: Reports which members would be defragmented, whether it would compact and which alarms it would
      disarm. With O(compact=true) the decisions use the sizes before compaction, since nothing is compacted.
  diff_mode:
    support: none
    description: Nothing to compare.
options:
  members:
    description:
      - Names or IDs (hex) of the members to defragment. All voting members when empty.
    type: list
    elements: str
    default: []
  threshold_bytes:
    description:
      - Defragment a member only if its free space is above this many bytes.
      - With O(threshold_ratio) too, both must be exceeded. With neither, any free space is enough.
    type: int
  threshold_ratio:
    description:
      - Defragment a member only if its free space divided by its database size is above this ratio (0 to 1).
    type: float
  compact:
    description:
      - Compact the history up to the current revision (physically) before deciding and defragmenting.
        Older revisions are lost for watchers and readers of the past.
    type: bool
    default: false
  transfer_leadership:
    description:
      - Before defragmenting the leader, hand leadership to the voting member with the highest raft index.
    type: bool
    default: false
  disarm_nospace:
    description:
      - Disarm C(NOSPACE) alarms after defragmenting (etcd stays read-only until they are disarmed).
    type: bool
    default: true
  defrag_timeout:
    description:
      - Seconds to wait for one member's defragmentation (and for the compaction).
    type: float
    default: 300
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Defragment members with more than 100 MiB and 30 % free, after compacting
  quorum.etcd.etcd_defrag:
    compact: true
    threshold_bytes: 104857600
    threshold_ratio: 0.3
    transfer_leadership: true

- name: Defragment one member whatever its free space
  quorum.etcd.etcd_defrag:
    members: [etcd2]
"""

RETURN = r"""
members:
  description: Each targeted member in the order handled (followers, then the leader), sizes before and after.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Member name.
      type: str
      sample: etcd1
    id:
      description: Member ID in hex.
      type: str
      sample: 8e9e05c52164694d
    endpoint:
      description: The client URL the member was defragmented through.
      type: str
      sample: https://10.0.0.1:2379
    was_leader:
      description: Whether it was the leader when the module started.
      type: bool
      sample: false
    db_size_before:
      description: Database size in bytes before (after compaction, if any).
      type: int
      sample: 104857600
    db_size_in_use_before:
      description: Bytes in use before.
      type: int
      sample: 2097152
    db_size_after:
      description: Database size in bytes after; the same as before when not defragmented.
      type: int
      sample: 2129920
    db_size_in_use_after:
      description: Bytes in use after.
      type: int
      sample: 2097152
    defragmented:
      description: Whether it was (or, in check mode, would be) defragmented.
      type: bool
      sample: true
    reason:
      description: Why it was or was not defragmented.
      type: str
      sample: 102760448 bytes free (98.0 %), above the threshold
compacted_revision:
  description: Revision compacted to; null when not compacting or already compacted there.
  returned: success
  type: int
  sample: 1234
leader_transferred_to:
  description: ID (hex) of the member that leadership was handed to; empty when it was not moved.
  returned: success
  type: str
  sample: 91bc3c398fb3c146
alarms:
  description: Alarms active when the module started.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "8e9e05c52164694d", "id_decimal": 10276657743932975437, "alarm": "NOSPACE"}]
disarmed:
  description: Alarms disarmed (or that would be, in check mode).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "8e9e05c52164694d", "id_decimal": 10276657743932975437, "alarm": "NOSPACE"}]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.quorum.etcd.plugins.module_utils.defrag import Defragmenter
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdError, client_or_fail, etcd_argument_spec, etcd_required_together)


def main():
    argument_spec = etcd_argument_spec()
    argument_spec.update(
        members=dict(type="list", elements="str", default=[]),
        threshold_bytes=dict(type="int"),
        threshold_ratio=dict(type="float"),
        compact=dict(type="bool", default=False),
        transfer_leadership=dict(type="bool", default=False),
        disarm_nospace=dict(type="bool", default=True),
        defrag_timeout=dict(type="float", default=300),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_together=etcd_required_together(),
                           supports_check_mode=True)
    ratio = module.params["threshold_ratio"]
    if ratio is not None and not 0 <= ratio < 1:
        module.fail_json(msg="threshold_ratio must be between 0 and 1, got %s" % ratio)
    if (module.params["threshold_bytes"] or 0) < 0:
        module.fail_json(msg="threshold_bytes must not be negative")
    client = client_or_fail(module)
    try:
        result = Defragmenter(module, client).run()
    except EtcdError as exc:
        module.fail_json(msg="defragmenting etcd failed: %s" % exc)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
