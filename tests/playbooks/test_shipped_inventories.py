"""The shipped inventories: one member on this machine, a production cluster of three, and the external etcd of a
Kubernetes control plane."""

import json
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def initial_cluster(inventory):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    result = subprocess.run(
        ["ansible", "localhost", "-i", os.path.join(REPO, "inventories", inventory), "-m", "ansible.builtin.debug",
         "-a", "msg={{ groups.etcd | quorum.etcd.etcd_members(hostvars) | quorum.etcd.etcd_initial_cluster }}"],
        env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]["msg"]


@pytest.mark.parametrize(
    "inventory, cluster_list",
    [
        ("single", "etcd-single=https://127.0.0.1:2380"),
        ("prod", "etcd-prod-1=https://10.0.1.10:2380,etcd-prod-2=https://10.0.1.11:2380,"
                 "etcd-prod-3=https://10.0.1.12:2380"),
        # The specification's Kubernetes example: its cluster_list.
        ("kubernetes", "k8s-etcd-1=https://10.0.1.100:2380,k8s-etcd-2=https://10.0.1.101:2380,"
                       "k8s-etcd-3=https://10.0.1.102:2380"),
    ],
)
def test_inventory_gives_its_initial_cluster(inventory, cluster_list):
    assert initial_cluster(inventory) == cluster_list
