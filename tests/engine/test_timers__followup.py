"""Follow-up cycles: while a regie task is open, the aandachtsfunctionaris gets a
'Terugkoppeling regie' task every 14 days (``terugkoppeling_*``, ``"R/P14D"``); closing
the case stops the cycle and lapses what is still open."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.store.schema import human_task
from tests.db_views import instance_timers
from tests.engine.route_actions import REGIE, VERRIJKT, beoordeeld

DAY = dt.timedelta(days=1)


def follow_ups(route, instance_id: int) -> list:
    with route.orchestrator.db.read() as conn:
        return conn.execute(
            select(human_task).where(human_task.c.instance_id == instance_id, human_task.c.bpmn_id == "task_terugkoppeling")
            .order_by(human_task.c.id)
        ).all()


@pytest.fixture
def at_riec(route, intake, clock):
    """A signal routed to the RIEC; its regie task opened at the clock's time."""
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(aanleiding=True, ondermijnend=True))
    regie = route.open_task(started.signal_id, "task_regie_riec")
    return started, regie, clock.now()


def test_the_cycle_waits_fourteen_days_from_the_regie_task(route, at_riec):
    started, regie, opened = at_riec
    rows = {r.bpmn_id: r for r in instance_timers(route, started.instance_id) if r.status == "wachtend"}
    assert set(rows) == {"terugkoppeling_riec", "deadline_regie_riec"}
    assert (rows["terugkoppeling_riec"].actie, rows["terugkoppeling_riec"].human_task_id) == ("terugkoppeling", regie.id)
    assert as_utc(rows["terugkoppeling_riec"].due_at) == opened + 14 * DAY
    assert as_utc(rows["deadline_regie_riec"].due_at) == opened + 90 * DAY == as_utc(regie.due_at)


def test_follow_ups_every_fourteen_days_until_the_case_is_closed(route, users, at_riec, clock):
    started, regie, opened = at_riec
    cycle_id = next(r.id for r in instance_timers(route, started.instance_id) if r.bpmn_id == "terugkoppeling_riec")

    clock.advance(13 * DAY)
    assert route.orchestrator.fire_due_timers() == []

    first_at = clock.advance(2 * DAY)  # day 15
    fired = route.orchestrator.fire_due_timers()
    assert [f.timer_id for f in fired] == [cycle_id]
    (first,) = follow_ups(route, started.instance_id)
    assert (first.naam, first.rol, first.status, first.signal_id) == (
        "Terugkoppeling regie", "aandachtsfunctionaris", "open", started.signal_id)
    assert as_utc(first.created_at) == first_at and as_utc(first.due_at) == first_at + 5 * DAY
    cycle = next(r for r in instance_timers(route, started.instance_id) if r.id == cycle_id)
    assert (cycle.status, cycle.afgevuurd, as_utc(cycle.due_at)) == ("wachtend", 1, opened + 28 * DAY)
    assert route.orchestrator.fire_due_timers() == []
    assert first.id in [t["id"] for t in route.orchestrator.inbox(users.aandachtsfunctionaris)["taken"]]

    clock.advance(14 * DAY)  # day 29: the second occurrence, and the first follow-up's own deadline (day 20)
    fired = route.orchestrator.fire_due_timers()
    by_bpmn = {r.id: r.bpmn_id for r in instance_timers(route, started.instance_id)}
    assert sorted(by_bpmn[f.timer_id] for f in fired) == ["deadline_terugkoppeling", "terugkoppeling_riec"]
    first_again, second = follow_ups(route, started.instance_id)
    assert (first_again.id, first_again.status, second.status) == (first.id, "open", "open")
    assert first_again.escalated_at is not None and second.escalated_at is None
    cycle = next(r for r in instance_timers(route, started.instance_id) if r.id == cycle_id)
    assert (cycle.afgevuurd, as_utc(cycle.due_at)) == (2, opened + 42 * DAY)
    assert route.orchestrator.fire_due_timers() == []

    # a follow-up done in time is simply done
    route.orchestrator.complete_task(users.aandachtsfunctionaris, second.id, {"voortgang": "Intake gepland."})

    outcome = route.orchestrator.complete_task(users.riec, regie.id, REGIE)

    assert (outcome.status, outcome.uitkomst) == ("afgerond", "RIEC-casus gestart")
    assert route.signal_row(started.signal_id).status == "afgerond"
    assert [t.status for t in follow_ups(route, started.instance_id)] == ["vervallen", "voltooid"]
    rows = instance_timers(route, started.instance_id)
    assert [r for r in rows if r.status == "wachtend"] == []
    assert next(r for r in rows if r.id == cycle_id).status == "vervallen"
    assert route.instance(started.instance_id).status == "afgerond"
    version = route.instance(started.instance_id).version
    for days in (14, 100):
        clock.advance(days * DAY)
        assert route.orchestrator.fire_due_timers() == []
    assert route.instance(started.instance_id).version == version
    assert len(follow_ups(route, started.instance_id)) == 2


def test_a_follow_up_completed_is_not_asked_again_until_the_next_occurrence(route, users, at_riec, clock):
    started, _regie, _opened = at_riec
    clock.advance(15 * DAY)
    route.orchestrator.fire_due_timers()
    (first,) = follow_ups(route, started.instance_id)

    route.orchestrator.complete_task(users.aandachtsfunctionaris, first.id, {"voortgang": "Loopt.", "contact_met_regie": True})

    assert route.signal_row(started.signal_id).status == "lopend"
    open_names = [t.bpmn_id for t in route.open_tasks(started.signal_id)]
    assert open_names == ["task_regie_riec"]
    deadline = [r for r in instance_timers(route, started.instance_id) if r.bpmn_id == "deadline_terugkoppeling"]
    assert [r.status for r in deadline] == ["vervallen"]
    clock.advance(5 * DAY)  # before day 28
    assert route.orchestrator.fire_due_timers() == []
    clock.advance(10 * DAY)
    assert len(route.orchestrator.fire_due_timers()) == 1
    assert [t.status for t in follow_ups(route, started.instance_id)] == ["voltooid", "open"]
