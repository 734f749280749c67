"""The signaalroute command line, run against the test database."""
from __future__ import annotations

import datetime as dt
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
    with orchestrator.db.read() as conn:  # the command runs on the system clock
        actor = actor_for_token(conn, lines[0], now=dt.datetime.now(dt.UTC))
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


def test_token_create_list_and_revoke(run, orchestrator):
    run("user", "add", "ci", "--role", "procesbeheerder", "--gemeente", "Nijmegen")
    created = run("token", "create", "ci", "--dagen", "7", "--naam", "ontwikkelstraat")
    assert created.exit_code == 0
    token = created.stdout.strip()
    now = dt.datetime.now(dt.UTC)  # the command runs on the system clock
    with orchestrator.db.read() as conn:
        holder = actor_for_token(conn, token, now=now)
        assert holder is not None and holder.tweede_factor is False  # made on the command line: no deploying
        assert actor_for_token(conn, token, now=now + dt.timedelta(days=7)) is None  # expired after 7 days
    listed = run("token", "list", "--gebruiker", "ci").stdout.splitlines()
    assert len(listed) == 1 and "\tci\tontwikkelstraat\t" in listed[0] and listed[0].endswith("\tactief")
    token_id = listed[0].split("\t")[0]

    revoked = run("token", "revoke", token_id)
    assert revoked.exit_code == 0 and "1 token(s) ingetrokken" in revoked.stderr
    with orchestrator.db.read() as conn:
        assert actor_for_token(conn, token, now=now) is None
    assert run("token", "list").stdout.splitlines()[0].endswith("\tingetrokken")
    assert run("token", "revoke", "--gebruiker", "niemand").exit_code == 2
    assert run("token", "revoke").exit_code == 2


def test_user_add_on_an_existing_user_ends_their_sessions(run, orchestrator):
    from engine.clock import SystemClock
    from engine.people.sessions import ENDED
    from engine.service.signin import SignInDesk

    run("user", "add", "anna", "--role", "analist", "--gemeente", "Nijmegen", "--password", "een-wachtwoord")
    anna = orchestrator.signin.authenticate("anna", "een-wachtwoord")
    signin = SignInDesk(orchestrator.db, SystemClock())
    session_id = signin.start_session(anna.id, tweede_factor=False, lifetime=dt.timedelta(hours=12))  # on the command's clock
    assert run("user", "add", "anna", "--role", "manager", "--gemeente", "Nijmegen").exit_code == 0
    assert signin.resume_session(session_id, idle=dt.timedelta(minutes=30)) == ENDED
