# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_argument_spec
short_description: The options of a role's argument spec, by name
version_added: 0.1.0
description:
  - Internal to this collection. The options of the C(main) entry point of a role's C(meta/argument_specs.yml),
    which the quorum.etcd roles check their inputs against.
  - Read with PyYAML's C loader when there is one. Every role checks its inputs on every host in every run, and
    Ansible's own YAML loader, which notes where each value came from, took a twelfth of the checks' time.
options:
  _terms:
    description: The role's directory (C(role_path)).
    type: list
    elements: path
    required: true
  secrets:
    description: Include the options marked C(no_log).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Show the names of this role's options that are not secrets
  ansible.builtin.debug:
    msg: "{{ lookup('quorum.etcd.etcd_argument_spec', role_path, secrets=false).keys() }}"
"""

RETURN = r"""
_raw:
  description: One dictionary a role, option name to its spec; empty for a role with no options.
  type: list
  elements: dict
"""

import functools
from pathlib import Path

import yaml
from ansible.errors import AnsibleLookupError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader


@functools.lru_cache(maxsize=None)
def _options(spec_path: str) -> dict:
    with open(spec_path, encoding="utf-8") as spec_file:
        specs = yaml.load(spec_file, Loader=SafeLoader)
    return specs["argument_specs"]["main"].get("options") or {}


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        secrets = boolean(kwargs.get("secrets", True), strict=True)  # internal: read without the plugin's config
        found = []
        for role_path in terms:
            spec_path = Path(role_path) / "meta" / "argument_specs.yml"
            try:
                options = _options(str(spec_path))
            except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
                raise AnsibleLookupError("cannot read the argument spec %s: %s" % (spec_path, error)) from None
            found.append({name: spec for name, spec in options.items() if secrets or not spec.get("no_log")})
        return found
