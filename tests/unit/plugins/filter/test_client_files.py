from ansible_collections.quorum.etcd.plugins.filter.etcd_client_files import etcd_client_files


def test_the_files_go_into_the_clients_directory_by_default():
    assert etcd_client_files({"name": "billing", "prefix": "/billing/"}) == {
        "directory": "/etc/etcd-client/billing", "ca": "/etc/etcd-client/billing/ca.pem",
        "cert": "/etc/etcd-client/billing/billing.pem", "key": "/etc/etcd-client/billing/billing-key.pem"}
    assert etcd_client_files({"name": "billing", "path": "/srv/billing/etcd"})["key"] == "/srv/billing/etcd/billing-key.pem"


def test_a_file_given_a_path_goes_there_and_the_others_stay_in_the_directory():
    files = etcd_client_files({"name": "kube-apiserver-etcd-client", "path": "", "ca_file": "/etc/kubernetes/pki/etcd/ca.crt",
                               "cert_file": None})
    assert files["ca"] == "/etc/kubernetes/pki/etcd/ca.crt"
    assert files["cert"] == "/etc/etcd-client/kube-apiserver-etcd-client/kube-apiserver-etcd-client.pem"
