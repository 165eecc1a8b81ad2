"""Fixtures that run real etcd 3.4 and 3.5 clusters (TLS, client certificates, auth) on loopback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from etcdlab import VERSIONS, Cluster, Pki, bin_dir


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="quorum-etcd-it-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def pki(workdir):
    return Pki.create(workdir / "pki")


@pytest.fixture(scope="session", params=VERSIONS)
def version(request):
    if not (bin_dir(request.param) / "etcd").exists():
        pytest.skip("etcd %s binaries missing: run `bash lab/testbed binaries`" % request.param)
    return request.param


def make_cluster(version, pki, workdir, name, size):
    path = workdir / f"{name}-{version}"
    path.mkdir()
    return Cluster(version, pki, path).start(size)


@pytest.fixture(scope="session")
def shared_cluster(version, pki, workdir):
    """Three members, left in a sane state by every test that uses it."""
    cluster = make_cluster(version, pki, workdir, "shared", 3)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def single_cluster(version, pki, workdir, request):
    cluster = make_cluster(version, pki, workdir, f"single-{request.module.__name__}", 1)
    yield cluster
    cluster.stop()
