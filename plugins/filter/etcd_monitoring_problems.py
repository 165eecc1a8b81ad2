# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_monitoring_problems
short_description: What would make the monitoring role's scrape configuration unusable
version_added: 0.1.0
description:
  - A directory that is not absolute, a scrape interval Prometheus would not take, and with the metrics listener over
    TLS, no client certificate for Prometheus (C(etcd_monitoring_client) empty or not an entry of C(etcd_clients)).
    One sentence each, naming the variable and the fix.
options:
  _input:
    description: C(etcd_clients).
    type: list
    elements: dict
    required: true
  directory:
    description: C(etcd_monitoring_dir).
    type: raw
    required: true
  scrape_interval:
    description: C(etcd_monitoring_scrape_interval).
    type: raw
    required: true
  metrics_scheme:
    description: C(etcd_metrics_scheme).
    type: str
    required: true
  client:
    description: C(etcd_monitoring_client).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse monitoring settings Prometheus could not use
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    problems: >-
      {{ etcd_clients | quorum.etcd.etcd_monitoring_problems(etcd_monitoring_dir, etcd_monitoring_scrape_interval,
                                                             etcd_metrics_scheme, etcd_monitoring_client) }}
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, none when Prometheus can use what the role writes.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.monitoring import monitoring_problems


def etcd_monitoring_problems(clients, directory, scrape_interval, metrics_scheme, client):
    return monitoring_problems(clients, directory, scrape_interval, metrics_scheme, client)


class FilterModule:
    def filters(self):
        return {"etcd_monitoring_problems": etcd_monitoring_problems}
