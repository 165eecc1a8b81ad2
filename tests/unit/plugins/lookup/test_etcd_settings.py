"""etcd_settings: the inputs a role checks, templated, and only those the play has."""

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19 every template is trusted
    def trust_as_template(value):
        return value

from ansible_collections.quorum.etcd.plugins.lookup.etcd_settings import LookupModule


def test_settings_are_templated_and_missing_ones_left_out():
    # As inventory and role files give them: templates Ansible trusts.
    variables = {"etcd_client_port": trust_as_template("{{ base + 79 }}"), "base": 2300, "etcd_name": None}
    loader = DataLoader()
    lookup = LookupModule(loader=loader, templar=Templar(loader=loader, variables=variables))
    settings, = lookup.run(["etcd_client_port", "etcd_name", "etcd_peer_port"], variables=variables)
    # ansible-core 2.19 keeps the template's type; older releases give its text.
    assert settings.keys() == {"etcd_client_port", "etcd_name"} and str(settings["etcd_client_port"]) == "2379"
    assert settings["etcd_name"] is None
