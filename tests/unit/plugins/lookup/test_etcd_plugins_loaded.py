"""etcd_plugins_loaded: every filter, lookup and action plugin of the collection loaded in the calling process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.quorum.etcd.plugins.lookup import etcd_plugins_loaded
from ansible_collections.quorum.etcd.plugins.lookup.etcd_plugins_loaded import LookupModule

PLUGINS = Path(etcd_plugins_loaded.__file__).parent.parent
# In a process of its own, as Ansible's main process runs it: its collection loader is set up the way Ansible's is.
IN_ANSIBLE = """
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.plugins.loader import lookup_loader
result = lookup_loader.get("quorum.etcd.etcd_plugins_loaded").run([])
specs = sys.modules["ansible_collections.quorum.etcd.plugins.lookup.etcd_argument_spec"]._options.cache_info().currsize
print(json.dumps([result, sorted(name for name in sys.modules if name.startswith("ansible_collections.quorum.etcd.plugins.")),
                  specs]))
"""


def test_every_plugin_of_the_collection_is_loaded_in_the_process_that_runs_it():
    shown = subprocess.run([sys.executable, "-c", IN_ANSIBLE, str(PLUGINS.parents[3])], capture_output=True,
                           text=True, check=True)
    result, loaded, specs_read = json.loads(shown.stdout.splitlines()[-1])
    assert result == [True]
    # and every role's argument spec read, which every role's check reads again on every host
    assert specs_read == len(list(PLUGINS.parent.glob("roles/*/meta/argument_specs.yml")))
    expected = {"ansible_collections.quorum.etcd.plugins.%s.%s" % (kind, source.stem)
                for kind in ("filter", "lookup", "action") for source in PLUGINS.joinpath(kind).glob("[!_]*.py")}
    assert len(expected) > 40 and expected <= set(loaded)


def test_a_plugin_that_does_not_load_fails_the_lookup(monkeypatch):
    class Nothing:
        @staticmethod
        def get(name, **kwargs):
            return None

    monkeypatch.setitem(etcd_plugins_loaded.LOADERS, "filter", Nothing)
    first = min(source.stem for source in PLUGINS.joinpath("filter").glob("[!_]*.py"))
    with pytest.raises(AnsibleLookupError, match="the filter plugin quorum.etcd.%s did not load" % first):
        LookupModule().run([])
