"""One deployed 3-member cluster for the whole lab session; each test module leaves it healthy or says so."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labtest import Lab, testbed  # noqa: E402


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    testbed("down-nodes")
    testbed("up")
    deployed = Lab(tmp_path_factory.mktemp("lab"))
    run = deployed.playbook()
    assert run.rc == 0, run.output
    assert deployed.healthy()
    yield deployed
    testbed("down-nodes")
