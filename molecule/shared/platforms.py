"""The molecule scenarios' nodes, defined once: every node is the same real systemd host (NODE); the scenarios
differ only in their node names, image and network (SCENARIOS).

Molecule cannot take part of a list from elsewhere: a base config's ``platforms`` is replaced whole by a
scenario's, and a YAML anchor does not reach from one file into another. So this writes the ``platforms:``
block of each molecule/<scenario>/molecule.yml, and the same host settings as ``docker run`` options into
lab/testbed (``node_options``), which makes the lab's nodes. Edit here, then run it:

    python molecule/shared/platforms.py          # rewrites what differs
    python molecule/shared/platforms.py --check  # lists what differs and exits 1 (tests/playbooks checks this)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TESTBED = REPO / "lab" / "testbed"

# A real systemd host from the images `lab/testbed images` builds, without --privileged.
NODE = """\
pre_build_image: true
command: /lib/systemd/systemd
capabilities: [SYS_ADMIN, NET_ADMIN]
security_opts: [seccomp=unconfined, apparmor=unconfined]
cgroupns_mode: host
volumes: [/sys/fs/cgroup:/sys/fs/cgroup:rw]
tmpfs: [/run, /run/lock]
env:
  container: docker
groups: [etcd]
"""
IMAGE = "quorum-etcd-node:${MOLECULE_IMAGE:-bookworm}"

# scenario: (its nodes, the third octet of its network 172.29.N.0/24, image, IPv6 too); node i is at
# 172.29.N.(10 + i), and with IPv6 also at fd00:29:N::(10 + i), on the network molecule-etcd-<scenario>.
SCENARIOS = {
    "single": (["etcd-single"], 11, IMAGE, False),
    "cluster": (["etcd-cluster-%d" % n for n in (1, 2, 3)], 12, IMAGE, True),
    "five": (["etcd-five-%d" % n for n in (1, 2, 3, 4, 5)] + ["kube-five-control-plane"], 13,
             "quorum-etcd-node:trixie", False),
    "srv": (["etcd-srv-%d" % n for n in (1, 2, 3)] + ["etcd-srv-dns"], 14, IMAGE, False),
}
# Nodes that are not members, and the groups they are in instead of etcd.
OTHER_GROUPS = {"kube-five-control-plane": ["kube_control_plane"], "etcd-srv-dns": ["dns"]}

# NODE's keys as `docker run` options for lab/testbed; the others are molecule's own (the image's CMD is systemd).
RUN_OPTIONS = {"capabilities": "--cap-add %s", "security_opts": "--security-opt %s", "cgroupns_mode": "--cgroupns=%s",
               "volumes": "-v %s", "tmpfs": "--tmpfs %s", "env": "-e %s"}
MOLECULE_ONLY = ("pre_build_image", "command", "groups")

MARK = "# %s: written by molecule/shared/platforms.py; edit it there and run it.\n"
PLATFORMS = re.compile(r"^(# platforms: .*\n)?platforms:\n( .*\n)*", re.M)
NODE_OPTIONS = re.compile(r"^(# node_options: .*\n)?node_options=\([^)]*\)\n", re.M)


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line for line in text.splitlines(keepends=True))


def platforms(scenario: str) -> str:
    """The scenario's ``platforms:`` block: its first node in full, the others (``<<: *node``) by name and address."""
    names, net, image, ipv6 = SCENARIOS[scenario]
    network = "molecule-etcd-%s" % scenario
    text = MARK % "platforms" + "platforms:\n"
    for number, name in enumerate(names, start=1):
        networks = "networks:\n  - name: %s\n    ipv4_address: 172.29.%d.%d\n" % (network, net, 10 + number)
        if ipv6:
            networks += "    ipv6_address: fd00:29:%d::%d\n" % (net, 10 + number)
        if number == 1:
            subnets = "      - subnet: 172.29.%d.0/24\n" % net + ("      - subnet: fd00:29:%d::/64\n" % net if ipv6 else "")
            first = indent("name: %s\nimage: %s\n" % (name, image) + NODE + "docker_networks:\n  - name: %s\n" % network
                           + ("    enable_ipv6: true\n" if ipv6 else "") + "    ipam_config:\n" + subnets + networks, 4)
            text += "  - &node\n" + first if len(names) > 1 else "  - " + first[4:]
        else:
            groups = "groups: [%s]\n" % ", ".join(OTHER_GROUPS[name]) if name in OTHER_GROUPS else ""
            text += "  - <<: *node\n" + indent("name: %s\n" % name + groups + networks, 4)
    return text


def node_options() -> str:
    """lab/testbed's ``node_options``: NODE as `docker run` options, one line a setting."""
    node = yaml.safe_load(NODE)
    unknown = set(node) - set(RUN_OPTIONS) - set(MOLECULE_ONLY)
    if unknown:
        raise SystemExit("NODE sets %s: give the docker run option in RUN_OPTIONS, or list it in MOLECULE_ONLY"
                         % ", ".join(sorted(unknown)))
    lines = []
    for key, option in RUN_OPTIONS.items():
        value = node.get(key)
        if value is None:
            continue
        values = ["%s=%s" % item for item in value.items()] if isinstance(value, dict) else \
            value if isinstance(value, list) else [value]
        lines.append("  " + " ".join(option % item for item in values) + "\n")
    return MARK % "node_options" + "node_options=(\n" + "".join(lines) + ")\n"


def rewritten(path: Path, pattern: re.Pattern, block: str) -> str:
    text = path.read_text()
    found = list(pattern.finditer(text))
    if len(found) != 1:
        raise SystemExit("%s: expected one block matching %s, found %d" % (path, pattern.pattern, len(found)))
    return text[:found[0].start()] + block + text[found[0].end():]


def write(path: Path, text: str) -> None:
    """Replaces the file in one step (a bash running lab/testbed keeps reading the old one), keeping its mode."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix="." + path.name, delete=False) as new:
        new.write(text)
    os.chmod(new.name, path.stat().st_mode & 0o7777)
    os.replace(new.name, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file differs")
    args = parser.parse_args(argv)
    wanted = {REPO / "molecule" / scenario / "molecule.yml": (PLATFORMS, platforms(scenario)) for scenario in SCENARIOS}
    wanted[TESTBED] = (NODE_OPTIONS, node_options())
    differ = []
    for path, (pattern, block) in wanted.items():
        text = rewritten(path, pattern, block)
        if text != path.read_text():
            differ.append(str(path.relative_to(REPO)))
            if not args.check:
                write(path, text)
    if differ:
        print("%s: %s" % ("differ from molecule/shared/platforms.py" if args.check else "rewritten", ", ".join(differ)))
    return 1 if differ and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
