# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_ca_rotation_problems
short_description: Why a stage of a CA rotation cannot run on a member
version_added: 0.1.0
description:
  - The stage of O(_input) (the role variable C(etcd_pki_ca_rotation)) checked against the rotation's state on the
    controller and what the member runs.
  - C(sign) needs a new CA trusted (state C(trusted)); C(finish) needs it signing (state C(signed)) and every
    certificate the member runs issued by it, with etcd restarted since its files changed.
options:
  _input:
    description: The stage asked for; empty for none.
    type: str
    required: true
  state:
    description: C(steady) (no rotation), C(trusted) (C(ca-next.pem) exists) or C(signed) (C(ca-previous.pem) exists).
    type: str
    required: true
  signing_ca:
    description: The common name of the CA that signs now.
    type: str
  issuers:
    description: Each certificate the member has to the common name of its issuer, as M(quorum.etcd.etcd_host_info) returns them.
    type: dict
  restart_reason:
    description: Why etcd runs older files than the member has; empty when it does not.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Refuse to retire the old CA while a member runs one of its certificates
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ 'finish' | quorum.etcd.etcd_ca_rotation_problems('signed', signing_ca='etcd-cluster CA 2026-11-26T06:00:00Z',
                                                            issuers=host.certificate_issuers) }}
"""

RETURN = r"""
_value:
  description: One line per problem, each saying how to go on; empty when the stage can run.
  type: list
  elements: str
"""

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import ca_rotation_problems


def etcd_ca_rotation_problems(stage, state, signing_ca=None, issuers=None, restart_reason=""):
    return ca_rotation_problems(stage, state, signing_ca, issuers, restart_reason)


class FilterModule:
    def filters(self):
        return {"etcd_ca_rotation_problems": etcd_ca_rotation_problems}
