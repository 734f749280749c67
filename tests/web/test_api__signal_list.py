"""GET /api/v1/signals (the Signalen list: filters, paging, field errors) and POST /api/v1/signals/{id}/overdracht."""
from __future__ import annotations

import pytest

from tests.web.api_actions import report

REDEN = "Het slachtoffer woont in Arnhem."


def test_the_list_pages_like_the_task_list_with_phase_owner_and_deadline(api):
    made = [report(api["melder"])["id"] for _ in range(3)]

    first = api["af"].get("/signals?limit=2").get_json()
    rest = api["af"].get("/signals?limit=2&offset=2").get_json()

    assert (first["totaal"], first["limit"], first["offset"], rest["offset"]) == (3, 2, 0, 2)
    assert sorted(r["id"] for r in first["signalen"] + rest["signalen"]) == sorted(made)
    row = first["signalen"][0]
    assert row["fase"] and row["eigenaar_rol"] == "analist" and row["volgende_deadline"]
    assert "omschrijving" not in row and "gegevens" not in row  # a list row carries no personal data
    assert api["riec"].get("/signals").get_json()["signalen"] == []  # not routed to the RIEC
    assert [s["id"] for s in api["melder"].get("/signals?mijn=1").get_json()["signalen"]] == made[::-1]


def test_filters_narrow_the_list(api):
    acute = report(api["melder"], acute_nood=True)["id"]
    minor = report(api["melder"], minderjarige="ja")["id"]

    assert [r["id"] for r in api["af"].get("/signals?acute=ja").get_json()["signalen"]] == [acute]
    assert [r["id"] for r in api["af"].get("/signals?minderjarige=ja").get_json()["signalen"]] == [minor]
    assert api["af"].get("/signals?status=afgerond").get_json()["totaal"] == 0
    assert api["af"].get("/signals?gemeente=Nijmegen&proces=signaal-naar-casus").get_json()["totaal"] == 2


@pytest.mark.parametrize(("query", "field"), [
    ("status=zoek", "status"),
    ("ontvangen_van=31-02-2026", "ontvangen_van"),
    ("ontvangen_van=2026-02-01&ontvangen_tot=2026-01-01", "ontvangen_tot"),
    ("acute=soms", "acute"),
    ("gemeente=Atlantis", "gemeente"),
    ("proces=bestaat-niet", "proces"),
    ("limit=0", "limit"),
])
def test_a_bad_filter_is_a_422_naming_the_field_in_dutch(api, query, field):
    response = api["af"].get(f"/signals?{query}")

    assert response.status_code == 422
    assert field in response.get_json()["velden"]


def test_the_aandachtsfunctionaris_hands_a_signal_over_through_the_api(api):
    signal_id = report(api["melder"])["id"]

    response = api["af"].post(f"/signals/{signal_id}/overdracht", json={"gemeente": "Arnhem", "reden": REDEN})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["van"], body["naar"], [t["rol"] for t in body["taken"]]) == ("Nijmegen", "Arnhem", ["analist"])
    kept = api["af"].get(f"/signals/{signal_id}").get_json()
    assert kept["overgedragen"] is True and kept["overgedragen_naar"] == "Arnhem" and "gegevens" not in kept
    assert api["arnhem"].get(f"/signals/{signal_id}").get_json()["gegevens"]["omschrijving"]
    assert [t["signaal_id"] for t in api["arnhem"].get("/tasks").get_json()["taken"]] == [signal_id]
    assert "gegevens" not in api["melder"].get(f"/signals/{signal_id}").get_json()  # the reporter: status
    handed = api["af"].get("/signals?status=overgedragen").get_json()["signalen"]
    assert [(r["id"], r["overgedragen_naar"]) for r in handed] == [(signal_id, "Arnhem")]


@pytest.mark.parametrize(("body", "fields"), [
    ({"gemeente": "Arnhem", "reden": " "}, {"reden"}),
    ({"gemeente": "Nijmegen", "reden": REDEN}, {"gemeente"}),
    ({"reden": REDEN}, {"gemeente"}),
    ({"gemeente": ["Arnhem"], "reden": 7}, {"gemeente", "reden"}),
])
def test_a_handover_without_a_reason_or_a_different_municipality_is_a_422(api, body, fields):
    signal_id = report(api["melder"])["id"]

    response = api["af"].post(f"/signals/{signal_id}/overdracht", json=body)

    assert response.status_code == 422
    assert set(response.get_json()["velden"]) == fields
    assert api["af"].get(f"/signals/{signal_id}").get_json()["gemeente"] == "Nijmegen"


def test_only_the_aandachtsfunctionaris_may_hand_over(api):
    signal_id = report(api["melder"])["id"]

    assert api["analist"].post(f"/signals/{signal_id}/overdracht",
                               json={"gemeente": "Arnhem", "reden": REDEN}).status_code == 403
    assert api["arnhem"].post(f"/signals/{signal_id}/overdracht",
                              json={"gemeente": "Arnhem", "reden": REDEN}).status_code == 404
