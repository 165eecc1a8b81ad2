"""The config-file key tables against the real etcd binaries that `lab/testbed binaries` unpacks."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_config_keys import (
    CONFIG_KEYS,
    FLAGS_NOT_IN_FILE,
    SOURCE_RELEASES,
    SUPPORTED_MINORS,
    UNTAGGED_FIELD_KEYS,
)

from etcdlab import CACHE

pytestmark = pytest.mark.integration


# Against the real binaries. Each run either stops at the file ("cannot unmarshal") or at the data
# directory, which is a regular file: etcd never gets to open a listener.

def binary(version):
    path = CACHE / "etcd" / ("v" + SOURCE_RELEASES[version]) / "etcd"
    if not path.exists():
        pytest.skip("%s missing: run `bash lab/testbed binaries` (make integration does)" % path)
    return str(path)


def run(etcd, args, cwd):
    done = subprocess.run([etcd] + args, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=30, check=False)
    return done.stdout


def file_reads(etcd, key, tmp_path):
    """Whether etcd decodes `key`: a value of the wrong type for it makes etcd refuse the file."""
    not_a_dir = tmp_path / "not-a-dir"
    not_a_dir.touch()
    for wrong in ({"probe": 1}, [1]):
        config = {
            "data-dir": str(not_a_dir),
            "listen-client-urls": "http://127.0.0.1:24379",
            "advertise-client-urls": "http://127.0.0.1:24379",
            "listen-peer-urls": "http://127.0.0.1:24380",
            "initial-advertise-peer-urls": "http://127.0.0.1:24380",
            "initial-cluster": "default=http://127.0.0.1:24380",
        }
        config[key] = wrong
        path = tmp_path / "config.yaml"
        path.write_text(json.dumps(config))  # JSON is YAML
        out = run(etcd, ["--config-file", str(path)], tmp_path)
        if "cannot unmarshal" in out:
            return True
        assert "data dir" in out or "data directory" in out, out[-2000:]
    return False


@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_every_help_flag_is_a_key_or_listed_as_not_read(version, tmp_path):
    out = run(binary(version), ["--help"], tmp_path)
    flags = set(re.findall(r"^\s+--([a-z0-9][a-z0-9.-]*)", out, re.M))
    assert len(flags) > 50, out
    assert flags - CONFIG_KEYS[version] - set(FLAGS_NOT_IN_FILE[version]) == set()


@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_flags_listed_as_not_read_are_flags_of_the_binary(version, tmp_path):
    etcd = binary(version)
    for flag in FLAGS_NOT_IN_FILE[version]:
        out = run(etcd, ["--%s=probe" % flag, "--version"], tmp_path)
        assert "flag provided but not defined" not in out, flag


@pytest.mark.parametrize("version", SUPPORTED_MINORS)
def test_binary_reads_exactly_the_listed_keys(version, tmp_path):
    etcd = binary(version)
    other = SUPPORTED_MINORS[1 - SUPPORTED_MINORS.index(version)]
    for key in sorted(CONFIG_KEYS[version] | UNTAGGED_FIELD_KEYS[version]):
        assert file_reads(etcd, key, tmp_path), key
    not_read = set(FLAGS_NOT_IN_FILE[version]) | CONFIG_KEYS[other] - CONFIG_KEYS[version] | {"crl-file", "bogus"}
    for key in sorted(not_read):
        assert not file_reads(etcd, key, tmp_path), key
