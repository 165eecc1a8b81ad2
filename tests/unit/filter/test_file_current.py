import pytest

from ansible_collections.quorum.etcd.plugins.filter.etcd_file_current import etcd_file_current

FOUND = [
    {"path": "/etc/ssl/etcd/ca.pem", "checksum": "aaa", "mode": "0644", "pw_name": "root", "gr_name": "etcd"},
    {"path": "/etc/ssl/etcd/etcd-key.pem", "checksum": "bbb", "mode": "0600", "pw_name": "etcd", "gr_name": "etcd"},
]


@pytest.mark.parametrize(
    "path, checksum, attrs, current",
    [
        ("/etc/ssl/etcd/ca.pem", "aaa", {}, True),
        ("/etc/ssl/etcd/ca.pem", "aaa", {"mode": "0644", "owner": "root", "group": "etcd"}, True),
        ("/etc/ssl/etcd/ca.pem", "zzz", {}, False),
        ("/etc/ssl/etcd/ca.pem", "aaa", {"mode": "0600"}, False),
        ("/etc/ssl/etcd/etcd-key.pem", "bbb", {"owner": "root"}, False),
        ("/etc/ssl/etcd/etcd-key.pem", "bbb", {"group": "root"}, False),
        ("/etc/ssl/etcd/peer.pem", "aaa", {}, False),
    ],
)
def test_file_current(path, checksum, attrs, current):
    assert etcd_file_current(FOUND, path, checksum, **attrs) is current


def test_nothing_found_is_not_current():
    assert etcd_file_current([], "/x", "aaa") is False
    assert etcd_file_current(None, "/x", "aaa") is False
