# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_status_report
short_description: The state of an etcd cluster as one table, and why it is not well
version_added: 0.1.0
description:
  - A row for each member of the inventory, those down or unreachable too - its health, leader or follower or
    learner, version, raft term, applied index and how far it is behind the newest member, database size and size in
    use against its quota, alarms, and the certificate on its host that expires first; then the cluster and its
    latest backup.
  - The problems are those of M(quorum.etcd.etcd_info)'s cluster against the inventory (as
    C(quorum.etcd.etcd_cluster_problems) finds them), a host Ansible cannot reach, an alarm, a database at 80% of
    its quota or more, a member more than 5000 entries (etcd's C(snapshot-catchup-entries)) behind, a certificate
    that expires within O(certificate_days), and a latest backup missing or older than O(backup_max_age).
options:
  _input:
    description: What M(quorum.etcd.etcd_info) returned (a failed result says why the cluster did not answer).
    type: dict
    required: true
  hosts:
    description:
      - Inventory name to what M(quorum.etcd.etcd_host_info) returned there, with O(quorum.etcd.etcd_host_info#module:config_file)
        and O(quorum.etcd.etcd_host_info#module:dated_certificates); or to the result that says the host was unreachable.
    type: dict
    required: true
  backup:
    description:
      - The latest backup as C(etcd-backup --find latest) prints it (C(id), C(time), C(age)); empty when there is
        none, with an C(error) when it could not be read; null when the cluster takes no backups.
    type: dict
  certificate_days:
    description: A certificate that expires within this many days is a problem.
    type: int
    default: 14
  backup_max_age:
    description: A latest backup older than this many seconds is a problem; 0 for no limit.
    type: int
    default: 0
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Show the cluster's state
  ansible.builtin.debug:
    msg: "{{ (cluster_info | quorum.etcd.etcd_status_report(members, hosts=host_info)).table }}"
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    table:
      description: The lines of the table, then the cluster's line and the latest backup's.
      type: list
      elements: str
    problems:
      description: Why the cluster is not well; empty when it is.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.plugin_utils.status_report import status_report


def etcd_status_report(cluster, members, hosts, backup=None, certificate_days=14, backup_max_age=0):
    try:
        return status_report(dict(cluster), list(members), dict(hosts), None if backup is None else dict(backup),
                             int(certificate_days), int(backup_max_age))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_status_report: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_status_report": etcd_status_report}
