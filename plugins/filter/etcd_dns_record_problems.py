# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_dns_record_problems
short_description: How the DNS's answer differs from the records a cluster finds its members by
version_added: 0.1.0
description:
  - Compares the records (M(quorum.etcd.etcd_srv_records)) with what the DNS answered (the
    C(quorum.etcd.etcd_dns_records) lookup) - a name that could not be read, a missing record, one on another port,
    one naming no member (etcd would wait for it as a member), a target that does not resolve to its member's
    address. One sentence each, naming the record and the fix.
options:
  _input:
    description: The records (C(quorum.etcd.etcd_srv_records)).
    type: dict
    required: true
  found:
    description: What the C(quorum.etcd.etcd_dns_records) lookup answered for their names and targets.
    type: dict
    required: true
  where:
    description: Where the rendered records are, for the messages.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse records that are missing or differ
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    records: "{{ _etcd_members | quorum.etcd.etcd_srv_records(etcd_domain_name) }}"
    found: >-
      {{ lookup('quorum.etcd.etcd_dns_records', *(records.srv | map(attribute='owner') | unique),
                hosts=records.addresses | map(attribute='name')) }}
    problems: "{{ records | quorum.etcd.etcd_dns_record_problems(found, etcd_discovery_dir) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, none when the DNS answers the records.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.discovery import lookup_problems


def etcd_dns_record_problems(records, found, where):
    return lookup_problems(records, found, where)


class FilterModule:
    def filters(self):
        return {"etcd_dns_record_problems": etcd_dns_record_problems}
