"""The one way the tests run ansible-playbook: the repository's ansible.cfg and collections, no colour, captured
text output and a timeout.

tests/ is on sys.path for every test below it (pytest puts tests/conftest.py's directory there), so the tests of
tests/playbooks, tests/lab and tests/integration all ``from ansible_run import ansible_playbook``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ansible.cfg"
COLLECTIONS = REPO / ".cache" / "collections"
# The ansible-playbook of the Python running the tests (the venv's), else the first on PATH.
_BESIDE_PYTHON = Path(sys.executable).with_name("ansible-playbook")
EXECUTABLE = str(_BESIDE_PYTHON) if _BESIDE_PYTHON.exists() else "ansible-playbook"


def ansible_playbook(args: list[str], env: dict[str, str | None] | None = None, timeout: float = 300,
                     cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Runs ``ansible-playbook *args`` and returns the finished process (stdout and stderr as text); a failed run
    is returned, not raised, and one that outlasts ``timeout`` seconds raises subprocess.TimeoutExpired.

    The environment is this process's with ANSIBLE_CONFIG (the repository's ansible.cfg), ANSIBLE_COLLECTIONS_PATH
    (.cache/collections, where the work tree is quorum.etcd) and ANSIBLE_NOCOLOR=1, then ``env`` over it: a value
    replaces, None removes the variable (``{"ANSIBLE_CONFIG": None}`` leaves ansible to find its configuration).
    """
    environment = dict(os.environ, ANSIBLE_CONFIG=str(CONFIG), ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
                       ANSIBLE_NOCOLOR="1")
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run([EXECUTABLE, *args], env=environment, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def folded(output: str) -> str:
    """The output with its line breaks and indentation folded, for messages that wrap, and YAML's doubled single
    quotes single again (ansible-core before 2.19 quotes messages that hold a quote)."""
    return " ".join(output.replace("''", "'").split())
