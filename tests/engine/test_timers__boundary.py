"""Boundary and intermediate timers fire through the clock's pass (invariant 5).

``tests/data/timer-grens``: the analist's task 'Behandelen' carries a non-interrupting
timer (after an hour a reminder task opens beside it) and an interrupting one (after a
day the task lapses and the process goes on along the timer's path).
``tests/data/timer-wachten``: start → wait an hour → a choice on ``minderjarige``.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.errors import Conflict
from engine.store.schema import human_task
from tests.db_views import audit_events, instance_timers
from tests.engine.route_actions import TEST_DATA, small_intake

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def grens(orchestrator):
    orchestrator.deploy_folder(TEST_DATA / "timer-grens")


@pytest.fixture
def wachten(orchestrator):
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")


def timers_of(route, instance_id: int) -> dict[str, object]:
    """The instance's timer rows by BPMN id (one each in these processes)."""
    rows = instance_timers(route, instance_id)
    by_id = {row.bpmn_id: row for row in rows}
    assert len(by_id) == len(rows)
    return by_id


def tasks_of(route, instance_id: int) -> dict[str, object]:
    with route.orchestrator.db.read() as conn:
        rows = conn.execute(select(human_task).where(human_task.c.instance_id == instance_id)).all()
    by_id = {row.bpmn_id: row for row in rows}
    assert len(by_id) == len(rows)
    return by_id


def fired_events(route, instance_id: int) -> list:
    return audit_events(route, "timer_afgevuurd", instance_id=instance_id)


def test_a_boundary_timer_is_a_row_linked_to_its_task(route, grens, clock):
    reported = clock.now()
    started = route.report(small_intake(), proces="timer-grens")

    timers = timers_of(route, started.instance_id)
    task = tasks_of(route, started.instance_id)["task_behandelen"]
    assert set(timers) == {"herinnering_behandelen", "verlopen_behandelen"}
    assert {t.status for t in timers.values()} == {"wachtend"}
    assert {t.human_task_id for t in timers.values()} == {task.id}
    assert as_utc(timers["herinnering_behandelen"].due_at) == reported + HOUR
    assert as_utc(timers["verlopen_behandelen"].due_at) == reported + DAY
    assert as_utc(timers["herinnering_behandelen"].attempt_at) == reported + HOUR
    assert (timers["herinnering_behandelen"].naam, timers["herinnering_behandelen"].actie) == ("Herinnering na een uur", None)
    assert task.due_at is None  # neither timer is an escalation, and the task has no deadline property


def test_a_pass_before_the_due_time_fires_nothing_and_writes_nothing(route, grens, clock):
    started = route.report(small_intake(), proces="timer-grens")
    version = route.instance(started.instance_id).version

    clock.advance(HOUR - dt.timedelta(seconds=1))
    assert route.orchestrator.fire_due_timers() == []

    assert route.instance(started.instance_id).version == version
    assert {t.status for t in timers_of(route, started.instance_id).values()} == {"wachtend"}


def test_a_non_interrupting_timer_runs_its_path_and_the_task_stays_open(route, grens, clock):
    started = route.report(small_intake(), proces="timer-grens")
    task_id = route.open_task(started.signal_id, "task_behandelen").id
    route.orchestrator.claim(route.users.analist, task_id)

    now = clock.advance(HOUR + dt.timedelta(minutes=1))
    fired = route.orchestrator.fire_due_timers()

    timers = timers_of(route, started.instance_id)
    assert [(f.timer_id, f.instance_id, f.fired_at) for f in fired] == [
        (timers["herinnering_behandelen"].id, started.instance_id, now)]
    assert fired[0].due_at == as_utc(timers["herinnering_behandelen"].due_at)
    tasks = tasks_of(route, started.instance_id)
    assert (tasks["task_behandelen"].status, tasks["task_behandelen"].toegewezen_aan) == ("open", route.users.analist.id)
    assert tasks["task_herinnering"].status == "open"
    assert as_utc(tasks["task_herinnering"].created_at) == now
    assert (timers["herinnering_behandelen"].status, timers["herinnering_behandelen"].afgevuurd) == ("afgevuurd", 1)
    assert as_utc(timers["herinnering_behandelen"].fired_at) == now
    assert timers["verlopen_behandelen"].status == "wachtend"
    assert route.signal_row(started.signal_id).status == "lopend"
    assert [e.detail["timer_id"] for e in fired_events(route, started.instance_id)] == [timers["herinnering_behandelen"].id]

    # the reminder's path and the task itself both still work
    route.orchestrator.complete_task(route.users.aandachtsfunctionaris, tasks["task_herinnering"].id, {"gezien": True})
    outcome = route.orchestrator.complete_task(route.users.analist, task_id, {"gezien": True})
    assert (outcome.status, outcome.uitkomst) == ("afgerond", "Behandeld")
    assert timers_of(route, started.instance_id)["verlopen_behandelen"].status == "vervallen"


