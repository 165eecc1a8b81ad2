# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_kubernetes_problems
short_description: What keeps kube-apiserver from using the cluster as the Kubernetes layout is declared
version_added: 0.1.0
description:
  - A prefix kube-apiserver cannot take, a directory that is not absolute, and kube-apiserver's entry of
    C(etcd_clients) missing, with a password (it authenticates by its certificate), without write access, or with a
    prefix that does not hold kube-apiserver's keys. One sentence each, naming the variable and the fix.
options:
  _input:
    description: C(etcd_clients).
    type: list
    elements: dict
    required: true
  prefix:
    description: C(etcd_kubernetes_prefix).
    type: raw
    required: true
  client:
    description: C(etcd_kubernetes_client), the name of kube-apiserver's entry.
    type: str
    required: true
  directory:
    description: C(etcd_kubernetes_dir).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Refuse a Kubernetes layout kube-apiserver could not use
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  vars:
    problems: >-
      {{ etcd_clients | quorum.etcd.etcd_kubernetes_problems(etcd_kubernetes_prefix, etcd_kubernetes_client,
                                                             etcd_kubernetes_dir) }}
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, none when kube-apiserver can use the cluster as declared.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.plugin_utils.kubernetes import kubernetes_problems


def etcd_kubernetes_problems(clients, prefix, client, directory):
    return kubernetes_problems(clients, prefix, client, directory)


class FilterModule:
    def filters(self):
        return {"etcd_kubernetes_problems": etcd_kubernetes_problems}
