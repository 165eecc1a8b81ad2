# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # Connection options shared by every quorum.etcd module (etcd_argument_spec() in
    # plugins/module_utils/etcd_client.py builds the matching argument spec).
    DOCUMENTATION = r"""
options:
  endpoints:
    description:
      - etcd client URLs to talk to, tried in order; when one cannot be reached (refused, timed out,
        TLS failure, or etcd answering C(unavailable)) the next one is used.
      - An endpoint without a scheme gets C(https://) when O(ca_cert) or O(client_cert) is set, C(http://) otherwise.
      - The modules use etcd's v3 JSON gateway (C(/v3/...)) which etcd 3.4 and later serve on the client port.
      - Falls back to E(ETCDCTL_ENDPOINTS) (comma-separated), as etcdctl does.
    type: list
    elements: str
    default: [https://127.0.0.1:2379]
  ca_cert:
    description:
      - PEM file of the CA that signed the etcd server certificates.
      - Falls back to E(ETCDCTL_CACERT). Without it, the system trust store is used.
    type: path
  client_cert:
    description:
      - PEM client certificate, for etcd running with C(--client-cert-auth). Needs O(client_key).
      - When etcd auth is enabled and etcd runs with C(--client-cert-auth), etcd 3.4 and 3.5 refuse JSON gateway
        requests whose client certificate has a Common Name (C(CommonName of client sending a request against
        gateway will be ignored and not used as expected)); use a certificate without a CN there, and
        O(user)/O(password) for etcd auth.
      - Falls back to E(ETCDCTL_CERT).
    type: path
  client_key:
    description:
      - PEM private key of O(client_cert). Falls back to E(ETCDCTL_KEY).
    type: path
  user:
    description:
      - etcd user to authenticate as when etcd auth is enabled. A token is requested from
        C(/v3/auth/authenticate) and sent in the C(Authorization) header.
      - Like etcdctl, C(user:password) is accepted when O(password) is not set.
      - Falls back to E(ETCDCTL_USER).
    type: str
  password:
    description:
      - Password of O(user). Falls back to E(ETCDCTL_PASSWORD).
    type: str
  timeout:
    description:
      - Seconds to wait for each request to one endpoint (connect and each read).
    type: float
    default: 5
notes:
  - The modules need nothing on the managed host but Python; they never go through an HTTP proxy.
requirements:
  - etcd 3.4 or later (v3 JSON gateway).
"""
