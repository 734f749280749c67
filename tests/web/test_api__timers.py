"""Deadlines and escalations over the API: ``GET /tasks?overdue=1``, ``?due_within=P2D`` and
``GET /notifications``, against the test's clock."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.people.users import add_user, create_token
from tests.web.api_actions import report

DAY = dt.timedelta(days=1)


@pytest.fixture
def managers(api, orchestrator, clock):
    """API clients for a manager of Nijmegen and one of Arnhem."""
    some = api["analist"]
    clients = {}
    with orchestrator.db.write() as conn:
        for username, gemeente in (("manager", "Nijmegen"), ("manager-arnhem", "Arnhem")):
            user_id = add_user(conn, username, now=clock.now(), roles=["manager"], gemeente_naam=gemeente)
            clients[username] = type(some)(some.client, create_token(conn, user_id, now=clock.now()), username)
    return clients


def task_ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["totaal"] == len(body["taken"])
    return [t["id"] for t in body["taken"]]


def test_overdue_and_due_within_follow_the_clock(api, managers, clock):
    start = clock.now()
    early = report(api["melder"], omschrijving="Eerste melding.")
    clock.set(start + 2 * DAY)
    late = report(api["melder"], omschrijving="Tweede melding.")
    elders = report(api["arnhem"], gemeente="Arnhem")
    ids = {name: api["analist" if name != "elders" else "arnhem"].get(f"/signals/{s['id']}").get_json()["taken"][0]["id"]
           for name, s in (("early", early), ("late", late), ("elders", elders))}

    def seen(client, query):
        by_id = {v: k for k, v in ids.items()}
        return [by_id[i] for i in task_ids(client.get("/tasks?" + query))]

    clock.set(start + 4 * DAY)  # early due at +5d, late and elders at +7d
    assert seen(api["analist"], "overdue=1") == []
    assert seen(api["analist"], "due_within=P2D") == ["early"]
    assert seen(api["analist"], "due_within=P3DT1H") == ["early", "late"]
    assert seen(managers["manager"], "due_within=P2D") == ["early"]
    assert seen(managers["manager-arnhem"], "due_within=P2D") == []

    clock.set(start + 6 * DAY)
    assert seen(api["analist"], "overdue=1") == ["early"]
    assert seen(api["analist"], "due_within=P2D") == ["late"]  # not the overdue one
    assert seen(api["arnhem"], "overdue=1") == []
    assert seen(api["arnhem"], "due_within=PT24H") == ["elders"]
    assert seen(managers["manager"], "overdue=1") == ["early"]
    assert seen(managers["manager-arnhem"], "due_within=P2D") == ["elders"]
    assert seen(api["af"], "overdue=1") == [] and seen(api["zorg"], "overdue=1") == []
    assert seen(api["melder"], "overdue=1") == []

    clock.set(start + 8 * DAY)
    assert seen(api["analist"], "overdue=1") == ["early", "late"]  # most overdue first
    assert seen(api["analist"], "overdue=1&stap=task_verrijken") == ["early", "late"]
    assert seen(managers["manager"], "overdue=1") == ["early", "late"]
    assert seen(managers["manager-arnhem"], "overdue=1") == ["elders"]
    assert seen(api["analist"], "due_within=P2D") == []
    assert seen(api["analist"], "overdue=1&gemeente=Nijmegen") == ["early", "late"]


def test_overdue_pages_report_the_total(api, clock):
    for _ in range(3):
        report(api["melder"])
    clock.advance(6 * DAY)
    page = api["analist"].get("/tasks?overdue=1&limit=2").get_json()
    assert (len(page["taken"]), page["totaal"], page["limit"]) == (2, 3, 2)
    rest = api["analist"].get("/tasks?overdue=1&limit=2&offset=2").get_json()
    assert (len(rest["taken"]), rest["totaal"]) == (1, 3)


@pytest.mark.parametrize("value", ["P1M", "P1Y", "banaan", "2026-01-01", "P"])
def test_due_within_must_be_a_duration_in_days_or_hours(api, value):
    response = api["analist"].get(f"/tasks?due_within={value}")
    assert response.status_code == 422
    assert "due_within" in response.get_json()["velden"]


def test_an_escalation_notifies_the_municipalitys_manager_only(api, managers, orchestrator, clock):
    signal = report(api["melder"], omschrijving="Zes mensen in een schuur aan de Dorpsstraat.", locatie="Dorpsstraat 5",
                    melder={"naam": "Greetje Jansen"})
    task = api["analist"].get(f"/signals/{signal['id']}").get_json()["taken"][0]
    assert api["analist"].post(f"/tasks/{task['id']}/claim").status_code == 200
    assert managers["manager"].get("/notifications").get_json() == {"notificaties": []}

    clock.advance(5 * DAY + dt.timedelta(hours=1))
    assert len(orchestrator.fire_due_timers()) == 1

    (notice,) = managers["manager"].get("/notifications").get_json()["notificaties"]
    assert (notice["soort"], notice["signaal_id"], notice["taak_id"], notice["gelezen_op"]) == (
        "escalatie", signal["id"], task["id"], None)
    assert notice["aangemaakt_op"] == "2026-01-10T10:00:00Z"
    assert signal["referentie"] in notice["bericht"]
    for personal in ("Dorpsstraat", "schuur", "Greetje", "Jansen"):
        assert personal not in notice["bericht"]
    assert managers["manager-arnhem"].get("/notifications").get_json() == {"notificaties": []}
    for other in ("analist", "af", "zorg", "melder", "arnhem"):
        assert api[other].get("/notifications").get_json() == {"notificaties": []}, other

    detail = api["analist"].get(f"/tasks/{task['id']}").get_json()
    assert (detail["geescaleerd_op"], detail["status"], detail["toegewezen_aan"]) == ("2026-01-10T10:00:00Z", "open", "analist")
    assert [t["id"] for t in managers["manager"].get("/tasks?overdue=1").get_json()["taken"]] == [task["id"]]

    clock.advance(DAY)
    assert orchestrator.fire_due_timers() == []
    assert len(managers["manager"].get("/notifications").get_json()["notificaties"]) == 1


def test_notifications_need_a_token(api):
    response = api["analist"].client.get("/api/v1/notifications")
    assert response.status_code == 401
