"""The task endpoints: list, claim, unclaim, complete and their refusals."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.web.api_actions import open_task, report

NIET_VERRIJKT = {"vermoeden_versterkt": False, "reden_afsluiten": "Geen aanwijzingen."}


def test_whole_route_over_the_api(api):
    signal = report(api["melder"], acute_nood=True)
    listed = api["analist"].get("/tasks?stap=task_verrijken").get_json()
    assert listed["totaal"] == 1
    task = listed["taken"][0]
    assert set(task) >= {"id", "bpmn_id", "naam", "rol", "signaal_id", "toegewezen_aan", "deadline", "status"}
    assert (task["rol"], task["signaal_id"], task["status"]) == ("analist", signal["id"], "open")
    claimed = api["analist"].post(f"/tasks/{task['id']}/claim").get_json()
    assert claimed["toegewezen_aan"] == "analist"
    done = api["analist"].post(f"/tasks/{task['id']}/complete", json={"data": {"vermoeden_versterkt": True}})
    assert done.status_code == 200
    assert [t["naam"] for t in done.get_json()["nieuwe_taken"]] == ["Afstemmen en beoordelen"]
    task = open_task(api["af"], signal["id"])
    api["af"].post(f"/tasks/{task['id']}/complete", json={"data": {
        "voldoende_aanleiding": True, "strafrechtelijk_traject": True, "geraadpleegde_ketenpartners": ["avim", "nla"]}})
    care = open_task(api["zorg"], signal["id"], "zorgcoordinator")  # the care trajectory beside the ZVH's regie
    assert (care["bpmn_id"], care["signaal_id"]) == ("task_intake", signal["id"])
    task = open_task(api["zvh"], signal["id"], "zvh")  # the ZVH sees the care trajectory's intake beside it too
    assert task["bpmn_id"] == "task_regie_zvh"
    closing = {"regie_opgepakt": True}
    refused = api["zvh"].post(f"/tasks/{task['id']}/complete", json={"data": closing})
    assert refused.status_code == 422 and set(refused.get_json()["velden"]) == {"resultaat", "covenant"}
    done = api["zvh"].post(f"/tasks/{task['id']}/complete", json={"data": {
        **closing, "resultaat": "aangifte_gedaan", "covenant": "zvh"}}).get_json()
    assert done["signaal_status"] == "afgerond"
    assert done["uitkomst"] == "Zorg- en strafrechtelijk traject gestart"
    final = api["af"].get(f"/signals/{signal['id']}").get_json()
    assert (final["status"], final["route"], final["taken"]) == ("afgerond", "zorg_en_strafrecht", [])
    assert api["melder"].get(f"/signals/{signal['id']}").get_json()["status"] == "afgerond"


def test_task_detail_carries_its_form(api):
    report(api["melder"])
    task = api["analist"].get("/tasks").get_json()["taken"][0]
    detail = api["analist"].get(f"/tasks/{task['id']}").get_json()
    keys = {c.get("key") for c in detail["formulier_schema"]["components"]}
    assert "vermoeden_versterkt" in keys


def test_complete_twice_is_409_naming_who(api):
    report(api["melder"])
    task = api["analist"].get("/tasks").get_json()["taken"][0]
    assert api["analist"].post(f"/tasks/{task['id']}/complete", json={"data": NIET_VERRIJKT}).status_code == 200
    again = api["analist2"].post(f"/tasks/{task['id']}/complete", json={"data": {"vermoeden_versterkt": True}})
    assert again.status_code == 409
    assert "al voltooid door analist" in again.get_json()["fout"]


def test_claimed_by_someone_else(api):
    report(api["melder"])
    task = api["analist"].get("/tasks").get_json()["taken"][0]
    api["analist"].post(f"/tasks/{task['id']}/claim")
    claim = api["analist2"].post(f"/tasks/{task['id']}/claim")
    assert claim.status_code == 409
    assert "geclaimd door analist" in claim.get_json()["fout"]
    complete = api["analist2"].post(f"/tasks/{task['id']}/complete", json={"data": {"vermoeden_versterkt": True}})
    assert complete.status_code == 403
    assert api["analist2"].post(f"/tasks/{task['id']}/unclaim").status_code == 403
    assert api["analist"].post(f"/tasks/{task['id']}/unclaim").get_json()["toegewezen_aan"] is None
    assert api["analist2"].post(f"/tasks/{task['id']}/claim").status_code == 200


def test_field_errors_keep_the_task_open(api):
    report(api["melder"])
    task = api["analist"].get("/tasks").get_json()["taken"][0]
    response = api["analist"].post(f"/tasks/{task['id']}/complete", json={"data": {
        "vermoeden_versterkt": "misschien", "adresgegevens": 12, "onbekend": 1}})
    assert response.status_code == 422
    velden = response.get_json()["velden"]
    assert set(velden) == {"vermoeden_versterkt", "adresgegevens", "onbekend"}
    missing = api["analist"].post(f"/tasks/{task['id']}/complete", json={"data": {}})
    assert missing.get_json()["velden"] == {"vermoeden_versterkt": "is verplicht"}
    no_envelope = api["analist"].post(f"/tasks/{task['id']}/complete", json={"vermoeden_versterkt": True})
    assert no_envelope.status_code == 422
    assert api["analist"].get(f"/tasks/{task['id']}").get_json()["status"] == "open"


@pytest.mark.parametrize("who", ["arnhem", "melder", "riec", "pb"])
def test_task_of_others_is_not_found(api, who):
    report(api["melder"])
    task = api["analist"].get("/tasks").get_json()["taken"][0]
    for response in (api[who].get(f"/tasks/{task['id']}"),
                     api[who].post(f"/tasks/{task['id']}/claim"),
                     api[who].post(f"/tasks/{task['id']}/complete", json={"data": {"vermoeden_versterkt": True}})):
        assert response.status_code == 404
    assert api[who].get("/tasks").get_json()["totaal"] == 0


def test_filters_and_paging(api, clock):
    for _ in range(3):
        report(api["melder"])
    page = api["analist"].get("/tasks?limit=2").get_json()
    assert (len(page["taken"]), page["totaal"]) == (2, 3)
    rest = api["analist"].get("/tasks?limit=2&offset=2").get_json()
    assert len(rest["taken"]) == 1
    assert api["analist"].get("/tasks?mijn=1").get_json()["totaal"] == 0
    assert api["analist"].get("/tasks?gemeente=Nijmegen").get_json()["totaal"] == 3
    assert api["analist"].get("/tasks?gemeente=Atlantis").status_code == 422
    assert api["analist"].get("/tasks?overdue=1").get_json()["totaal"] == 0
    assert api["analist"].get("/tasks?due_within=P5D").get_json()["totaal"] == 3
    assert api["analist"].get("/tasks?due_within=P4D").get_json()["totaal"] == 0
    assert api["analist"].get("/tasks?due_within=soon").status_code == 422
    assert api["analist"].get("/tasks?limit=nul").status_code == 422
    clock.advance(dt.timedelta(days=6))
    assert api["analist"].get("/tasks?overdue=1").get_json()["totaal"] == 3