def test_an_interrupting_timer_cancels_the_task_and_the_process_takes_the_timer_path(route, grens, clock):
    started = route.report(small_intake(), proces="timer-grens")
    clock.advance(2 * HOUR)
    assert len(route.orchestrator.fire_due_timers()) == 1  # the reminder
    version = route.instance(started.instance_id).version

    now = clock.advance(DAY)
    fired = route.orchestrator.fire_due_timers()

    timers = timers_of(route, started.instance_id)
    assert [f.timer_id for f in fired] == [timers["verlopen_behandelen"].id]
    tasks = tasks_of(route, started.instance_id)
    assert tasks["task_behandelen"].status == "vervallen"
    assert as_utc(tasks["task_behandelen"].completed_at) == now and tasks["task_behandelen"].completed_by is None
    assert tasks["task_na_verloop"].status == "open"
    assert tasks["task_herinnering"].status == "open"  # the reminder's own path is not the task's to cancel
    assert {t.status for t in timers.values()} == {"afgevuurd"}
    assert route.instance(started.instance_id).version == version + 1
    assert route.signal_row(started.signal_id).status == "lopend"

    outcome = route.orchestrator.complete_task(route.users.aandachtsfunctionaris, tasks["task_na_verloop"].id,
                                               {"gezien": True})
    assert outcome.status == "lopend"  # the reminder is still open
    outcome = route.orchestrator.complete_task(route.users.aandachtsfunctionaris, tasks["task_herinnering"].id,
                                               {"gezien": True})
    assert outcome.status == "afgerond"
    assert route.orchestrator.fire_due_timers() == []


def test_a_lapsed_task_can_no_longer_be_completed(route, grens, clock):
    started = route.report(small_intake(), proces="timer-grens")
    task_id = route.open_task(started.signal_id, "task_behandelen").id
    clock.advance(DAY + HOUR)
    route.orchestrator.fire_due_timers()

    with pytest.raises(Conflict, match="vervallen"):
        route.orchestrator.complete_task(route.users.analist, task_id, {"gezien": True})


def test_both_timers_due_in_one_pass_each_fire_once(route, grens, clock):
    """Nothing ran while both came due: one pass handles the instance; every row ends fired or cancelled once."""
    started = route.report(small_intake(), proces="timer-grens")

    clock.advance(3 * DAY)
    fired = route.orchestrator.fire_due_timers()

    timers = timers_of(route, started.instance_id)
    tasks = tasks_of(route, started.instance_id)
    assert tasks["task_behandelen"].status == "vervallen"
    assert tasks["task_na_verloop"].status == "open"
    assert timers["verlopen_behandelen"].status == "afgevuurd"
    assert {t.status for t in timers.values()} <= {"afgevuurd", "vervallen"}
    fired_rows = sorted(t.id for t in timers.values() if t.status == "afgevuurd")
    assert sorted(f.timer_id for f in fired) == fired_rows
    assert sorted(e.detail["timer_id"] for e in fired_events(route, started.instance_id)) == fired_rows
    assert all(t.afgevuurd == (1 if t.status == "afgevuurd" else 0) for t in timers.values())
    assert route.orchestrator.fire_due_timers() == []


