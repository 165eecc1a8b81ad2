# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_plugins_loaded
short_description: Loads this collection's filter, lookup and action plugins in the process that runs it
version_added: 0.1.0
description:
  - Internal to this collection. Ansible runs each task of each host in a worker process forked from its main
    process, and a worker loads every plugin the task uses anew. Ansible evaluates the condition of a
    M(ansible.builtin.meta) task in the main process itself, so the roles name this lookup in the condition of
    one, before their first checks; every worker forked after it finds the collection's plugins loaded. That
    saves about a fifth of the controller's time in a run of C(playbooks/cluster.yml).
  - It also reads the argument specs of the collection's roles (P(quorum.etcd.etcd_argument_spec#lookup)), which every
    role's check of its inputs reads on every host.
  - Returns C(true) once every plugin is loaded; a plugin that does not load fails the lookup with its error.
options: {}
"""

EXAMPLES = r"""
- name: Load the collection's plugins once, in Ansible's main process
  ansible.builtin.meta: end_play
  when: not lookup('quorum.etcd.etcd_plugins_loaded')
"""

RETURN = r"""
_raw:
  description: C(true).
  type: list
  elements: bool
"""

from pathlib import Path

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import action_loader, filter_loader, lookup_loader
from ansible.plugins.lookup import LookupBase

COLLECTION = "quorum.etcd"
PLUGINS = Path(__file__).resolve().parent.parent
ROLES = PLUGINS.parent / "roles"
LOADERS = {"filter": filter_loader, "lookup": lookup_loader, "action": action_loader}


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        for kind, loader in LOADERS.items():
            for source in sorted((PLUGINS / kind).glob("[!_]*.py")):
                name = "%s.%s" % (COLLECTION, source.stem)
                # Filters are functions a FilterModule offers; the others are classes, loaded without an instance.
                plugin = loader.get(name) if kind == "filter" else loader.get(name, class_only=True)
                if plugin is None:
                    raise AnsibleLookupError("the %s plugin %s did not load" % (kind, name))
        argument_spec = lookup_loader.get("%s.etcd_argument_spec" % COLLECTION, loader=self._loader, templar=self._templar)
        argument_spec.run([str(role) for role in sorted(ROLES.iterdir()) if (role / "meta" / "argument_specs.yml").is_file()])
        return [True]
