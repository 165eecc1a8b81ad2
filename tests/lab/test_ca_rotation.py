"""The CA replaced in its three stages, each under a bounded write load, as an operator pausing between them would:
the members restart one at a time in each, and a client holding a certificate of the old CA keeps working until
the last stage. The load trusts what a client would at that point: the old CA, then the bundle, then the new CA."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdClient, EtcdError
from labtest import ADDRESSES, NODES, REPO, Loaded, assert_restarted_once_in_sequence, restarted

ENDPOINTS = ["https://%s:2379" % ADDRESSES[node] for node in NODES]


def common_names(pem: bytes) -> list:
    return [cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
            for cert in x509.load_pem_x509_certificates(pem)]


def trusted_by_members(lab) -> list:
    names = {node: common_names(lab.sh(node, "cat /etc/ssl/etcd/ca.pem").encode()) for node in NODES}
    assert len({tuple(n) for n in names.values()}) == 1, names
    return names[NODES[0]]


def served_issuer(lab, node: str) -> str:
    return lab.sh(node, "openssl s_client -connect 127.0.0.1:2379 -CAfile /etc/ssl/etcd/ca.pem "
                        "-cert /etc/ssl/etcd/admin.pem -key /etc/ssl/etcd/admin-key.pem </dev/null 2>/dev/null "
                        "| openssl x509 -noout -issuer -nameopt multiline | sed -n 's/^ *commonName *= //p'").strip()


@pytest.fixture(scope="module")
def old_client(lab, tmp_path_factory):
    """An application's files as it collected them before the rotation: a certificate of the old CA."""
    directory = tmp_path_factory.mktemp("old-client")
    for name in ("admin.pem", "admin-key.pem"):
        shutil.copy(lab.pki / "admin" / name, directory / name)
    return directory


def take_stage(lab, ca=None, **playbook_args) -> None:
    """A stage under a write load that trusts ca: nothing lost, each member restarted once, one at a time."""
    since = time.time()
    loaded = Loaded(lab, ca=ca)
    run = loaded.run(**playbook_args)
    assert run.rc == 0, run.output
    loaded.assert_nothing_lost()
    assert_restarted_once_in_sequence(lab, since)


def reaches(client_dir, ca) -> bool:
    client = EtcdClient(ENDPOINTS, ca_cert=str(ca), client_cert=str(client_dir / "admin.pem"),
                        client_key=str(client_dir / "admin-key.pem"), timeout=5)
    try:
        client.put("/ca-rotation/old-client", "still here")
    except EtcdError:
        return False
    return True


def test_trust_in_check_mode_changes_nothing(lab):
    files, units = lab.files(), lab.units()
    run = lab.playbook(extra_vars={"etcd_pki_ca_rotation": "trust"}, args=("--check",))
    assert run.rc == 0, run.output
    assert lab.files() == files and restarted(units, lab.units()) == []
    assert not (lab.pki / "ca-next.pem").exists()


def test_trust_adds_a_new_ca_beside_the_old_one(lab, old_client, tmp_path):
    old_ca = common_names((lab.pki / "ca.pem").read_bytes())[0]
    take_stage(lab, playbook=REPO / "playbooks" / "rotate_ca.yml", extra_vars={"etcd_pki_ca_rotation_stages": "trust"})
    new_ca = common_names((lab.pki / "ca-next.pem").read_bytes())[0]
    assert new_ca != old_ca and new_ca.startswith(old_ca + " ")
    assert trusted_by_members(lab) == [old_ca, new_ca]
    assert all(served_issuer(lab, node) == old_ca for node in NODES)
    assert reaches(old_client, lab.pki / "ca.pem")


def test_finish_before_sign_is_refused_with_nothing_changed(lab):
    files = lab.files()
    run = lab.playbook(extra_vars={"etcd_pki_ca_rotation": "finish"})
    assert run.rc != 0
    assert "etcd_pki_ca_rotation is finish, but the new CA (ca-next.pem in etcd_pki_dir) does not sign yet" in run.text, \
        run.output
    assert lab.files() == files


def test_sign_reissues_every_certificate_under_the_new_ca(lab, old_client, tmp_path):
    bundle = tmp_path / "bundle.pem"
    shutil.copy(lab.pki / "ca-bundle.pem", bundle)
    new_ca = common_names((lab.pki / "ca-next.pem").read_bytes())[0]
    take_stage(lab, ca=bundle, extra_vars={"etcd_pki_ca_rotation": "sign"})
    assert common_names((lab.pki / "ca.pem").read_bytes()) == [new_ca]
    assert not list(lab.pki.glob("ca-next*")) and (lab.pki / "ca-previous.pem").exists()
    assert all(served_issuer(lab, node) == new_ca for node in NODES)
    for path in ("admin/admin.pem", "admin/etcdctl.pem", "members/%s/peer.pem" % NODES[0]):
        issued = x509.load_pem_x509_certificate((lab.pki / path).read_bytes())
        assert issued.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == new_ca, path
    # Still trusted: the old CA, for the clients that have not taken their new certificates yet.
    assert len(trusted_by_members(lab)) == 2
    assert reaches(old_client, bundle)


def test_finish_retires_the_old_ca_and_its_certificates_are_refused(lab, old_client, tmp_path):
    new_only = tmp_path / "ca.pem"
    shutil.copy(lab.pki / "ca.pem", new_only)
    new_ca = common_names(new_only.read_bytes())[0]
    old_ca = common_names((lab.pki / "ca-previous.pem").read_bytes())[0]
    take_stage(lab, ca=new_only, extra_vars={"etcd_pki_ca_rotation": "finish"})
    assert trusted_by_members(lab) == [new_ca]
    assert sorted(path.name for path in lab.pki.glob("ca*")) == ["ca-key.pem", "ca.pem"]
    retired = sorted(path.name for path in (lab.pki / "retired").iterdir())
    assert len(retired) == 2 and retired[0].endswith("-key.pem")
    assert common_names((lab.pki / "retired" / retired[1]).read_bytes()) == [old_ca]
    assert not reaches(old_client, lab.pki / "ca.pem")
    # A stage already done does nothing.
    again = lab.playbook(extra_vars={"etcd_pki_ca_rotation": "finish"})
    assert again.rc == 0, again.output
    recap = again.output[again.output.rindex("PLAY RECAP"):]
    assert all(re.search(r"%s +: ok=\d+ +changed=0 " % node, recap) for node in NODES), again.output
