# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directories the roles write on the controller (etcd_discovery_dir, etcd_monitoring_dir, etcd_kubernetes_dir):
one rule for all of them."""

from __future__ import annotations

import os
from typing import Any, List


def controller_dir_problems(variable: str, directory: Any, kind: str = "path", purpose: str = "") -> List[str]:
    """A directory on the controller must be an absolute path: a relative one would move with the directory the
    playbook is run from."""
    if isinstance(directory, str) and os.path.isabs(directory):
        return []
    return ["%s is %r: give an absolute %s on the controller%s" % (variable, directory, kind, purpose)]
