"""The molecule scenarios' nodes and lab/testbed's are the ones molecule/shared/platforms.py defines."""

import importlib.util
import os
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(REPO, "molecule", "shared", "platforms.py")


def load_generator():
    spec = importlib.util.spec_from_file_location("molecule_platforms", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scenarios_and_the_testbed_are_as_written():
    done = subprocess.run([sys.executable, GENERATOR, "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("scenario", ["single", "cluster", "five"])
def test_every_node_of_a_scenario_is_the_shared_host_on_its_own_address(scenario):
    generator = load_generator()
    with open(os.path.join(REPO, "molecule", scenario, "molecule.yml"), encoding="utf-8") as stream:
        platforms = yaml.safe_load(stream)["platforms"]
    names, net, image, ipv6 = generator.SCENARIOS[scenario]
    assert [platform["name"] for platform in platforms] == names
    for number, platform in enumerate(platforms, start=1):
        # A node that is not a member is in its own groups instead of etcd.
        node = dict(yaml.safe_load(generator.NODE), groups=generator.OTHER_GROUPS.get(platform["name"], ["etcd"]))
        assert {key: platform[key] for key in node} == node
        assert platform["image"] == image
        network = {"name": "molecule-etcd-" + scenario, "ipv4_address": "172.29.%d.%d" % (net, 10 + number)}
        if ipv6:
            network["ipv6_address"] = "fd00:29:%d::%d" % (net, 10 + number)
        assert platform["networks"] == [network]
