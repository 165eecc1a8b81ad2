"""Every role default has an argument spec, and every argument spec option a default."""

import os

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")


def _load(role, *path):
    full = os.path.join(ROLES, role, *path)
    if not os.path.exists(full):
        return {}
    with open(full) as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_defaults_and_argument_specs_have_the_same_keys(role):
    defaults = set(_load(role, "defaults", "main.yml"))
    options = _load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"] or {}
    assert defaults == set(options), "only in defaults: %s; only in argument_specs: %s" % (
        sorted(defaults - set(options)), sorted(set(options) - defaults))


@pytest.mark.parametrize("role", sorted(os.listdir(ROLES)))
def test_every_option_is_described_and_typed(role):
    options = _load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"] or {}
    for name, spec in options.items():
        assert spec.get("description"), name
        assert spec.get("type"), name
