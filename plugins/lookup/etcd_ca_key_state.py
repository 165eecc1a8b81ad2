# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_ca_key_state
short_description: Whether the CA key on the controller opens with the passphrase given
version_added: 0.1.0
description:
  - Reads the CA key on the controller, or the one given in O(key_content), and says whether it is absent,
    unencrypted or encrypted, whether O(passphrase) opens it and whether it is the key of the CA certificate, so
    that a wrong passphrase or key is refused before any host changes rather than when a certificate is next
    signed.
  - Needs the Python C(cryptography) library on the controller, as community.crypto does; with a passphrase, the
    C(openssl) command too, unless the key is encrypted with scrypt already or given in O(key_content).
options:
  _terms:
    description: Path of the CA key.
    type: list
    elements: path
    required: true
  passphrase:
    description: The passphrase the key should open with; empty for an unencrypted key.
    type: str
    default: ""
  certificate:
    description: Path of the CA certificate the key must belong to; not checked when not given or absent.
    type: path
  key_content:
    description: The CA key itself (PEM), read instead of the file (the CA given in variables).
    type: str
    default: ""
  certificate_content:
    description: The CA certificate itself (PEM), read instead of O(certificate).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Refuse a passphrase that does not open the CA key
  ansible.builtin.fail:
    msg: "{{ ca_key.problem }}"
  vars:
    ca_key: "{{ lookup('quorum.etcd.etcd_ca_key_state', '/srv/pki/ca-key.pem', passphrase=vault_ca_passphrase) }}"
  when: ca_key.problem | length > 0
"""

RETURN = r"""
_list:
  description: One entry per key.
  type: list
  elements: dict
  contains:
    state:
      description:
        - C(absent), C(unencrypted), C(encrypted) (PKCS#8 with scrypt), C(weak), C(legacy) or C(unreadable).
        - C(weak) is PKCS#8 with another KDF, such as PBKDF2 at OpenSSL's default 2048 rounds (as the Python
          C(cryptography) library and so community.crypto write it); C(legacy) is OpenSSL's traditional encrypted
          PEM (C(Proc-Type 4,ENCRYPTED)), whose key is derived from the passphrase by one MD5 pass. The C(etcd_pki)
          role has OpenSSL re-encrypt either, and an unencrypted or new key, as PKCS#8 with scrypt.
      type: str
    problem:
      description:
        - Why the roles cannot use the key; empty when they can.
        - Also when the key is to be encrypted with O(passphrase) and the controller has no C(openssl) command.
      type: str
"""

import shutil

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.quorum.etcd.plugins.plugin_utils.certificate_status import (
    CRYPTOGRAPHY_ERROR, ca_key_encryption_problem, ca_key_state)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if CRYPTOGRAPHY_ERROR is not None:
            raise AnsibleLookupError("etcd_ca_key_state needs the Python cryptography library on the controller: %s"
                                     % CRYPTOGRAPHY_ERROR)
        self.set_options(var_options=variables, direct=kwargs)
        passphrase = self.get_option("passphrase") or ""
        key_pem = (self.get_option("key_content") or "").encode() or None
        certificate_pem = (self.get_option("certificate_content") or "").encode() or None
        results = []
        for path in terms:
            state, problem = ca_key_state(path, passphrase, self.get_option("certificate"), key_pem, certificate_pem)
            if not problem and not key_pem:  # the role never rewrites a key given in variables
                problem = ca_key_encryption_problem(path, state, passphrase, shutil.which("openssl"))
            results.append({"state": state, "problem": problem})
        return results
