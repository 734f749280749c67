"""A ``signaalroute worker`` process stopped during a timer pass: killed outright (SIGKILL) or
stopped gracefully (SIGTERM, as systemd stops it). Either way every timer fires exactly once.

Extends ``tests/engine/test_timers__workers.py`` (which kills a bare ``fire_due_timers``
loop) to the real worker command: its APScheduler clock, the system clock, its shutdown.
Instances of ``tests/data/timer-wachten`` (wait an hour) are started with a clock two hours
back, so their timers are due when the worker starts, and cloned in SQL to the thousands.
"""
from __future__ import annotations

import datetime as dt
import re
import signal as os_signal

import pytest
from sqlalchemy import func, select, text

from engine.clock import FixedClock
from engine.service.scheduler import PASS_LIMIT
from engine.store.schema import audit_event, timer
from engine.store.schema import signal as signal_table
from tests.ops.ops_actions import ROOT, orchestrator_for, start_worker, violations, wait_until
from tests.people import PEOPLE

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("private-postgres")]

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "indicatoren": ["onderbetaling"]}


def due_instances(url: str, n: int) -> None:
    """``n`` instances whose one timer came due an hour ago (one started, the rest SQL clones)."""
    orch = orchestrator_for(url, FixedClock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
    try:
        orch.deploy_folder(ROOT / "tests" / "data" / "timer-wachten")
        with orch.db.write() as conn:
            melder = PEOPLE["melder"].add(conn, orch.clock.now())
        source = orch.report_signal(orch.actor(melder), INTAKE, proces="timer-wachten").instance_id
        timer_columns = [c.name for c in timer.columns if c.name not in ("id", "instance_id")]
        signal_columns = [c.name for c in signal_table.columns if c.name not in ("id", "instance_id", "referentie")]
        with orch.db.write() as conn:
            conn.execute(text(
                "INSERT INTO process_instance (definition_id, version, status, state, created_at, updated_at) "
                "SELECT definition_id, version, status, state, created_at, updated_at "
                "FROM process_instance, generate_series(2, :n) WHERE id = :source"), {"n": n, "source": source})
            conn.execute(text(
                f"INSERT INTO timer (instance_id, {', '.join(timer_columns)}) "
                f"SELECT p.id, {', '.join('t.' + c for c in timer_columns)} "
                "FROM timer t JOIN process_instance p ON p.id <> t.instance_id WHERE t.instance_id = :source"),
                {"source": source})
            conn.execute(text(
                f"INSERT INTO signal (instance_id, referentie, {', '.join(signal_columns)}) "
                f"SELECT p.id, 'MH-KLOON-' || p.id, {', '.join('s.' + c for c in signal_columns)} "
                "FROM signal s JOIN process_instance p ON p.id <> s.instance_id WHERE s.instance_id = :source"),
                {"source": source})
    finally:
        orch.db.dispose()


def fired(url: str) -> int:
    orch = orchestrator_for(url, pool_size=1)
    try:
        with orch.db.read() as conn:
            return conn.execute(select(func.count()).select_from(timer).where(timer.c.status == "afgevuurd")).scalar_one()
    finally:
        orch.db.dispose()


def assert_all_fired_once(url: str, n: int) -> None:
    orch = orchestrator_for(url, pool_size=1)
    try:
        with orch.db.read() as conn:
            per_timer = conn.execute(select(timer.c.status, timer.c.afgevuurd, func.count())
                                     .group_by(timer.c.status, timer.c.afgevuurd)).all()
            events = conn.execute(select(func.count()).select_from(audit_event)
                                  .where(audit_event.c.actie == "timer_afgevuurd")).scalar_one()
    finally:
        orch.db.dispose()
    assert [tuple(r) for r in per_timer] == [("afgevuurd", 1, n)]
    assert events == n
    assert violations(url) == []


def finish_with_a_new_worker(url: str, n: int, log) -> None:
    worker = start_worker(url, log)
    try:
        wait_until(lambda: fired(url) == n, 120, f"a second worker to fire the remaining timers of {n}")
    finally:
        worker.send_signal(os_signal.SIGTERM)
        assert worker.wait(timeout=60) == 0


def test_a_worker_killed_mid_pass_leaves_every_timer_to_fire_exactly_once(load_db, tmp_path):
    n = 1500
    due_instances(load_db, n)
    worker = start_worker(load_db, tmp_path / "killed.log")
    try:
        wait_until(lambda: fired(load_db) >= 50, 60, "the worker to start firing")
    finally:
        worker.send_signal(os_signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -os_signal.SIGKILL
    assert fired(load_db) < n, "the worker finished before it could be killed"

    finish_with_a_new_worker(load_db, n, tmp_path / "second.log")
    assert_all_fired_once(load_db, n)


def test_sigterm_lets_the_pass_finish_its_batch_and_start_no_other(load_db, tmp_path):
    n = 3 * PASS_LIMIT
    due_instances(load_db, n)
    log = tmp_path / "stopped.log"
    worker = start_worker(load_db, log)
    try:
        wait_until(lambda: fired(load_db) >= 50, 60, "the worker to start firing")
        worker.send_signal(os_signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    said = re.search(r"gestopt; (\d+) timers afgevuurd", log.read_text())
    assert said, log.read_text()[-3000:]
    stopped_at = fired(load_db)
    # What it says it fired is committed, it finished the batch it was in, and started no other.
    assert int(said.group(1)) == stopped_at
    assert stopped_at % PASS_LIMIT == 0 and 0 < stopped_at < n, stopped_at

    finish_with_a_new_worker(load_db, n, tmp_path / "second.log")
    assert_all_fired_once(load_db, n)
