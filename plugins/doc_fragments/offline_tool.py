# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # The etcdutl/etcdctl used for work on snapshot files (offline_tool_argument_spec() in
    # plugins/module_utils/snapshot.py builds the matching argument spec).
    DOCUMENTATION = r"""
options:
  etcdutl_path:
    description:
      - etcdutl to use for offline work. By default C(etcdutl) is looked up in E(PATH) (and C(/usr/local/bin)),
        then C(etcdctl) (etcd 3.4 has no etcdutl).
    type: path
  etcdctl_path:
    description:
      - etcdctl to use for offline work when there is no etcdutl (etcd 3.4). Ignored when O(etcdutl_path) is set.
    type: path
"""
