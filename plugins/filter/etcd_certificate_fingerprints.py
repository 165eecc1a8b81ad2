# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_certificate_fingerprints
short_description: The fingerprints of the certificates in PEM text
version_added: 0.1.0
description:
  - The SHA-256 fingerprint (hex, of the DER form) of each certificate in PEM text, in order, as
    M(quorum.etcd.etcd_host_info) returns them for the CAs a member trusts
    (RV(quorum.etcd.etcd_host_info#module:trusted_ca_fingerprints)).
options:
  _input:
    description: PEM text, one certificate or several.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Tell whether the member trusts the CA of etcd_pki_dir
  ansible.builtin.debug:
    msg: >-
      {{ (lookup('ansible.builtin.file', etcd_pki_dir ~ '/ca.pem') | quorum.etcd.etcd_certificate_fingerprints)[0]
         in host.trusted_ca_fingerprints }}
"""

RETURN = r"""
_value:
  description: One fingerprint per certificate; empty when the text holds none.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.module_utils.host_state import certificate_fingerprints


def etcd_certificate_fingerprints(pem):
    return certificate_fingerprints(str(pem))


class FilterModule:
    def filters(self):
        return {"etcd_certificate_fingerprints": etcd_certificate_fingerprints}
