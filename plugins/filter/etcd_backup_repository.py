# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_backup_repository
short_description: The restic repository of the cluster's backups
version_added: 0.1.0
description:
  - The S3 bucket (and prefix) when one is given, on its endpoint or AWS's; else the C(repository) directory under
    the backup directory, on each member.
options:
  _input:
    description: The value of C(etcd_backup_dir).
    type: path
    required: true
  s3_bucket:
    description: The value of C(etcd_backup_s3_bucket).
    type: str
    default: ""
  s3_endpoint:
    description: The value of C(etcd_backup_s3_endpoint).
    type: str
    default: ""
  s3_prefix:
    description: The value of C(etcd_backup_s3_prefix).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Show the repository in a MinIO bucket
  ansible.builtin.debug:
    msg: "{{ '/var/backups/etcd' | quorum.etcd.etcd_backup_repository('etcd', 'https://minio:9000', 'prod') }}"
"""

RETURN = r"""
_value:
  description: The repository, as restic's C(-r) takes it.
  type: str
  sample: s3:https://minio:9000/etcd/prod
"""

from ansible_collections.quorum.etcd.plugins.module_utils.maintenance import backup_repository


def etcd_backup_repository(directory, s3_bucket="", s3_endpoint="", s3_prefix=""):
    return backup_repository(directory, s3_bucket, s3_endpoint, s3_prefix)


class FilterModule:
    def filters(self):
        return {"etcd_backup_repository": etcd_backup_repository}
