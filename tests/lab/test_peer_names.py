"""The peer port takes only the members' certificates (allowed-cn), and a cluster deployed before that gets there
in two runs under a write load: the first gives every member a peer certificate with the members' common name,
the second requires it. Requiring it at once would make the first member restarted refuse its peers."""

from __future__ import annotations

import datetime
import json
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from labtest import ADDRESSES, CA_PASSPHRASE, LAB, NODES, Loaded, assert_restarted_once_in_sequence

PEER_CN = LAB + "-peer"


def peer_cn(lab, node: str) -> str:
    return lab.sh(node, "openssl x509 -in /etc/ssl/etcd/peer.pem -noout -subject -nameopt multiline"
                        " | sed -n 's/^ *commonName *= *//p'").strip()


def allowed_cn(lab, node: str) -> str:
    """The first entry of the peer allowed-cn list in the member's configuration file, or ''."""
    return lab.sh(node, "sed -n '/^ *allowed-cn:/{n;s/^ *- *//p}' /etc/etcd/config.yaml").strip()


def make_peer_certificates_of_before(lab) -> None:
    """Peer certificates as deployments before this had them (each member's own name), and no requirement:
    issued with the lab's CA on the controller, put on the members, the members restarted onto them together."""
    ca_cert = x509.load_pem_x509_certificate((lab.pki / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((lab.pki / "ca-key.pem").read_bytes(), CA_PASSPHRASE.encode())
    now = datetime.datetime.now(datetime.timezone.utc)
    for node in NODES:
        path = lab.pki / "members" / node / "peer.pem"
        current = x509.load_pem_x509_certificate(path.read_bytes())
        old = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, node)]))
               .issuer_name(ca_cert.subject).public_key(current.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=300)))
        for extension in current.extensions:
            old = old.add_extension(extension.value, extension.critical)
        path.write_bytes(old.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    for node in NODES:
        lab.sh(node, "systemctl stop etcd")
    for node in NODES:
        pem = (lab.pki / "members" / node / "peer.pem").read_text()
        lab.sh(node, "cat > /etc/ssl/etcd/peer.pem <<'EOF'\n%sEOF\nsed -i '/^ *allowed-cn:/,+1d' /etc/etcd/config.yaml" % pem)
    for node in NODES:
        lab.sh(node, "systemctl start --no-block etcd")
    lab.wait(lab.healthy, 60, "the members to run on their older peer certificates")
    assert [peer_cn(lab, node) for node in NODES] == NODES and [allowed_cn(lab, node) for node in NODES] == [""] * 3


# On a member: GET /members from the first member's peer port with the certificate given, the answer as JSON, or
# why it was refused. From a member, as etcd also checks that the certificate names the address it comes from.
PEER_GET = """
import json, ssl, sys, urllib.request
context = ssl.create_default_context(cafile="/etc/ssl/etcd/ca.pem")
context.check_hostname = False
context.load_cert_chain(sys.argv[2], sys.argv[3])
try:
    with urllib.request.urlopen(sys.argv[1], context=context, timeout=5) as answer:
        print(json.dumps(json.load(answer)))
except Exception as error:
    print(json.dumps("refused: %s" % error))
"""


def peer_members(lab, cert: str, key: str):
    """What the first member's peer port answers the second member presenting this certificate of its own."""
    url = "https://%s:2380/members" % ADDRESSES[NODES[0]]
    return json.loads(lab.sh(NODES[1], "python3 -c '%s' %s %s %s" % (PEER_GET.replace("'", "'\\''"), url, cert, key)))


def test_a_cluster_of_before_gets_the_members_names_then_requires_them_with_no_write_lost(lab):
    # A first deploy requires it at once.
    assert [peer_cn(lab, node) for node in NODES] == [PEER_CN] * 3
    assert [allowed_cn(lab, node) for node in NODES] == [PEER_CN] * 3

    make_peer_certificates_of_before(lab)
    since = time.time()
    loaded = Loaded(lab)
    first = loaded.run()
    assert first.rc == 0, first.output
    loaded.assert_nothing_lost()
    assert "Run the playbook again to require it" in first.text
    assert [peer_cn(lab, node) for node in NODES] == [PEER_CN] * 3
    assert [allowed_cn(lab, node) for node in NODES] == [""] * 3
    assert_restarted_once_in_sequence(lab, since)

    since = time.time()
    loaded = Loaded(lab)
    second = loaded.run()
    assert second.rc == 0, second.output
    loaded.assert_nothing_lost()
    assert "Run the playbook again to require it" not in second.text
    assert [allowed_cn(lab, node) for node in NODES] == [PEER_CN] * 3
    assert_restarted_once_in_sequence(lab, since)


def test_a_clients_certificate_is_refused_on_the_peer_port(lab):
    answer = peer_members(lab, "/etc/ssl/etcd/peer.pem", "/etc/ssl/etcd/peer-key.pem")
    assert isinstance(answer, list) and len(answer) == len(NODES), answer
    # The member's server certificate: same CA, client authentication, the member's own address among its names,
    # but not the members' peer common name.
    refused = peer_members(lab, "/etc/ssl/etcd/etcd.pem", "/etc/ssl/etcd/etcd-key.pem")
    assert isinstance(refused, str) and refused.startswith("refused"), refused
    refused = peer_members(lab, "/etc/ssl/etcd/etcdctl.pem", "/etc/ssl/etcd/etcdctl-key.pem")
    assert isinstance(refused, str) and refused.startswith("refused"), refused
