# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_settings
short_description: The variables of the given names that the play has, as one dictionary
version_added: 0.1.0
description:
  - What the quorum.etcd roles check a role's inputs from. A variable the play does not have is left out, so
    that it keeps its role default; one set to null is kept, to be refused.
options:
  _terms:
    description: Names of the variables.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Show two settings
  ansible.builtin.debug:
    msg: "{{ lookup('quorum.etcd.etcd_settings', 'etcd_client_port', 'etcd_peer_port') }}"
"""

RETURN = r"""
_raw:
  description: One dictionary, name to value, of the variables the play has.
  type: list
  elements: dict
"""

from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        present = [name for name in terms if name in variables]
        values = self._templar.template([variables[name] for name in present])
        return [dict(zip(present, values))]
