"""A timer whose path fails at runtime becomes an incident, is retried with back-off,
and does not stop the pass for other instances.

``tests/data/timer-wachten`` waits an hour and then chooses on ``minderjarige``:
'onbekend' matches no outgoing flow of the gateway; 'nee' with no indicators divides by
zero in the (sandboxed) score script; 'nee' with indicators and 'ja' run fine.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.store.schema import incident
from tests.db_views import audit_events, instance_timers
from tests.engine.route_actions import TEST_DATA, small_intake

HOUR = dt.timedelta(hours=1)

BROKEN = {
    "gateway": ({"minderjarige": "onbekend", "indicatoren": ["onderbetaling"]}, "gw_minderjarige",
                "No conditions satisfied"),
    "script": ({"minderjarige": "nee", "indicatoren": []}, "script_score", "ZeroDivisionError"),
}


@pytest.fixture
def wachten(orchestrator):
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")


def timer_of(route, instance_id: int):
    [row] = instance_timers(route, instance_id)
    return row


def incidents_of(route, instance_id: int) -> list:
    with route.orchestrator.db.read() as conn:
        return conn.execute(select(incident).where(incident.c.instance_id == instance_id).order_by(incident.c.id)).all()


def fired_events(route, instance_id: int) -> list:
    return audit_events(route, "timer_afgevuurd", instance_id=instance_id)


@pytest.fixture(params=sorted(BROKEN))
def broken(request, route, wachten, clock):
    """One instance whose timer path fails, reported a minute before two healthy ones (so it is claimed first)."""
    data, element, message = BROKEN[request.param]
    bad = route.report(small_intake(**data), proces="timer-wachten")
    clock.advance(dt.timedelta(minutes=1))
    good = [route.report(small_intake(minderjarige="nee"), proces="timer-wachten"),
            route.report(small_intake(minderjarige="ja"), proces="timer-wachten")]
    return bad, good, element, message


def test_a_failing_timer_becomes_an_incident_and_the_pass_goes_on(route, broken, clock, caplog):
    bad, good, _element, message = broken
    bad_timer = timer_of(route, bad.instance_id)
    version = route.instance(bad.instance_id).version

    now = clock.advance(2 * HOUR)
    fired = route.orchestrator.fire_due_timers()  # does not raise

    assert sorted(f.instance_id for f in fired) == sorted(g.instance_id for g in good)
    assert route.signal_row(good[0].signal_id).status == "afgerond"
    assert route.open_task(good[1].signal_id, "task_na_wachten")
    row = timer_of(route, bad.instance_id)
    assert (row.status, row.pogingen, row.afgevuurd, row.fired_at) == ("wachtend", 1, 0, None)
    assert message in row.fout
    assert as_utc(row.due_at) == as_utc(bad_timer.due_at)
    assert as_utc(row.attempt_at) == now + dt.timedelta(seconds=30)
    (entry,) = incidents_of(route, bad.instance_id)
    assert (entry.timer_id, entry.pogingen, as_utc(entry.created_at), entry.resolved_at) == (row.id, 1, now, None)
    assert message in entry.fout
    # the failed attempt changed nothing of the instance itself
    assert route.instance(bad.instance_id).version == version
    assert route.signal_row(bad.signal_id).status == "lopend"
    assert fired_events(route, bad.instance_id) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(str(row.id) in text for text in warnings)
    # the error text may quote process data: it is in the incident, not in the log
    assert not any(message in text or row.fout in text for text in warnings)


def test_the_incident_names_the_failing_element(route, broken, clock):
    bad, _good, element, _message = broken
    clock.advance(2 * HOUR)
    route.orchestrator.fire_due_timers()

    (entry,) = incidents_of(route, bad.instance_id)
    assert entry.element_id == element
    assert element in entry.fout and "'None'" not in entry.fout


def test_a_failed_timer_is_retried_after_its_back_off(route, broken, clock):
    bad, _good, _element, message = broken
    clock.advance(2 * HOUR)
    route.orchestrator.fire_due_timers()

    clock.advance(dt.timedelta(seconds=29))
    assert route.orchestrator.fire_due_timers() == []
    assert timer_of(route, bad.instance_id).pogingen == 1

    clock.advance(dt.timedelta(seconds=1))
    assert route.orchestrator.fire_due_timers() == []  # at the attempt time itself: not yet (strictly after)
    assert timer_of(route, bad.instance_id).pogingen == 1
    now = clock.advance(dt.timedelta(seconds=1))
    assert route.orchestrator.fire_due_timers() == []  # tried again, failed again

    row = timer_of(route, bad.instance_id)
    assert (row.status, row.pogingen) == ("wachtend", 2)
    assert as_utc(row.attempt_at) == now + dt.timedelta(seconds=60)
    assert [(i.pogingen, i.timer_id) for i in incidents_of(route, bad.instance_id)] == [(1, row.id), (2, row.id)]
    assert message in incidents_of(route, bad.instance_id)[-1].fout


def test_the_back_off_doubles_up_to_an_hour(route, wachten, clock):
    bad = route.report(small_intake(minderjarige="onbekend"), proces="timer-wachten")
    clock.advance(2 * HOUR)
    waits = []
    for _ in range(9):
        route.orchestrator.fire_due_timers()
        row = timer_of(route, bad.instance_id)
        waits.append(int((as_utc(row.attempt_at) - clock.now()).total_seconds()))
        clock.set(as_utc(row.attempt_at) + dt.timedelta(seconds=1))  # timers fire once their time has passed
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert timer_of(route, bad.instance_id).pogingen == 9
    assert len(incidents_of(route, bad.instance_id)) == 9
