"""etcd_settings: the inputs a role checks, templated, and only those the play has."""

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.quorum.etcd.plugins.lookup.etcd_settings import LookupModule


def test_settings_are_templated_and_missing_ones_left_out():
    # As inventory and role files give them: templates Ansible trusts.
    variables = {"etcd_client_port": trust_as_template("{{ base + 79 }}"), "base": 2300, "etcd_name": None}
    loader = DataLoader()
    lookup = LookupModule(loader=loader, templar=Templar(loader=loader, variables=variables))
    assert lookup.run(["etcd_client_port", "etcd_name", "etcd_peer_port"], variables=variables) == [
        {"etcd_client_port": 2379, "etcd_name": None}]
