import pytest

from ansible_collections.quorum.etcd.plugins.plugin_utils.kubernetes import KUBEADM_FILES, kubernetes_problems

APISERVER = dict({"name": "kube-apiserver-etcd-client", "prefix": "/registry/", "access": "readwrite",
                  "hosts": ["cp-1"]}, **KUBEADM_FILES)


def problems(clients=(APISERVER,), prefix="/registry", directory="/home/ops/.quorum-etcd/k8s/kubernetes"):
    return kubernetes_problems(list(clients), prefix, "kube-apiserver-etcd-client", directory)


def test_the_shipped_layout_passes():
    assert problems() == []
    # A prefix above kube-apiserver's holds its keys too.
    assert problems([dict(APISERVER, prefix="/")]) == problems([dict(APISERVER, prefix="/registry")]) == []


def test_a_missing_client_is_refused_with_the_entry_to_add():
    [problem] = problems([{"name": "billing", "prefix": "/billing/"}])
    assert problem.startswith("etcd_kubernetes_enabled is true, but etcd_clients has no client "
                              "kube-apiserver-etcd-client, kube-apiserver's (etcd_kubernetes_client): add "
                              "{name: kube-apiserver-etcd-client, prefix: /registry/, access: readwrite, ")
    assert "cert_file: /etc/kubernetes/pki/apiserver-etcd-client.crt" in problem


@pytest.mark.parametrize("change, expected", [
    ({"password": "secret"}, "a gRPC client that authenticates by its certificate's common name: remove its password"),
    ({"access": "read"}, "which writes: give it access readwrite, not read"),
    ({"prefix": "/kubernetes/"}, "has the prefix '/kubernetes/', which does not hold /registry/"),
])
def test_a_client_kube_apiserver_could_not_use_is_refused(change, expected):
    [problem] = problems([dict(APISERVER, **change)])
    assert problem.startswith("etcd_clients: client kube-apiserver-etcd-client ") and expected in problem


@pytest.mark.parametrize("prefix", ["registry", "/registry/", "/", "", None, "/my registry"])
def test_a_prefix_kube_apiserver_cannot_take_is_refused(prefix):
    assert problems(prefix=prefix)[0].startswith("etcd_kubernetes_prefix is %r: give the key prefix" % (prefix,))


def test_a_relative_directory_is_refused():
    assert problems(directory="kubernetes") == [
        "etcd_kubernetes_dir is 'kubernetes': give an absolute path on the controller"]
