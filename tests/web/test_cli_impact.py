"""``signaalroute impact PATH``: a process folder replayed against the history (engine.service.impact)."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from tests.engine.replay_actions import SECRETS, walk_history, zorg_to_zvh
from tests.engine.route_actions import DEFAULT_PROCESS, RouteActions
from web.cli import main


@pytest.fixture
def run(orchestrator, users, intake, clock, monkeypatch):
    walk_history(RouteActions(orchestrator, users), intake, clock)
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def draft(tmp_path):
    folder = tmp_path / "signaal-naar-casus"
    shutil.copytree(DEFAULT_PROCESS, folder)
    table = folder / "routering.dmn"
    table.write_text(zorg_to_zvh(table.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_impact_of_a_folder_ends_with_the_result_line(run, draft):
    result = run("impact", str(draft), "--since", "01-01-2026")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "RESULT replayed=12 changed=6 undecided=0"
    assert any("6 Zorgtraject → Zorg- en strafrechtelijk traject" in line for line in lines)
    unchanged = run("impact", str(DEFAULT_PROCESS), "--since", "2026-01-01")  # the history is of early 2026
    assert unchanged.stdout.splitlines()[-1] == "RESULT replayed=12 changed=0 undecided=0"


def test_impact_json_holds_no_personal_data(run, draft):
    result = run("impact", str(draft), "--json", "--since", "2026-01-01")
    body, last = result.stdout.rsplit("\n", 2)[0], result.stdout.splitlines()[-1]
    answer = json.loads(body)
    assert (answer["gewijzigd"], last) == (6, "RESULT replayed=12 changed=6 undecided=0")
    for secret in SECRETS:
        assert secret not in result.output
    assert "MH-" not in result.output


def test_impact_refuses_a_bad_date_and_an_invalid_folder(run, tmp_path):
    assert run("impact", str(DEFAULT_PROCESS), "--since", "gisteren").exit_code == 2
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "proces.json").write_text('{"sleutel": "kapot", "naam": "Kapot", "bpmn_proces_id": "p"}')
    (broken / "kapot.bpmn").write_text("<definitions>")
    result = run("impact", str(broken))
    assert result.exit_code == 1 and "kapot.bpmn" in result.stderr
