"""Facts of the play's hosts, as the roles read them from hostvars."""

from ansible_collections.quorum.etcd.plugins.filter.etcd_host_facts import etcd_host_facts
from ansible_collections.quorum.etcd.plugins.filter.etcd_hosts_where import etcd_hosts_where

HOSTVARS = {
    "h1": {"host": {"unit": {"active_state": "active"}}, "due": True},
    "h2": {"host": {"unit": {"active_state": "failed"}}},
    "h3": {"host": {"skipped": True}, "due": False},
}


def test_each_host_has_its_fact_or_none():
    assert etcd_host_facts(["h1", "h2", "h3"], HOSTVARS, "host.unit.active_state") == {
        "h1": "active", "h2": "failed", "h3": None}


def test_the_hosts_whose_fact_has_the_value_keep_their_order():
    assert etcd_hosts_where(["h3", "h2", "h1"], HOSTVARS, "host.unit.active_state", "active") == ["h1"]
    assert etcd_hosts_where(["h1", "h2", "h3"], HOSTVARS, "due", True) == ["h1"]
