# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes layout's inputs: what keeps kube-apiserver from using the cluster, found before any host changes."""

from __future__ import annotations

from typing import Any, List, Mapping, Sequence

from ansible_collections.quorum.etcd.plugins.plugin_utils.controller_dirs import controller_dir_problems

# What an inventory adds to etcd_clients for kube-apiserver, in the files kubeadm expects.
KUBEADM_FILES = {"ca_file": "/etc/kubernetes/pki/etcd/ca.crt",
                 "cert_file": "/etc/kubernetes/pki/apiserver-etcd-client.crt",
                 "key_file": "/etc/kubernetes/pki/apiserver-etcd-client.key"}


def kubernetes_problems(clients: Sequence[Mapping[str, Any]], prefix: Any, client_name: str,
                        directory: Any) -> List[str]:
    """etcd_kubernetes_prefix, etcd_kubernetes_dir, and kube-apiserver's entry of etcd_clients (client_name)."""
    problems = []
    if not (isinstance(prefix, str) and prefix.startswith("/") and len(prefix) > 1 and not prefix.endswith("/")
            and not any(character.isspace() for character in prefix)):
        problems.append("etcd_kubernetes_prefix is %r: give the key prefix kube-apiserver's --etcd-prefix takes, from "
                        "/ and without a trailing /, like /registry" % (prefix,))
        prefix = None
    problems += controller_dir_problems("etcd_kubernetes_dir", directory)
    entries = [client for client in clients if isinstance(client, Mapping) and client.get("name") == client_name]
    wanted = "{name: %s, prefix: %s/, access: readwrite, hosts: [the control-plane hosts], %s}" % (
        client_name, prefix or "/registry", ", ".join("%s: %s" % item for item in KUBEADM_FILES.items()))
    if not entries:
        problems.append("etcd_kubernetes_enabled is true, but etcd_clients has no client %s, kube-apiserver's "
                        "(etcd_kubernetes_client): add %s" % (client_name, wanted))
        return problems
    client = entries[0]
    if "password" in client:
        problems.append("etcd_clients: client %s is kube-apiserver's, a gRPC client that authenticates by its "
                        "certificate's common name: remove its password" % client_name)
    if client.get("access", "readwrite") != "readwrite":
        problems.append("etcd_clients: client %s is kube-apiserver's, which writes: give it access readwrite, not %s"
                        % (client_name, client.get("access")))
    client_prefix = client.get("prefix")
    if prefix and isinstance(client_prefix, str) and not (prefix + "/").startswith(client_prefix):
        problems.append("etcd_clients: client %s has the prefix %r, which does not hold %s/, where kube-apiserver "
                        "keeps its keys (etcd_kubernetes_prefix): give it the prefix %s/"
                        % (client_name, client_prefix, prefix, prefix))
    return problems
