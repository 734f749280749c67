"""Incidents for a beheerder: listed (open first) with element, kind, attempts and data keys only;
retried now ("opnieuw proberen") or marked resolved, each audited; and resolved by the clock
when the timer fires after all.

``tests/data/timer-wachten`` waits an hour, then its gateway chooses on ``minderjarige``.
The cause that gets fixed lies outside the process: the script engine failing on the
gateway's conditions (a broken dependency), restored before the retry.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.errors import Conflict, NotFound
from engine.people.users import add_user
from engine.store.schema import incident, timer
from tests.db_views import audit_events
from tests.engine.route_actions import TEST_DATA, break_gateway, small_intake

HOUR = dt.timedelta(hours=1)
SECRET = "Vier mensen slapen achter in een nagelsalon."


@pytest.fixture
def beheerders(orchestrator, clock):
    with orchestrator.db.write() as conn:
        ids = [add_user(conn, "beheer", now=clock.now(), roles=["beheerder"], gemeente_naam=None),
               add_user(conn, "beheer-arnhem", now=clock.now(), roles=["beheerder"], gemeente_naam="Arnhem")]
    return [orchestrator.actor(i) for i in ids]


@pytest.fixture
def broken_gateway(monkeypatch):
    """The gateway's conditions fail until the test calls the returned 'fix'."""
    return break_gateway(monkeypatch)


@pytest.fixture
def failing(route, orchestrator, clock, broken_gateway):
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")
    started = route.report(small_intake(minderjarige="ja"), proces="timer-wachten")
    clock.advance(2 * HOUR)
    assert orchestrator.fire_due_timers() == []
    return started


def events(orchestrator, actie):
    return audit_events(orchestrator, actie)


def test_the_list_shows_element_kind_attempts_and_keys_never_values(orchestrator, failing, beheerders, clock):
    clock.advance(dt.timedelta(seconds=31))
    orchestrator.fire_due_timers()  # a second failed attempt: still one incident

    listed = orchestrator.incidents(beheerders[0])
    assert (listed["totaal"], listed["open"]) == (1, 1)
    (entry,) = listed["incidenten"]
    assert (entry["element"], entry["soort"], entry["pogingen"], entry["open"], entry["kan_opnieuw"]) == (
        "gw_minderjarige", "scriptfout", 2, True, True)
    assert {"minderjarige", "omschrijving", "indicatoren"} <= set(entry["gegevens"])
    assert entry["referentie"].startswith("MH-") and entry["gemeente"] == "Nijmegen"
    text = repr(listed)
    assert SECRET not in text and "onderbetaling" not in text and "rekenmodule" not in text  # no values, no message
    # a beheerder of another municipality sees none of it; other roles may not look at all
    assert orchestrator.incidents(beheerders[1])["incidenten"] == []


def test_a_retry_while_the_cause_remains_fails_again_and_is_audited(orchestrator, failing, beheerders):
    (entry,) = orchestrator.incidents(beheerders[0])["incidenten"]

    result = orchestrator.retry_incident(beheerders[0], entry["id"])

    assert (result.gelukt, result.soort, result.pogingen) == (False, "scriptfout", 2)
    (again,) = orchestrator.incidents(beheerders[0])["incidenten"]
    assert (again["pogingen"], again["open"]) == (2, True)
    (event,) = events(orchestrator, "incident_opnieuw_geprobeerd")
    assert (event.user_id, event.detail["uitkomst"], event.detail["element"]) == (beheerders[0].id, "mislukt",
                                                                                  "gw_minderjarige")


def test_a_retry_after_the_cause_is_fixed_moves_the_instance_on(route, orchestrator, failing, beheerders,
                                                                broken_gateway):
    (entry,) = orchestrator.incidents(beheerders[0])["incidenten"]
    broken_gateway()  # the fix

    result = orchestrator.retry_incident(beheerders[0], entry["id"])

    assert result.gelukt
    assert route.open_task(failing.signal_id, "task_na_wachten")
    with orchestrator.db.read() as conn:
        assert conn.execute(select(timer.c.status).where(timer.c.instance_id == failing.instance_id)).scalar() == "afgevuurd"
        rows = conn.execute(select(incident).where(incident.c.instance_id == failing.instance_id)).all()
    assert rows and all(r.resolved_at is not None and r.resolved_by == beheerders[0].id for r in rows)
    listed = orchestrator.incidents(beheerders[0])
    assert listed["open"] == 0 and listed["incidenten"][0]["opgelost_door"] == "beheer"
    assert [e.detail["uitkomst"] for e in events(orchestrator, "incident_opnieuw_geprobeerd")] == ["gelukt"]
    assert len(events(orchestrator, "incident_opgelost")) == 1
    with pytest.raises(Conflict, match="al opgelost"):
        orchestrator.retry_incident(beheerders[0], entry["id"])


def test_the_clock_resolves_an_incident_when_the_timer_fires_after_all(route, orchestrator, failing, beheerders,
                                                                       broken_gateway, clock):
    broken_gateway()
    clock.advance(dt.timedelta(seconds=31))  # past the back-off

    assert len(orchestrator.fire_due_timers()) == 1

    listed = orchestrator.incidents(beheerders[0])
    assert listed["open"] == 0 and listed["incidenten"][0]["opgelost_door"] == "de klok"
    (event,) = events(orchestrator, "incident_opgelost")
    assert (event.user_id, event.detail["wijze"]) == (None, "timer_afgevuurd")


def test_marking_resolved_is_audited_and_a_new_failure_opens_a_new_incident(orchestrator, failing, beheerders, clock):
    (entry,) = orchestrator.incidents(beheerders[0])["incidenten"]
    with pytest.raises(NotFound):
        orchestrator.resolve_incident(beheerders[1], entry["id"])  # not in their municipality

    orchestrator.resolve_incident(beheerders[0], entry["id"])

    (event,) = events(orchestrator, "incident_opgelost")
    assert (event.user_id, event.detail["wijze"], event.detail["incident"]) == (beheerders[0].id, "gemarkeerd", entry["id"])
    assert orchestrator.incidents(beheerders[0])["open"] == 0
    with pytest.raises(Conflict):
        orchestrator.resolve_incident(beheerders[0], entry["id"])
    clock.advance(dt.timedelta(seconds=31))
    orchestrator.fire_due_timers()  # the cause is still there
    listed = orchestrator.incidents(beheerders[0])
    assert (listed["totaal"], listed["open"]) == (2, 1)
    assert listed["incidenten"][0]["open"] and listed["incidenten"][0]["pogingen"] == 2


def test_only_a_beheerder_sees_incidents(orchestrator, failing, users):
    with pytest.raises(NotFound):
        orchestrator.incidents(users.analist)
    with pytest.raises(NotFound):
        orchestrator.resolve_incident(users.procesbeheerder, 1)
