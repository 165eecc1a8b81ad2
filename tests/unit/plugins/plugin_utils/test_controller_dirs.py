"""controller_dir_problems: a directory the roles write on the controller is given as an absolute path."""

import pytest

from ansible_collections.quorum.etcd.plugins.plugin_utils.controller_dirs import controller_dir_problems


def test_an_absolute_directory_is_taken():
    assert controller_dir_problems("etcd_monitoring_dir", "/srv/prometheus") == []


@pytest.mark.parametrize("directory", ["monitoring", "./monitoring", "", None, ["/srv"]])
def test_anything_else_is_refused_by_name(directory):
    assert controller_dir_problems("etcd_monitoring_dir", directory, "directory", " for Prometheus") == [
        "etcd_monitoring_dir is %r: give an absolute directory on the controller for Prometheus" % (directory,)]
