# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_config_file
short_description: etcd's configuration file from the roles' settings
version_added: 0.1.0
description:
  - Builds what etcd reads with C(--config-file) from the collection's role variables, keys in the order
    they are written; render it with C(to_nice_yaml(sort_keys=false)).
  - URLs are joined with commas, the gRPC keepalives (seconds) and C(etcd_backend_batch_interval)
    (milliseconds) become nanoseconds, TLS points at C(etcd_certs_path), C(enable-grpc-gateway) is on
    (etcd 3.4 leaves it off when started from a file), and the bbolt freelist key follows C(etcd_version).
  - C(etcd_extra_config) is merged last, key by key, and overrides.
options:
  _input:
    description:
      - Role variables by name, e.g. the C(quorum.etcd.etcd) role's C(_etcd_settings).
      - Needs C(etcd_version), C(etcd_name), C(etcd_data_dir), the URL lists, C(etcd_initial_cluster*),
        C(etcd_log_level), C(etcd_log_output) (and C(etcd_log_dir) with C(file)), C(etcd_certs_path) and
        the performance, storage and compaction settings; C(etcd_extra_config) is optional.
    type: dict
    required: true
  peer_common_name:
    description:
      - The common name the peer port requires of a certificate (etcd's C(allowed-cn)), that of the members' peer
        certificates, so that a client's certificate from the same CA cannot act as a peer. Empty for none.
      - etcd 3.4 reads no C(allowed-cn) from its configuration file (nor a flag beside one), so for 3.4 it is
        written as C(PeerTLSInfo.AllowedCN), the Go field that etcd 3.4's C(--peer-cert-allowed-cn) sets, which its
        file decoder fills by name.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: The configuration file of this member
  ansible.builtin.copy:
    content: "{{ _etcd_settings | quorum.etcd.etcd_config_file | to_nice_yaml(indent=2, sort_keys=false) }}"
    dest: /etc/etcd/config.yaml
    mode: "0640"
"""

RETURN = r"""
_value:
  description: The configuration file's keys and values, in the order they are written.
  type: dict
  sample:
    name: etcd-1
    data-dir: /var/lib/etcd
    listen-client-urls: https://10.0.1.10:2379,https://127.0.0.1:2379
    grpc-keepalive-min-time: 5000000000
    enable-grpc-gateway: true
    backend-bbolt-freelist-type: map
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.config_file import config_file


def etcd_config_file(settings, peer_common_name=""):
    if not isinstance(settings, Mapping):
        raise AnsibleFilterError("etcd_config_file needs a dict of etcd settings, not %s" % type(settings).__name__)
    try:
        return config_file(settings, peer_common_name or "")
    except (ValueError, TypeError) as error:
        raise AnsibleFilterError("etcd_config_file: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_config_file": etcd_config_file}
