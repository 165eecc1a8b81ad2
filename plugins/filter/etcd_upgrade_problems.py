# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_upgrade_problems
short_description: Why the cluster must not be upgraded to a version now
version_added: 0.1.0
description:
  - Names what C(playbooks/upgrade.yml) refuses before any member changes - a member of the inventory that is not
    a started, healthy, voting member of the cluster, an active alarm, or a version etcd cannot go to from what a
    member runs (back a minor version, or past the next one).
options:
  _input:
    description: What M(quorum.etcd.etcd_info) returned; an empty dict when no member answered.
    type: dict
    required: true
  version:
    description: The etcd release to upgrade to (C(etcd_version)).
    type: str
    required: true
extends_documentation_fragment:
  - quorum.etcd.filter_options.members
"""

EXAMPLES = r"""
- name: Refuse an upgrade the cluster is not ready for
  ansible.builtin.fail:
    msg: "{{ problems }}"
  vars:
    problems: "{{ cluster_info | quorum.etcd.etcd_upgrade_problems(groups['etcd'] | quorum.etcd.etcd_members(hostvars), '3.5.16') }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The problems, one line each; empty when the upgrade may begin.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import upgrade_problems


def etcd_upgrade_problems(cluster, members, version):
    try:
        return upgrade_problems(dict(cluster or {}), list(members), str(version).lstrip("v"))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AnsibleFilterError("etcd_upgrade_problems: %s" % error) from None


class FilterModule:
    def filters(self):
        return {"etcd_upgrade_problems": etcd_upgrade_problems}
