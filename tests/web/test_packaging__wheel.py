"""The wheel built from the repository serves the application on its own.

Build the wheel from a copy of what packaging reads (``pyproject.toml``, ``README.md``,
``engine/``, ``web/`` with the built ``web/static/dist``, ``processes/``), install it into a
fresh virtual environment that sees this environment's dependencies but not this checkout,
run ``signaalroute init`` against a new SQLite database from an empty directory, and fetch
the sign-in page and a built asset through the installed package. Offline: no build
isolation, no index. Takes some seconds (part of the normal test run).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "static" / "dist"
pytestmark = pytest.mark.packaging

FETCH = """
import json, sys
import web
from web import create_app

app = create_app()
client = app.test_client()
page = client.get("/aanmelden")
asset = client.get("/static/dist/app.css")
keys = sorted({d["sleutel"] for d in app.extensions["signaalroute"].definitions_json()})
print(json.dumps({"web": web.__file__, "page": page.status_code, "form": 'name="wachtwoord"' in page.get_data(as_text=True),
                  "asset": asset.status_code, "asset_bytes": len(asset.data), "processen": keys,
                  "repo_on_path": any(p and __import__("os").path.samefile(p, sys.argv[1]) for p in sys.path
                                      if __import__("os").path.isdir(p))}))
"""


def _run(command: list, cwd: Path, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


def _source_copy(target: Path) -> Path:
    """What the build reads, copied: the build writes build/ and *.egg-info next to its source."""
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "frontend", "*.pyc")
    for name in ("engine", "web", "processes"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; its python."""
    if not (DIST / "app.css").is_file():
        pytest.fail(f"{DIST} is not built: run `make install` first (the wheel ships the built assets).", pytrace=False)
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    source = _source_copy(base / "src")
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index",
          "-q", "-w", str(base / "wheels")], base, env)
    wheel = next((base / "wheels").glob("signaalroute-*.whl"))
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, env)
    python = venv / "bin" / "python"
    # The dependencies of this environment, as a plain path: its .pth files (the editable
    # install of this checkout among them) are not run, so the checkout stays out of sight.
    site_packages = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              base, env).stdout.strip())
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
         base, env)
    return python


def test_the_installed_wheel_initialises_a_database_and_serves_pages(installed, tmp_path):
    work = tmp_path / "leeg"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PROCESSES_DIR", "DATABASE_URL")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'signaalroute.db'}", "SECRET_KEY": "wiel-test-" + "x" * 40}

    _run([str(installed.parent / "signaalroute"), "init"], work, env)
    result = json.loads(_run([str(installed), "-c", FETCH, str(ROOT)], work, env).stdout.strip().splitlines()[-1])

    assert Path(result["web"]).is_relative_to(installed.parent.parent), result["web"]  # the wheel's, not this checkout's
    assert result["repo_on_path"] is False
    assert (result["page"], result["form"]) == (200, True)
    assert result["asset"] == 200 and result["asset_bytes"] == (DIST / "app.css").stat().st_size
    shipped = sorted(p.name for p in (ROOT / "processes").iterdir() if (p / "proces.json").is_file())
    assert len(result["processen"]) == len(shipped), (result["processen"], shipped)  # every process folder shipped
