# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_client_files
short_description: Where a client of etcd_clients has its CA, certificate and key on its hosts
version_added: 0.1.0
description:
  - Each of O(_input.ca_file), O(_input.cert_file) and O(_input.key_file) when the entry gives it, or else the file of
    that kind in O(_input.path) (C(/etc/etcd-client/NAME) by default) - C(ca.pem), C(NAME.pem), C(NAME-key.pem).
options:
  _input:
    description: One entry of C(etcd_clients).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Where kube-apiserver's client files go on the control-plane hosts
  ansible.builtin.debug:
    msg: "{{ etcd_clients | selectattr('name', '==', 'kube-apiserver-etcd-client') | first | quorum.etcd.etcd_client_files }}"
"""

RETURN = r"""
_value:
  description: The three paths, by kind, and the client's directory.
  type: dict
  contains:
    directory:
      description: O(_input.path), or C(/etc/etcd-client/NAME); the files without a path of their own go there.
      type: str
    ca:
      description: The CA the client trusts.
      type: str
    cert:
      description: The client's certificate.
      type: str
    key:
      description: The client's private key.
      type: str
"""

import posixpath


def etcd_client_files(client):
    name = client["name"]
    directory = client.get("path") or "/etc/etcd-client/%s" % name
    defaults = {"ca": "ca.pem", "cert": "%s.pem" % name, "key": "%s-key.pem" % name}
    files = {kind: client.get("%s_file" % kind) or posixpath.join(directory, file_name)
             for kind, file_name in defaults.items()}
    return dict(files, directory=directory)


class FilterModule:
    def filters(self):
        return {"etcd_client_files": etcd_client_files}
