"""etcd from Debian's packages runs under the collection's unit and never ran with Debian's own settings."""

import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("etcd")


def test_the_packaged_binary_runs_under_the_collections_unit(host):
    assert host.package("etcd-server").is_installed
    assert "ExecStart=/usr/bin/etcd --config-file /etc/etcd/config.yaml" in host.file(
        "/etc/systemd/system/etcd.service"
    ).content_string
    assert host.process.filter(user="etcd", comm="etcd")


def test_debians_default_member_never_started(host):
    # Debian's settings keep their data in /var/lib/etcd/default.
    assert not host.file("/var/lib/etcd/default").exists
