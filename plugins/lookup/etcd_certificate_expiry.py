# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_certificate_expiry
short_description: When each certificate of a cluster's PKI on the controller expires
version_added: 0.1.0
description:
  - Every certificate (C(*.pem) but keys) under each directory given, such as C(etcd_pki_dir), soonest to expire
    first, with its subject, its last day and the days left.
  - Needs the Python C(cryptography) library on the controller, as community.crypto does.
options:
  _terms:
    description: Directories to read, each with its subdirectories.
    type: list
    elements: path
    required: true
"""

EXAMPLES = r"""
- name: Name the certificates that expire within 30 days
  ansible.builtin.debug:
    msg: "{{ item.path }} ({{ item.subject }}) expires {{ item.not_after }}"
  loop: "{{ query('quorum.etcd.etcd_certificate_expiry', etcd_pki_dir) | selectattr('days_left', 'lt', 30) }}"
"""

RETURN = r"""
_list:
  description: One entry per certificate.
  type: list
  elements: dict
  contains:
    path:
      description: Its path, relative to the directory it was found under.
      type: str
      sample: members/etcd-1/peer.pem
    subject:
      description: Its subject, as RFC 4514 writes it.
      type: str
      sample: CN=etcd-1.example.com,C=US
    not_after:
      description: Its last day (ISO 8601).
      type: str
      sample: "2028-11-25"
    not_after_timestamp:
      description: When it expires, in Unix time.
      type: int
      sample: 1858550400
    days_left:
      description: Whole days until it expires; negative once it has.
      type: int
    summary:
      description: All of it in one line.
      type: str
      sample: members/etcd-1/peer.pem (CN=etcd-1.example.com,C=US) expires 2028-11-25, in 730 days
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.quorum.etcd.plugins.plugin_utils.certificate_status import CRYPTOGRAPHY_ERROR, certificate_expiries


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if CRYPTOGRAPHY_ERROR is not None:
            raise AnsibleLookupError("etcd_certificate_expiry needs the Python cryptography library on the controller: %s"
                                     % CRYPTOGRAPHY_ERROR)
        self.set_options(var_options=variables, direct=kwargs)
        return [entry for directory in terms for entry in certificate_expiries(directory)]
