"""The clock that runs the passes (``engine/service/scheduler.py``) and time as timers see it (invariant 8).

The scheduler tests run in real time but wait by polling with a bound, and assert
nothing about speed.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from sqlalchemy import select

from engine.clock import UTC, as_utc
from engine.service.scheduler import Clock
from engine.store.schema import human_task, process_instance, timer
from tests.db_views import instance_timers
from tests.engine.route_actions import VERRIJKT, beoordeeld, start_worker, stop_worker

DAY = dt.timedelta(days=1)
CET = dt.timezone(dt.timedelta(hours=1))


def timer_rows(orchestrator, instance_id: int) -> dict[str, object]:
    return {r.bpmn_id: r for r in instance_timers(orchestrator, instance_id)}


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def the_clock(orchestrator):
    clocks = []

    def make(interval: float = 0.05) -> Clock:
        clocks.append(Clock(orchestrator, interval=interval))
        return clocks[-1]

    yield make
    for c in clocks:
        c.stop()


# --- the scheduler -------------------------------------------------------------------------

def test_the_clock_fires_a_due_timer_and_stops(orchestrator, route, intake, clock, the_clock):
    first = route.report(intake())
    clock.advance(6 * DAY)
    ticker = the_clock()

    assert ticker.start() is True
    assert ticker.start() is False  # never twice in one process
    assert ticker.running

    def escalated(instance_id):
        return lambda: timer_rows(orchestrator, instance_id)["deadline_verrijken"].status == "afgevuurd"

    assert wait_until(escalated(first.instance_id)), "the clock did not fire a due timer within 5 s"
    assert wait_until(lambda: ticker.last_pass_at is not None)
    ticker.stop()
    assert not ticker.running

    second = route.report(intake())
    clock.advance(6 * DAY)
    time.sleep(0.25)  # five intervals: a running clock would have fired it
    assert timer_rows(orchestrator, second.instance_id)["deadline_verrijken"].status == "wachtend"

    assert ticker.start() is True  # a stopped clock can start again; its first pass runs at once
    assert wait_until(escalated(second.instance_id))
    ticker.stop()
    assert route.count(human_task) == 2
    assert len(route.audit(first.signal_id, "timer_afgevuurd")) == 1


def test_the_clock_does_not_start_in_the_debug_reloaders_watcher(orchestrator, the_clock, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    ticker = the_clock()
    assert ticker.start() is False
    assert not ticker.running

    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the reloader's child: the serving process
    assert ticker.start() is True
    assert ticker.running


def test_a_failing_pass_is_logged_and_the_clock_keeps_ticking(orchestrator, the_clock, monkeypatch, caplog):
    calls = []

    def broken(limit=None):
        calls.append(1)
        raise RuntimeError("database weg")

    monkeypatch.setattr(orchestrator, "fire_due_timers", broken)
    ticker = the_clock()
    with caplog.at_level(logging.ERROR, logger="engine.service.scheduler"):
        assert ticker.run_pass() == 0
        assert ticker.start() is True
        assert wait_until(lambda: len(calls) >= 3), "the clock stopped after a failing pass"
    ticker.stop()
    assert any("timer pass failed" in r.getMessage() for r in caplog.records)


def test_run_pass_counts_what_fired(orchestrator, route, intake, clock, the_clock):
    for _ in range(2):
        route.report(intake())
    clock.advance(6 * DAY)
    ticker = the_clock()
    assert ticker.run_pass() == 2
    assert ticker.last_fired == 2
    assert ticker.run_pass() == 0


# --- time ------------------------------------------------------------------------------------

@pytest.mark.parametrize("when", [
    dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=CET),  # the night the Netherlands go to summer time
    dt.datetime(2026, 10, 24, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
], ids=["dst-night-cet", "end-of-day", "round"])
def test_due_times_are_utc_and_exactly_the_commands_time_plus_the_duration(orchestrator, route, users, intake,
                                                                           clock, when):
    clock.set(when)
    reported = clock.now()
    started = route.report(intake())
    rows = timer_rows(orchestrator, started.instance_id)
    task = route.open_task(started.signal_id, "task_verrijken")
    assert as_utc(rows["deadline_verrijken"].due_at) == reported + 5 * DAY == as_utc(task.due_at)
    assert reported.tzinfo is UTC and as_utc(rows["deadline_verrijken"].due_at).utcoffset() == dt.timedelta(0)

    later = clock.advance(dt.timedelta(hours=7, microseconds=3))
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(ondermijnend=True))
    rows = timer_rows(orchestrator, started.instance_id)
    assert as_utc(rows["deadline_regie_riec"].due_at) == later + 90 * DAY
    assert as_utc(rows["terugkoppeling_riec"].due_at) == later + 14 * DAY
    assert as_utc(rows["deadline_verrijken"].due_at) == reported + 5 * DAY  # a cancelled row keeps its time
    assert route.orchestrator.task(users.analist, task.id)["deadline"] == (
        (reported + 5 * DAY).isoformat().replace("+00:00", "Z"))


def test_timestamps_are_stored_as_utc(orchestrator, route, intake, clock, db_url):
    """On PostgreSQL the columns are timestamptz; on SQLite the text is the UTC wall time."""
    clock.set(dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    started = route.report(intake())
    with orchestrator.db.read() as conn:
        if db_url.startswith("sqlite"):
            raw = conn.exec_driver_sql("SELECT due_at, attempt_at, created_at FROM timer WHERE instance_id = ?",
                                       (started.instance_id,)).one()
            assert [str(v)[:19] for v in raw] == ["2026-06-06 12:00:00", "2026-06-06 12:00:00", "2026-06-01 12:00:00"]
        else:
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'Europe/Amsterdam'")
            raw = conn.execute(select(timer.c.due_at).where(timer.c.instance_id == started.instance_id)).scalar_one()
            assert raw.utcoffset() == dt.timedelta(hours=2)  # the session's zone on the way out …
            assert as_utc(raw) == dt.datetime(2026, 6, 6, 12, 0, tzinfo=UTC)  # … of the same instant


def test_at_exactly_the_due_time_a_pass_fires_nothing_and_writes_nothing(orchestrator, route, intake, clock):
    started = route.report(intake())
    due = as_utc(timer_rows(orchestrator, started.instance_id)["deadline_verrijken"].due_at)
    with orchestrator.db.read() as conn:
        version = conn.execute(select(process_instance.c.version)
                               .where(process_instance.c.id == started.instance_id)).scalar_one()

    clock.set(due)
    results = [orchestrator.fire_due_timers() for _ in range(3)]

    with orchestrator.db.read() as conn:
        after = conn.execute(select(process_instance.c.version)
                             .where(process_instance.c.id == started.instance_id)).scalar_one()
    assert results == [[], [], []]
    assert after == version


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_worker_command_fires_due_timers_until_sigterm(orchestrator, route, intake, clock, db_url):
    """``signaalroute worker`` in its own process, on the real clock: a deadline that passed
    yesterday fires on its first pass; SIGTERM stops it cleanly."""
    real_now = dt.datetime.now(UTC)
    clock.set(real_now - 6 * DAY)
    started = route.report(intake())
    worker = start_worker(db_url, "--interval", "0.1")
    try:
        fired = wait_until(
            lambda: timer_rows(orchestrator, started.instance_id)["deadline_verrijken"].status == "afgevuurd", 30)
        assert fired, "the worker did not fire a timer that was due a day ago"
    finally:
        err = stop_worker(worker)
    assert worker.returncode == 0, err
    assert "timerronde" in err
    row = timer_rows(orchestrator, started.instance_id)["deadline_verrijken"]
    assert real_now <= as_utc(row.fired_at) <= dt.datetime.now(UTC)
    assert route.open_task(started.signal_id, "task_verrijken").escalated_at is not None
