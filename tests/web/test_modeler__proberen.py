"""The try-out's JSON (web/modeler/proberen.py) and the scenarios in validate and deploy (web/modeler/api.py)."""
from __future__ import annotations

import json

import pytest

from tests.engine.tryout_actions import ZORG_NODIG, care_goes_to_zvh
from tests.web.modeler_actions import default_files, session_for

BASE = "/processen/signaal-naar-casus"
BEGIN = "2026-01-05T09:00:00Z"


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")


def _with_scenario(owner) -> dict[str, str]:
    files = default_files()
    assert owner.put(f"{BASE}/concept", {"bestanden": files}).status_code == 200
    made = owner.post(f"{BASE}/proberen/scenario", {"id": "zorg-nodig", "naam": "Zorg nodig", "stappen": ZORG_NODIG,
                                                    "begin": BEGIN}).get_json()
    files[made["bestand"]] = made["inhoud"]
    files["routering.dmn"] = care_goes_to_zvh(files["routering.dmn"])
    assert owner.put(f"{BASE}/concept", {"bestanden": files}).status_code == 200
    return files


def test_the_start_brings_the_report_form_and_examples(owner):
    found = owner.get(f"{BASE}/proberen").get_json()

    assert found["startformulier"]["components"] and len(found["voorbeelden"]) == 3 and found["scenarios"] == []


def test_a_try_out_plays_and_says_where_it_stands(owner):
    response = owner.post(f"{BASE}/proberen", {"stappen": ZORG_NODIG[:1] + [{"soort": "klok", "duur": "P6D"}],
                                               "begin": BEGIN})

    played = response.get_json()
    assert response.status_code == 200 and played["begin"] == BEGIN and played["status"] == "lopend"
    assert played["open_taken"][0]["geescaleerd"] is True


def test_bad_steps_are_a_400_naming_the_field(owner):
    response = owner.post(f"{BASE}/proberen", {"stappen": [{"soort": "klok", "duur": "P1D"}]})

    assert response.status_code == 400 and "stappen[0]" in response.get_json()["velden"]


def test_validate_replays_the_scenarios(owner):
    _with_scenario(owner)

    found = owner.post(f"{BASE}/concept/valideer").get_json()

    assert found["geldig"] is True
    (scenario,) = found["scenarios"]
    assert scenario["naam"] == "Zorg nodig" and scenario["gelijk"] is False
    assert scenario["verschillen"][0].startswith("Het scenario eindigt bij 'Zorgtraject gestart'")


def test_deploy_shows_the_new_ending_and_asks_for_a_confirmation(owner):
    _with_scenario(owner)

    held = owner.post(f"{BASE}/concept/deploy", {"opmerking": "Zorg naar het ZVH"})
    assert held.status_code == 409 and held.get_json()["bevestiging_nodig"] is True
    assert held.get_json()["scenarios"][0]["nu"]["route"] == "zorg_en_strafrecht"

    done = owner.post(f"{BASE}/concept/deploy", {"opmerking": "Zorg naar het ZVH", "scenarios_bevestigd": True})
    assert done.status_code == 201 and done.get_json()["versie"] == 2
    stored = owner.get(f"{BASE}/versies/2/bestanden/scenarios/zorg-nodig.json").get_data(as_text=True)
    assert json.loads(stored)["verwacht"]["route"] == "zorg_en_strafrecht"


def test_who_may_not_change_processes_may_not_try_them(app, orchestrator, clock):
    analist = session_for(app, orchestrator, clock, "analist")

    assert analist.get(f"{BASE}/proberen").status_code == 403
    assert analist.post(f"{BASE}/proberen", {"stappen": ZORG_NODIG}).status_code == 403
