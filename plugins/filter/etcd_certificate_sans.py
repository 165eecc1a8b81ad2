# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_certificate_sans
short_description: The subject alternative names of a member certificate
version_added: 0.1.0
description:
  - Turns names and addresses, and the hosts of the URLs a member listens on or advertises, into
    subject alternative names - C(IP:) for what parses as an IP address, C(DNS:) for the rest. Wildcard
    addresses (C(0.0.0.0), C(::)) name nothing; the order is kept and duplicates dropped.
options:
  _input:
    description: Host names, domain names and addresses.
    type: list
    elements: str
    required: true
  urls:
    description: URLs whose hosts the certificate must name too.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: The names of a member certificate
  ansible.builtin.debug:
    msg: "{{ ['etcd-1', 'localhost', '127.0.0.1'] | quorum.etcd.etcd_certificate_sans(urls=['https://10.0.1.10:2379']) }}"
"""

RETURN = r"""
_value:
  description: The subject alternative names.
  type: list
  elements: str
  sample: [DNS:etcd-1, DNS:localhost, IP:127.0.0.1, IP:10.0.1.10]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.topology import certificate_sans


def etcd_certificate_sans(names, urls=()):
    if isinstance(names, str) or isinstance(urls, str):
        raise AnsibleFilterError("etcd_certificate_sans takes lists of names and of URLs, not a string")
    return certificate_sans(names, urls)


class FilterModule:
    def filters(self):
        return {"etcd_certificate_sans": etcd_certificate_sans}
