"""The TLS etcd accepts on its client and peer ports, as the configuration file of etcd_config sets it up
(etcd_tls_min_version, etcd_tls_cipher_suites), on real etcd 3.4 and 3.5."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from etcdlab import CLIENT_PORT, PEER_PORT

# This side offers old protocols and suites on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
WEAK_SUITES = ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES256-SHA")


def handshake(cluster, port: int, version: ssl.TLSVersion, ciphers: str | None = None) -> str:
    """The protocol a TLS client of that version gets from the first member, or the error that ended the
    handshake."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cluster.pki.ca)
    # On the peer port, a member's certificate: it takes no other (allowed-cn).
    who = "member" if port == PEER_PORT else "client"
    context.load_cert_chain(cluster.pki.cert(who), cluster.pki.key(who))
    context.check_hostname = False
    context.minimum_version = context.maximum_version = version
    # Let this side offer what the member must refuse (OpenSSL's own floor would refuse it first).
    context.set_ciphers((ciphers or "ALL") + ":@SECLEVEL=0")
    with socket.create_connection((cluster.members[0].ip, port), timeout=5) as raw:
        raw.settimeout(5)
        try:
            with context.wrap_socket(raw) as tls:
                return tls.version()
        except (ssl.SSLError, ConnectionResetError) as error:
            return "refused: %s" % error


def test_this_client_speaks_what_etcd_must_refuse(pki):
    """The control: against a server that allows them, the handshakes the tests below expect etcd to refuse
    succeed, so a refusal there is etcd's, not this side's."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(pki.cert("member"), pki.key("member"))
    server.minimum_version = ssl.TLSVersion.TLSv1
    server.set_ciphers("ALL:@SECLEVEL=0")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    tries = [(ssl.TLSVersion.TLSv1, None), (ssl.TLSVersion.TLSv1_1, None)]
    tries += [(ssl.TLSVersion.TLSv1_2, suite) for suite in WEAK_SUITES]

    def serve():
        for _attempt in tries:
            conn, _address = listener.accept()
            try:
                server.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()
    threading.Thread(target=serve, daemon=True).start()
    permissive = SimpleNamespace(pki=pki, members=[SimpleNamespace(ip="127.0.0.1")])
    try:
        for version, suite in tries:
            assert not handshake(permissive, port, version, suite).startswith("refused"), (version, suite)
    finally:
        listener.close()


@pytest.mark.parametrize("port", [CLIENT_PORT, PEER_PORT], ids=["client", "peer"])
def test_tls_before_1_2_is_refused(shared_cluster, port):
    for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        assert handshake(shared_cluster, port, old).startswith("refused"), old
    assert handshake(shared_cluster, port, ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert handshake(shared_cluster, port, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"


@pytest.mark.parametrize("port", [CLIENT_PORT, PEER_PORT], ids=["client", "peer"])
def test_a_cipher_outside_the_list_is_refused(shared_cluster, port):
    # The test PKI has EC keys: the listed suite for them, then ones the list leaves out.
    assert handshake(shared_cluster, port, ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256") == "TLSv1.2"
    for weak in WEAK_SUITES:
        assert handshake(shared_cluster, port, ssl.TLSVersion.TLSv1_2, weak).startswith("refused"), weak


@pytest.mark.parametrize("who", ["member", "client"])
def test_only_a_members_certificate_is_taken_on_the_peer_port(shared_cluster, who):
    """A client's certificate from the same CA cannot act as a peer: the peer port requires the members'
    common name (allowed-cn; on etcd 3.4, PeerTLSInfo.AllowedCN). The members talk to each other all along, so
    theirs is taken."""
    accepted = who == "member"
    context = ssl.create_default_context(cafile=shared_cluster.pki.ca)
    context.check_hostname = False
    context.load_cert_chain(shared_cluster.pki.cert(who), shared_cluster.pki.key(who))
    url = "https://%s:%d/members" % (shared_cluster.members[0].ip, PEER_PORT)
    try:
        with urllib.request.urlopen(url, context=context, timeout=5) as answer:
            members = json.load(answer)
    except (urllib.error.URLError, ConnectionError, ssl.SSLError) as error:
        assert not accepted, error
    else:
        assert accepted, members
        assert len(members) == len(shared_cluster.members)
