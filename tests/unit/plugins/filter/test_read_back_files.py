import base64

from ansible_collections.quorum.etcd.plugins.filter.etcd_read_back_files import etcd_read_back_files


def slurped(src, mode, text):
    return {"item": {"path": "/etc/ssl/etcd/x.pem", "src": src, "mode": mode},
            "content": base64.b64encode(text.encode()).decode(), "encoding": "base64"}


def test_the_directories_come_first_once_each_then_the_files_with_their_content_and_mode():
    results = [slurped("/pki/members/m1/etcd.pem", "0644", "CERT\n"), slurped("/pki/members/m1/etcd-key.pem", "0600", "KEY\n"),
               slurped("/pki/admin/admin.pem", "0644", "ADMIN\n")]
    assert etcd_read_back_files(results) == [
        {"path": "/pki/admin", "state": "directory", "mode": "0700"},
        {"path": "/pki/members/m1", "state": "directory", "mode": "0700"},
        {"path": "/pki/members/m1/etcd.pem", "state": "file", "mode": "0644", "content": "CERT\n"},
        {"path": "/pki/members/m1/etcd-key.pem", "state": "file", "mode": "0600", "content": "KEY\n"},
        {"path": "/pki/admin/admin.pem", "state": "file", "mode": "0644", "content": "ADMIN\n"},
    ]


def test_nothing_read_writes_nothing():
    assert etcd_read_back_files([]) == []
