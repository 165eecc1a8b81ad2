# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""etcd's release archives: the machines they are built for."""

from __future__ import annotations

from typing import Iterable, List, Optional

# The machine names Ansible and uname report, by the architecture of etcd's release archives.
RELEASE_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def release_architecture(machine: str, strict: bool = True) -> Optional[str]:
    """The release architecture (amd64, arm64) of a machine; None, or ValueError when strict, for others."""
    found = RELEASE_ARCHITECTURES.get(str(machine))
    if found is None and strict:
        raise ValueError("etcd's releases are for x86_64 (amd64) and aarch64 (arm64) only, not %s" % machine)
    return found


def release_archives(machines: Iterable[str], version: str, cache_dir: str, base_url: str = "") -> List[dict]:
    """Where the release archive of ``version`` for each architecture among the machines comes from and goes on
    the controller, once per architecture."""
    archives = []
    for architecture in sorted({release_architecture(machine) for machine in machines}):
        name = "etcd-v%s-linux-%s" % (version, architecture)
        archives.append({"arch": architecture, "name": name, "url": "%s/v%s/%s.tar.gz" % (base_url, version, name),
                         "archive": "%s/%s.tar.gz" % (cache_dir, name), "unpacked": "%s/%s" % (cache_dir, name),
                         "etcd": "%s/%s/etcd" % (cache_dir, name)})
    return archives
