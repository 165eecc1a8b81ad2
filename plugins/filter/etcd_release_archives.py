# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_release_archives
short_description: Where etcd's release archives come from and are unpacked on the controller
version_added: 0.1.0
description:
  - For each release architecture among the machines given, once, the archive's name, its URL under a base laid
    out like etcd's GitHub releases, and its paths in a cache directory on the controller, packed and unpacked.
options:
  _input:
    description:
      - Machines, as C(ansible_architecture) names them, or release architectures; a dictionary's values are
        taken (host to machine, as C(quorum.etcd.etcd_host_facts) gives it).
    type: raw
    elements: str
    required: true
  version:
    description: The release, without a leading C(v).
    type: str
    required: true
  cache_dir:
    description: The cache directory on the controller.
    type: str
    required: true
  base_url:
    description: The base URL of the releases.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: The archives to fetch
  ansible.builtin.debug:
    msg: "{{ ['amd64', 'arm64'] | quorum.etcd.etcd_release_archives('3.5.16', '/tmp/cache', 'https://github.com/etcd-io/etcd/releases/download') }}"
"""

RETURN = r"""
_value:
  description: One entry per architecture.
  type: list
  elements: dict
  contains:
    arch:
      description: The architecture.
      type: str
      sample: amd64
    name:
      description: The archive's name without C(.tar.gz).
      type: str
      sample: etcd-v3.5.16-linux-amd64
    url:
      description: The archive's URL.
      type: str
      sample: https://github.com/etcd-io/etcd/releases/download/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz
    archive:
      description: The archive's path in the cache.
      type: str
      sample: /tmp/cache/etcd-v3.5.16-linux-amd64.tar.gz
    unpacked:
      description: The directory it unpacks to, in the cache.
      type: str
      sample: /tmp/cache/etcd-v3.5.16-linux-amd64
    etcd:
      description: The etcd binary in it, there once the archive is unpacked.
      type: str
      sample: /tmp/cache/etcd-v3.5.16-linux-amd64/etcd
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.release import release_archives


def etcd_release_archives(machines, version, cache_dir, base_url=""):
    if isinstance(machines, str):
        raise AnsibleFilterError("etcd_release_archives takes a list of architectures, not a string")
    if isinstance(machines, Mapping):
        machines = machines.values()
    try:
        return release_archives(machines, str(version), str(cache_dir).rstrip("/"), str(base_url).rstrip("/"))
    except ValueError as error:
        raise AnsibleFilterError("etcd_release_archives: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_release_archives": etcd_release_archives}
