"""The import contracts (pyproject.toml, ``lint-imports``) hold, and breaking one fails the check.

Each case copies ``engine/`` and ``web/`` to a temporary folder, adds one module that
imports across a contract, and runs ``lint-imports`` there with the project's own
configuration: it must fail and name the contract.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "static", "frontend", "templates")
    for package in ("engine", "web"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    result = subprocess.run([str(LINT), "--no-cache"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


LAYERS = "Each engine layer imports only the layers below it"
NO_FLASK = "The engine never imports Flask or Werkzeug"
FRONT_DOOR = "The web reaches the engine only through its front door"


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("engine/store/probe.py", "from engine.runtime import commands", LAYERS),
    ("engine/queries/probe.py", "from engine.runtime.projections import OPEN", LAYERS),
    ("engine/domain/probe.py", "import flask", NO_FLASK),
    ("web/pages/probe.py", "from engine.runtime import commands", FRONT_DOOR),
    ("web/probe.py", "from engine.people.users import Actor", FRONT_DOOR),
])
def test_breaking_a_contract_fails_the_check(tree: Path, module: str, line: str, contract: str):
    (tree / module).write_text(f"{line}  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
