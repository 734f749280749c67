"""Many worker processes on one PostgreSQL database never fire a timer twice (invariant 5),
and a worker killed mid-pass leaves nothing half-done: the next pass fires the rest.

One instance of ``tests/data/timer-wachten`` (start → wait an hour → end) is created
through the orchestrator and then cloned in SQL — process_instance, signal and timer
rows — to reach the thousands: the state is identical, only the ids differ. Workers are
separate Python processes, each with its own Orchestrator on the same database URL and a
fixed clock after the due time, calling ``fire_due_timers`` until a pass fires nothing.
"""
from __future__ import annotations

import collections
import datetime as dt
import signal as os_signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text

from engine.store.schema import incident, process_instance, timer
from engine.store.schema import signal as signal_table
from tests.db_views import audit_details
from tests.engine.route_actions import ROOT, TEST_DATA

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

WORKER = """
import datetime as dt, sys
from engine.clock import FixedClock
from engine.store.db import Database, make_engine
from engine.service.orchestrator import Orchestrator

url, now, limit = sys.argv[1], dt.datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
orchestrator = Orchestrator(Database(make_engine(url, pool_size=1, max_overflow=1)), FixedClock(now))
total = 0
while True:
    fired = orchestrator.fire_due_timers(limit=limit)
    total += len(fired)
    if not fired:
        break
orchestrator.db.dispose()
print(total, flush=True)
"""

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "indicatoren": ["onderbetaling"]}


def clone_instances(orchestrator, source_id: int, copies: int) -> None:
    """``copies`` more instances exactly like ``source_id``, each with its signal and timer rows."""
    timer_columns = [c.name for c in timer.columns if c.name not in ("id", "instance_id")]
    signal_columns = [c.name for c in signal_table.columns if c.name not in ("id", "instance_id", "referentie")]
    with orchestrator.db.write() as conn:
        conn.execute(text(
            "INSERT INTO process_instance (definition_id, version, status, state, created_at, updated_at, completed_at) "
            "SELECT definition_id, version, status, state, created_at, updated_at, completed_at "
            "FROM process_instance, generate_series(1, :copies) WHERE id = :source"), {"copies": copies, "source": source_id})
        conn.execute(text(
            f"INSERT INTO timer (instance_id, {', '.join(timer_columns)}) "
            f"SELECT p.id, {', '.join('t.' + c for c in timer_columns)} "
            "FROM timer t JOIN process_instance p ON p.id <> t.instance_id WHERE t.instance_id = :source"),
            {"source": source_id})
        conn.execute(text(
            f"INSERT INTO signal (instance_id, referentie, {', '.join(signal_columns)}) "
            f"SELECT p.id, 'MH-KLOON-' || p.id, {', '.join('s.' + c for c in signal_columns)} "
            "FROM signal s JOIN process_instance p ON p.id <> s.instance_id WHERE s.instance_id = :source"),
            {"source": source_id})


@pytest.fixture
def many_waiting(orchestrator, users, clock):
    """A factory: ``n`` instances waiting on a timer that is due an hour after the clock's start."""
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")

    def make(n: int):
        started = orchestrator.report_signal(users.melder, INTAKE, proces="timer-wachten")
        clone_instances(orchestrator, started.instance_id, n - 1)
        with orchestrator.db.read() as conn:
            assert conn.execute(select(func.count()).select_from(timer).where(timer.c.status == "wachtend")).scalar_one() == n
        return clock.now() + dt.timedelta(hours=2)  # when the workers run

    return make


def start_worker(db_url: str, now: dt.datetime, limit: int = 500) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, db_url, now.isoformat(), str(limit)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def fired_count(orchestrator) -> int:
    with orchestrator.db.read() as conn:
        return conn.execute(select(func.count()).select_from(timer).where(timer.c.status == "afgevuurd")).scalar_one()


def assert_each_fired_exactly_once(orchestrator, n: int) -> None:
    with orchestrator.db.read() as conn:
        rows = conn.execute(select(timer.c.id, timer.c.status, timer.c.afgevuurd, timer.c.pogingen)).all()
        events = collections.Counter(detail["timer_id"] for detail in audit_details(orchestrator, "timer_afgevuurd"))
        statuses = dict(conn.execute(select(process_instance.c.status, func.count()).group_by(process_instance.c.status)).all())
        signals = dict(conn.execute(select(signal_table.c.status, func.count()).group_by(signal_table.c.status)).all())
        incidents = conn.execute(select(func.count()).select_from(incident)).scalar_one()
    assert len(rows) == n
    assert collections.Counter((r.status, r.afgevuurd, r.pogingen) for r in rows) == {("afgevuurd", 1, 0): n}
    assert events == {r.id: 1 for r in rows}
    assert statuses == {"afgerond": n}
    assert signals == {"afgerond": n}
    assert incidents == 0


def test_four_worker_processes_fire_two_thousand_timers_each_exactly_once(orchestrator, many_waiting, db_url):
    n = 2000
    now = many_waiting(n)

    # Passes of 50: a pass's claim excludes the instances it handled with NOT IN (…), a new
    # statement each time that grows with the pass, so passes of 500 take about 2.5 times as long here.
    workers = [start_worker(db_url, now, limit=50) for _ in range(4)]
    outputs = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            outputs.append(out.split())
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()

    totals = [int(out[-1]) for out in outputs]
    assert sum(totals) == n, totals
    assert_each_fired_exactly_once(orchestrator, n)
    assert orchestrator.fire_due_timers() == []


def test_a_worker_killed_mid_pass_leaves_its_timers_to_the_next_pass(orchestrator, many_waiting, db_url, clock):
    n = 200
    now = many_waiting(n)
    worker = start_worker(db_url, now, limit=10)
    try:
        deadline = time.monotonic() + 60
        while fired_count(orchestrator) < 20:
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, "the worker fired nothing within 60 s"
            time.sleep(0.01)
    finally:
        worker.send_signal(os_signal.SIGKILL)
        worker.communicate(timeout=30)
    assert worker.returncode == -os_signal.SIGKILL
    killed_at = fired_count(orchestrator)
    assert killed_at < n, "the worker finished before it could be killed"

    clock.set(now)
    deadline = time.monotonic() + 30  # the killed backend's locks go when PostgreSQL notices the closed socket
    while fired_count(orchestrator) < n and time.monotonic() < deadline:
        if not orchestrator.fire_due_timers(limit=n):
            time.sleep(0.05)

    assert_each_fired_exactly_once(orchestrator, n)
