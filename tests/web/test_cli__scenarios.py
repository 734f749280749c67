"""``signaalroute deploy PATH`` replays the folder's scenarios: a changed ending holds the deploy until
``--scenarios-bevestigen`` with ``--opmerking``."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from tests.db_views import audit_details
from tests.engine.route_actions import DEFAULT_PROCESS
from tests.engine.tryout_actions import SLEUTEL, ZORG_NODIG, care_goes_to_zvh
from web.cli import main

SCENARIO = "scenarios/zorg-nodig.json"


@pytest.fixture
def run(orchestrator, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def folder(orchestrator, users, tmp_path):
    """The default process with a 'zorg nodig' scenario, and its routing table sending care to the ZVH."""
    made = orchestrator.tryouts.scenario_file(users.procesbeheerder, SLEUTEL, "zorg-nodig", "Zorg nodig", ZORG_NODIG,
                                              "2026-01-05T09:00:00Z")
    path = tmp_path / SLEUTEL
    shutil.copytree(DEFAULT_PROCESS, path)
    (path / "scenarios").mkdir()
    (path / SCENARIO).write_text(made["inhoud"], encoding="utf-8")
    table = path / "routering.dmn"
    table.write_text(care_goes_to_zvh(table.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_a_deploy_whose_scenario_ends_differently_stops_and_says_how(run, folder, orchestrator):
    result = run("deploy", str(folder), "--opmerking", "Zorg naar het ZVH")

    assert result.exit_code == 1
    assert "Scenario 'Zorg nodig' (scenarios/zorg-nodig.json):" in result.stderr
    assert "Het scenario eindigt bij 'Zorgtraject gestart'" in result.stderr and "--scenarios-bevestigen" in result.stderr
    assert audit_details(orchestrator, "scenario_uitkomst_bevestigd") == []


def test_confirmed_with_a_comment_it_deploys_and_records_it(run, folder, orchestrator):
    assert run("deploy", str(folder), "--scenarios-bevestigen").exit_code != 0  # a confirmation needs a comment

    result = run("deploy", str(folder), "--scenarios-bevestigen", "--opmerking", "Zorg naar het ZVH")

    assert result.exit_code == 0 and "v2 (nieuwe versie)" in result.stderr
    (detail,) = audit_details(orchestrator, "scenario_uitkomst_bevestigd")
    assert detail["opmerking"] == "Zorg naar het ZVH" and detail["scenarios"] == ["Zorg nodig"]
