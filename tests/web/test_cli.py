"""The signaalroute command line, run against the test database."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.people.users import actor_for_token
from web.cli import main

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"


@pytest.fixture
def run(orchestrator, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))

    def _run(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return _run


def test_user_add_prints_only_the_token(run, orchestrator):
    result = run("user", "add", "nieuw", "--role", "analist", "--gemeente", "Lisse", "--token")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sr_")
    with orchestrator.db.read() as conn:
        actor = actor_for_token(conn, lines[0])
    assert actor.gebruikersnaam == "nieuw"
    assert actor.role_keys() == {"analist"}
    assert orchestrator.gemeente_id("Lisse") is not None


def test_user_add_refuses_bad_role_and_missing_municipality(run):
    result = run("user", "add", "iemand", "--role", "koning")
    assert result.exit_code == 2
    assert "koning" in result.stderr
    result = run("user", "add", "iemand", "--role", "analist")
    assert result.exit_code == 2
    assert "gemeente" in result.stderr


def test_init_is_idempotent_and_deploy_reports_problems(run, tmp_path):
    assert run("init").exit_code == 0
    assert "ongewijzigd" in run("init").stderr
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "proces.json").write_text('{"sleutel": "kapot", "naam": "Kapot", "bpmn_proces_id": "p"}')
    (broken / "kapot.bpmn").write_text("<definitions>")
    result = run("deploy", str(broken))
    assert result.exit_code == 1
    assert "kapot.bpmn" in result.stderr
    assert "v1" in run("deploy", str(PROCESS)).stderr
