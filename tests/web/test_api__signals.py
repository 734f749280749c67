"""POST/GET /api/v1/signals: reporting, field errors, who sees what."""
from __future__ import annotations

import pytest

from tests.web.api_actions import intake_body, open_task, report


def test_report_returns_reference_and_location(api):
    response = api["melder"].post("/signals", json=intake_body())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "referentie", "status", "proces"}
    assert body["referentie"].startswith("MH-")
    assert body["proces"] == "signaal-naar-casus"  # chosen by the intake: no victim, no location, no meldcode
    assert body["status"] == "lopend"
    assert response.headers["Location"].endswith(f"/api/v1/signals/{body['id']}")


def test_report_accepts_data_envelope(api):
    response = api["melder"].post("/signals", json={"data": intake_body()})
    assert response.status_code == 201


@pytest.mark.parametrize("proces", [[None], {"sleutel": "x"}, 7, " "])
def test_report_with_a_process_that_is_not_a_key_is_refused_naming_the_field(api, orchestrator, proces):
    response = api["melder"].post("/signals", json={"data": intake_body(), "proces": proces})
    assert response.status_code == 422
    assert "proces" in response.get_json()["velden"]
    assert orchestrator.signal_count() == 0


def test_report_lists_every_field_error_at_once(api, orchestrator):
    response = api["melder"].post("/signals", json={
        "gemeente": "Atlantis", "uitbuitingsvormen": ["vis"], "minderjarige": "misschien", "acute_nood": "soms"})
    assert response.status_code == 422
    velden = response.get_json()["velden"]
    assert velden["omschrijving"] == "is verplicht"
    assert "vis" in velden["uitbuitingsvormen"]
    assert "misschien" in velden["minderjarige"]
    assert "acute_nood" in velden
    assert "Atlantis" in velden["gemeente"]
    assert orchestrator.signal_count() == 0


def test_report_rejects_unknown_field_and_other_municipality(api):
    response = api["melder"].post("/signals", json=intake_body(geheime_vlag=True))
    assert response.status_code == 422
    assert "geheime_vlag" in response.get_json()["velden"]
    response = api["melder"].post("/signals", json=intake_body(gemeente="Arnhem"))
    assert response.status_code == 422
    assert "gemeente" in response.get_json()["velden"]


@pytest.mark.parametrize("payload", [b"{niet json", b"[1, 2]"])
def test_report_rejects_bad_json(api, payload):
    client = api["melder"]
    response = client.client.post("/api/v1/signals", data=payload, headers={
        **client._headers(), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.get_json()["fout"]


def test_analist_sees_everything_reporter_sees_status_only(api):
    signal = report(api["melder"], locatie="Molenstraat 1")
    full = api["analist"].get(f"/signals/{signal['id']}").get_json()
    assert full["gegevens"]["locatie"] == "Molenstraat 1"
    assert full["route"] is None
    assert [t["bpmn_id"] for t in full["taken"]] == ["task_verrijken"]
    assert [e["actie"] for e in full["historie"]][:2] == ["signaal_gemeld", "taak_aangemaakt"]
    own = api["melder"].get(f"/signals/{signal['id']}").get_json()
    assert set(own) == {"id", "referentie", "status", "ontvangen_op", "afgesloten_op", "terugkoppeling"}


@pytest.mark.parametrize("who", ["arnhem", "zvh", "riec", "pb"])
def test_others_get_404_not_403(api, who):
    signal = report(api["melder"])
    response = api[who].get(f"/signals/{signal['id']}")
    assert response.status_code == 404
    missing = api[who].get("/signals/999999")
    assert missing.get_json() == response.get_json()


def test_regie_party_sees_case_once_routed(api):
    signal = report(api["melder"])
    assert api["riec"].get(f"/signals/{signal['id']}").status_code == 404
    task = open_task(api["analist"], signal["id"])
    assert api["analist"].post(f"/tasks/{task['id']}/complete", json={"data": {"vermoeden_versterkt": True}}).status_code == 200
    task = open_task(api["af"], signal["id"])
    response = api["af"].post(f"/tasks/{task['id']}/complete", json={"data": {
        "voldoende_aanleiding": True, "ondermijnende_criminaliteit": True}})
    assert response.status_code == 200
    assert response.get_json()["route"] == "riec"
    seen = api["riec"].get(f"/signals/{signal['id']}")
    assert seen.status_code == 200
    assert seen.get_json()["route"] == "riec"
    assert api["zvh"].get(f"/signals/{signal['id']}").status_code == 404


def test_signal_lists(api):
    first = report(api["melder"])
    report(api["arnhem"], gemeente="Arnhem")
    mine = api["melder"].get("/signals?mijn=1").get_json()["signalen"]
    assert [s["id"] for s in mine] == [first["id"]]
    visible = api["analist"].get("/signals").get_json()["signalen"]
    assert [s["id"] for s in visible] == [first["id"]]


def test_empty_optional_fields_get_their_defaults(api):
    """A form posts empty fields as null or "": time received, source and reporter are filled in."""
    signal = report(api["melder"], ontvangen_op=None, bron="", melder={"naam": "", "afdeling": None})
    full = api["analist"].get(f"/signals/{signal['id']}").get_json()
    assert full["ontvangen_op"] == "2026-01-05T09:00:00Z"
    assert full["gegevens"]["bron"] == "intern"
    assert full["gegevens"]["melder"]["naam"] == "melder"
