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


def _host(cn=None, active=True, pending=False, has_member=True, allowed=None):
    return {"_etcd_host": {"peer_certificate_common_name": cn, "restart_pending": pending,
                           "unit": {"active_state": "active" if active else "inactive"},
                           "data_dir": {"has_member": has_member}, "peer_allowed_common_name": allowed}}


def test_the_peer_common_name_is_required_once_every_member_runs_it_or_is_new():
    from ansible_collections.quorum.etcd.plugins.plugin_utils.host_facts import peer_common_name_required

    def required(**hosts):
        return peer_common_name_required(list(hosts), hosts, "c-peer")
    # A first deploy: every member new.
    assert required(a=_host(active=False, has_member=False), b=_host(active=False, has_member=False))
    # Every member runs a certificate with the name: the run after the one that reissued them.
    assert required(a=_host("c-peer"), b=_host("c-peer"), c=_host(active=False, has_member=False))
    # One still runs an older certificate, or has not restarted onto its new one, or was not read (--limit).
    assert not required(a=_host("c-peer"), b=_host("etcd-2.example.com"))
    assert not required(a=_host("c-peer"), b=_host("c-peer", pending=True))
    assert not required(a=_host("c-peer"), b={})
    # A stopped member that has data but no peer certificate is not new.
    assert not required(a=_host("c-peer"), b=_host(active=False, has_member=True))
    # Once one member requires it, it stays required.
    assert required(a=_host("c-peer", allowed="c-peer"), b=_host("c-peer", pending=True))
    assert not required(a=_host("x", allowed="old-peer"), b=_host("x"))
