# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_certificates_due
short_description: Which certificates on the controller must be issued or reissued, and why
version_added: 0.1.0
description:
  - For each name, looks at C(NAME.pem) and C(NAME-key.pem) in O(directory) on the controller and
    says whether the certificate must be issued, because it is missing, expires within O(renew_days),
    was issued by another CA than O(ca), its key changed, or its common name, names or
    extended key usages are not the ones asked for.
  - A certificate that is fine is left out of the result, so a task that loops over it does nothing.
  - Needs the Python C(cryptography) library on the controller, as community.crypto does.
options:
  _terms:
    description: Names of the certificates, without C(.pem).
    type: list
    elements: str
    required: true
  directory:
    description: Directory of the certificates and keys.
    type: path
    required: true
  ca:
    description: Path of the CA certificate that should have issued them.
    type: path
    required: true
  common_name:
    description: Common name the certificates should have; each name by default.
    type: str
  no_common_name:
    description:
      - The certificates have no common name (O(common_name) is then not read), as etcd's JSON gateway wants of a
        client certificate once authentication is on.
    type: bool
    default: false
  sans:
    description: Subject alternative names, as C(DNS:name) or C(IP:address).
    type: list
    elements: str
    default: []
  usages:
    description: Extended key usages, C(serverAuth) and/or C(clientAuth).
    type: list
    elements: str
    default: []
  renew_days:
    description: A certificate that expires within this many days is due.
    type: int
    default: 30
  force:
    description:
      - Certificates due whatever their state, to be reissued with a new key (C(etcd_pki_reissue)) - V(true) for
        every one, or a list of names, where C(all) names every one.
    type: raw
    default: false
"""

EXAMPLES = r"""
- name: Issue what is due
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.reason }}"
  loop: "{{ query('quorum.etcd.etcd_certificates_due', 'etcd', 'peer', directory='/srv/pki/m1',
            ca='/srv/pki/ca.pem', common_name='m1', sans=['DNS:m1', 'IP:10.0.0.1'],
            usages=['serverAuth', 'clientAuth']) }}"
"""

RETURN = r"""
_list:
  description: The certificates that must be issued, each with why and what to issue.
  type: list
  elements: dict
  contains:
    name:
      description: The certificate's name.
      type: str
    reason:
      description: Why it must be issued.
      type: str
      sample: expires 2027-01-01, within etcd_pki_renew_days (30)
    forced:
      description: Whether O(force) asked for it; a forced reissue gets a new key too.
      type: bool
    directory:
      description: O(directory), where it is to be written.
      type: str
    common_name:
      description: The common name to issue it with (O(common_name), or its name); null with O(no_common_name).
      type: str
    sans:
      description: O(sans).
      type: list
      elements: str
    usages:
      description: O(usages).
      type: list
      elements: str
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.quorum.etcd.plugins.plugin_utils.certificate_status import CRYPTOGRAPHY_ERROR, certificates_due


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if CRYPTOGRAPHY_ERROR is not None:
            raise AnsibleLookupError("etcd_certificates_due needs the Python cryptography library on the controller: %s" % CRYPTOGRAPHY_ERROR)
        self.set_options(var_options=variables, direct=kwargs)
        try:
            return certificates_due(
                self.get_option("directory"),
                terms,
                self.get_option("ca"),
                self.get_option("common_name"),
                self.get_option("sans"),
                self.get_option("usages"),
                self.get_option("renew_days"),
                self.get_option("force"),
                self.get_option("no_common_name"),
            )
        except ValueError as error:
            raise AnsibleLookupError("etcd_certificates_due: %s" % error) from None
