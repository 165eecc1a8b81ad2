"""etcd's release archives: which machines have one, and where each is fetched and unpacked."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.filter.etcd_release_arch import etcd_release_arch
from ansible_collections.quorum.etcd.plugins.filter.etcd_release_archives import etcd_release_archives


@pytest.mark.parametrize("machine, arch", [("x86_64", "amd64"), ("amd64", "amd64"), ("aarch64", "arm64"), ("arm64", "arm64")])
def test_a_machine_with_a_release_maps_to_its_architecture(machine, arch):
    assert etcd_release_arch(machine) == arch


def test_a_machine_without_a_release_is_refused_by_name_or_left_empty():
    with pytest.raises(AnsibleFilterError, match="x86_64 \\(amd64\\) and aarch64 \\(arm64\\) only, not ppc64le"):
        etcd_release_arch("ppc64le")
    assert etcd_release_arch("ppc64le", strict=False) == ""


def test_each_architecture_gets_its_archive_url_and_unpacked_paths():
    amd64, arm64 = etcd_release_archives(["amd64", "arm64"], "3.5.16", "/cache/", "https://mirror/releases/")
    assert amd64 == {
        "arch": "amd64", "name": "etcd-v3.5.16-linux-amd64",
        "url": "https://mirror/releases/v3.5.16/etcd-v3.5.16-linux-amd64.tar.gz",
        "archive": "/cache/etcd-v3.5.16-linux-amd64.tar.gz", "unpacked": "/cache/etcd-v3.5.16-linux-amd64",
        "etcd": "/cache/etcd-v3.5.16-linux-amd64/etcd",
    }
    assert arm64["name"] == "etcd-v3.5.16-linux-arm64"


def test_a_string_of_architectures_is_refused():
    with pytest.raises(AnsibleFilterError, match="a list of architectures"):
        etcd_release_archives("amd64", "3.5.16", "/cache")


def test_machines_of_one_architecture_share_one_archive():
    archives = etcd_release_archives({"h1": "x86_64", "h2": "amd64", "h3": "aarch64"}, "3.5.16", "/cache")
    assert [archive["arch"] for archive in archives] == ["amd64", "arm64"]
    with pytest.raises(AnsibleFilterError, match="not ppc64le"):
        etcd_release_archives(["ppc64le"], "3.5.16", "/cache")
