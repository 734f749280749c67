"""The migration pages and JSON: a preview per running instance (process data only), then migrate the chosen ones."""
from __future__ import annotations

import re

import pytest

from engine.people.users import add_user
from tests.web.modeler_actions import default_files, session_for

BASE = "/processen/signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"
INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Zes mensen slapen boven de nagelstudio aan de Lange Hezelstraat.",
          "locatie": "Lange Hezelstraat 99, Nijmegen", "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee",
          "sector": "logistiek", "indicatoren": ["woont_op_werkplek"]}


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")


@pytest.fixture
def reported(orchestrator, clock):
    """Two signals on version 1, reported by a named melder; both wait at 'Signaal verrijken'."""
    with orchestrator.db.write() as conn:
        melder = add_user(conn, "mila", now=clock.now(), naam="Mila Melder-Geheim", roles=["melder"],
                          gemeente_naam="Nijmegen")
    actor = orchestrator.actor(melder)
    return [orchestrator.report_signal(actor, dict(INTAKE)) for _ in range(2)]


def _deploy_v2(owner, removed_step: bool = False) -> None:
    files = default_files()
    if removed_step:  # a new step name does not block; removing a waiting step does (engine tests cover that)
        files[BPMN] = files[BPMN].replace('name="Signaal verrijken"', 'name="Signaal verrijken (v2)"')
    else:
        files[BPMN] = files[BPMN].replace('name="Afstemmen en beoordelen"', 'name="Afstemmen en beoordelen (v2)"')
    assert owner.put(f"{BASE}/concept", {"bestanden": files}).status_code == 200
    assert owner.post(f"{BASE}/concept/deploy", {"opmerking": "v2"}).status_code == 201


def test_the_preview_lists_each_running_instance_without_personal_data(owner, reported):
    _deploy_v2(owner)

    preview = owner.get(f"{BASE}/migratie/voorbeeld?van=1&naar=2")
    page = owner.page(f"{BASE}/migratie?van=1&naar=2")

    assert preview.status_code == 200 and page.status_code == 200
    body = preview.get_json()
    assert [i["referentie"] for i in body["instanties"]] == [o.referentie for o in reported]
    assert all(i["kan_migreren"] and i["huidige_stappen"] == ["Signaal verrijken"] for i in body["instanties"])
    assert set(body["instanties"][0]) == {"instantie", "referentie", "versie", "huidige_stappen", "nieuwe_stappen",
                                          "wijzigingen", "kan_migreren", "reden"}
    for text in (preview.get_data(as_text=True), page.get_data(as_text=True)):
        for personal in ("Lange Hezelstraat", "nagelstudio", "Melder-Geheim", "woont_op_werkplek"):
            assert personal not in text
    assert reported[0].referentie in page.get_data(as_text=True)


def test_migrating_the_chosen_instances_through_the_page(owner, reported, orchestrator):
    _deploy_v2(owner)
    page = owner.page(f"{BASE}/migratie?van=1&naar=2").get_data(as_text=True)
    first = reported[0].instance_id
    seen = re.search(rf'name="gezien_{first}" value="(\d+)"', page).group(1)

    result = owner.client.post(f"{BASE}/migratie/uitvoeren", data={
        "csrf_token": owner.csrf, "van": "1", "naar": "2", "instantie": [str(first)], f"gezien_{first}": seen})

    assert result.status_code == 200
    assert "1 van 1 instantie gemigreerd" in result.get_data(as_text=True)
    versions = owner.get(f"{BASE}/versies").get_json()
    assert [(v["versie"], v["lopende_instanties"]) for v in versions] == [(2, 1), (1, 1)]


def test_migrating_through_json_says_per_instance_what_happened(owner, reported):
    _deploy_v2(owner)
    ids = [o.instance_id for o in reported]

    response = owner.post(f"{BASE}/migratie", {"van": 1, "naar": 2, "instanties": ids + [999_999]})

    assert response.status_code == 200
    results = response.get_json()["resultaten"]
    assert [(r["instantie"], r["referentie"], r["gemigreerd"]) for r in results] == [
        (ids[0], reported[0].referentie, True), (ids[1], reported[1].referentie, True), (999_999, None, False)]
    assert "versie 1" in results[2]["reden"]
    again = owner.post(f"{BASE}/migratie", {"van": 1, "naar": 2, "instanties": ids[:1]}).get_json()["resultaten"]
    assert again[0]["gemigreerd"] is False and "loopt niet (meer) op versie 1" in again[0]["reden"]


def test_an_instance_changed_after_the_preview_is_not_migrated(owner, reported, orchestrator):
    _deploy_v2(owner)
    first = reported[0].instance_id

    response = owner.post(f"{BASE}/migratie", {"van": 1, "naar": 2, "instanties": [first], "gezien": {str(first): 0}})

    [result] = response.get_json()["resultaten"]
    assert result["gemigreerd"] is False and "gewijzigd sinds het voorbeeld" in result["reden"]


def test_without_running_instances_the_page_says_so(owner):
    _deploy_v2(owner)

    page = owner.page(f"{BASE}/migratie?van=1&naar=2").get_data(as_text=True)

    assert "Er lopen geen instanties op versie 1" in page


@pytest.mark.parametrize("query", ["van=1&naar=1", "van=1&naar=9", "van=x&naar=2", "naar=2"])
def test_wrong_versions_are_answered_not_crashed(owner, query):
    _deploy_v2(owner)

    assert owner.get(f"{BASE}/migratie/voorbeeld?{query}").status_code in (400, 404)
    assert owner.page(f"{BASE}/migratie?{query}").status_code in (400, 404)


@pytest.mark.parametrize("body", [{}, {"van": 1, "naar": 2}, {"van": 1, "naar": 2, "instanties": ["1"]},
                                  {"van": 1, "naar": 2, "instanties": [1], "gezien": []}])
def test_a_bad_migration_request_is_400(owner, body):
    _deploy_v2(owner)

    assert owner.post(f"{BASE}/migratie", body).status_code == 400


@pytest.mark.parametrize("rol", ["aandachtsfunctionaris", "manager", "analist"])
def test_only_process_owners_see_or_migrate(app, orchestrator, clock, owner, reported, rol):
    _deploy_v2(owner)
    other = session_for(app, orchestrator, clock, rol)

    answers = [other.get(f"{BASE}/migratie/voorbeeld?van=1&naar=2"), other.page(f"{BASE}/migratie?van=1&naar=2"),
               other.post(f"{BASE}/migratie", {"van": 1, "naar": 2, "instanties": [reported[0].instance_id]})]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert [v["lopende_instanties"] for v in owner.get(f"{BASE}/versies").get_json()] == [0, 2]