def test_completing_the_task_first_cancels_its_timers(route, grens, clock):
    started = route.report(small_intake(), proces="timer-grens")
    task_id = route.open_task(started.signal_id, "task_behandelen").id
    clock.advance(dt.timedelta(minutes=30))

    outcome = route.orchestrator.complete_task(route.users.analist, task_id, {"gezien": True})

    assert (outcome.status, outcome.uitkomst) == ("afgerond", "Behandeld")
    timers = timers_of(route, started.instance_id)
    assert {(t.status, t.afgevuurd, t.fired_at) for t in timers.values()} == {("vervallen", 0, None)}
    version = route.instance(started.instance_id).version
    for days in (1, 30):
        clock.advance(dt.timedelta(days=days))
        assert route.orchestrator.fire_due_timers() == []
    assert route.instance(started.instance_id).version == version
    assert fired_events(route, started.instance_id) == []
    assert set(tasks_of(route, started.instance_id)) == {"task_behandelen"}


def test_an_intermediate_timer_holds_the_process_until_it_fires(route, wachten, clock):
    reported = clock.now()
    started = route.report(small_intake(minderjarige="ja"), proces="timer-wachten")

    assert (started.status, started.nieuwe_taken) == ("lopend", [])
    (row,) = timers_of(route, started.instance_id).values()
    assert (row.bpmn_id, row.naam, row.human_task_id, row.status) == ("timer_wachten_uur", "Een uur wachten", None, "wachtend")
    assert as_utc(row.due_at) == reported + HOUR
    assert route.orchestrator.fire_due_timers() == []

    now = clock.advance(HOUR + dt.timedelta(seconds=1))
    fired = route.orchestrator.fire_due_timers()

    assert [f.timer_id for f in fired] == [row.id]
    task = route.open_task(started.signal_id, "task_na_wachten")
    assert as_utc(task.created_at) == now
    row = timers_of(route, started.instance_id)["timer_wachten_uur"]
    assert (row.status, row.afgevuurd, as_utc(row.fired_at)) == ("afgevuurd", 1, now)
    (event,) = fired_events(route, started.instance_id)
    assert event.detail == {"timer_id": row.id, "stap": "Een uur wachten", "timer_actie": None,
                            "gepland": "2026-01-05T10:00:00Z"}
    assert route.orchestrator.fire_due_timers() == []
    outcome = route.orchestrator.complete_task(route.users.analist, task.id, {"gezien": True})
    assert (outcome.status, outcome.uitkomst) == ("afgerond", "Afgehandeld na het wachten")


def test_an_intermediate_timer_can_lead_straight_to_the_end(route, wachten, clock):
    started = route.report(small_intake(minderjarige="nee"), proces="timer-wachten")

    clock.advance(2 * HOUR)
    assert len(route.orchestrator.fire_due_timers()) == 1

    row = route.signal_row(started.signal_id)
    assert (row.status, row.uitkomst, as_utc(row.closed_at)) == ("afgerond", "Direct afgerond na het wachten", clock.now())
    assert route.instance(started.instance_id).status == "afgerond"
    assert route.open_tasks(started.signal_id) == []


def test_a_users_command_after_the_due_time_fires_what_is_due_once(route, grens, clock):
    """Every command runs the engine, and SpiffWorkflow refreshes timers at the end of its steps:
    a timer that came due before any pass ran fires in that command, recorded like a pass would."""
    started = route.report(small_intake(), proces="timer-grens")
    clock.advance(2 * HOUR)
    route.orchestrator.fire_due_timers()  # the reminder opens
    herinnering = tasks_of(route, started.instance_id)["task_herinnering"]
    now = clock.advance(DAY)  # the task's day has passed; no pass has run since

    outcome = route.orchestrator.complete_task(route.users.aandachtsfunctionaris, herinnering.id, {"gezien": True})

    assert [t["bpmn_id"] for t in outcome.nieuwe_taken] == ["task_na_verloop"]
    tasks = tasks_of(route, started.instance_id)
    assert (tasks["task_behandelen"].status, as_utc(tasks["task_behandelen"].completed_at)) == ("vervallen", now)
    timers = timers_of(route, started.instance_id)
    assert (timers["verlopen_behandelen"].status, timers["verlopen_behandelen"].afgevuurd) == ("afgevuurd", 1)
    assert as_utc(timers["verlopen_behandelen"].fired_at) == now
    assert route.orchestrator.fire_due_timers() == []
    assert sorted(e.detail["timer_id"] for e in fired_events(route, started.instance_id)) == sorted(
        t.id for t in timers.values())
