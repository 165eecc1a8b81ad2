"""etcd_argument_spec: a role's options, read from its meta/argument_specs.yml, with or without its secrets."""

from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.quorum.etcd.plugins.lookup.etcd_argument_spec import LookupModule

ROLES = Path(__file__).resolve().parents[4] / "roles"


def options(*role_paths, **kwargs):
    return LookupModule().run([str(path) for path in role_paths], variables={}, **kwargs)


def test_a_roles_options_are_read_by_name():
    common, service = options(ROLES / "_common", ROLES / "etcd_service")
    assert common["etcd_client_port"]["type"] == "int" and "etcd_root_password" in common
    assert list(service) == ["etcd_service_limit_nofile"]


def test_the_secrets_are_left_out_when_asked():
    common, = options(ROLES / "_common", secrets=False)
    assert "etcd_root_password" not in common and "etcd_client_port" in common


def test_a_role_without_a_spec_is_refused_by_its_path(tmp_path):
    with pytest.raises(AnsibleLookupError, match="cannot read the argument spec %s" % (tmp_path / "meta")):
        options(tmp_path)
