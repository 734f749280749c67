"""A ``pg_dump`` taken while signals are being worked on restores (``pg_restore``) into a fresh
database where the waiting instances carry on: their timers fire, their tasks can be
completed, every signal reaches its end, and the processing log's hash chain still holds.

``pg_dump`` reads one snapshot (a repeatable-read transaction), and one command is one
transaction, so the dump holds whole commands only: the invariant check must find nothing
in the restored copy before anything runs on it.
"""
from __future__ import annotations

import signal as os_signal
import uuid

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from engine.store.schema import signal as signal_table
from tests.db_views import user_id_of
from tests.ops.ops_actions import (
    REGIO_ROLES,
    STEP_DATA,
    Load,
    counts,
    open_tasks,
    orchestrator_for,
    start_worker,
    violations,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("private-postgres")]


def running_signals(url: str) -> list[int]:
    orch = orchestrator_for(url, pool_size=1)
    try:
        with orch.db.read() as conn:
            return list(conn.execute(select(signal_table.c.id).where(signal_table.c.status != "afgerond")).scalars())
    finally:
        orch.db.dispose()


def finish_every_signal(url: str, timeout: float = 120) -> None:
    """Complete every open task (as the load users) until no signal is running."""
    orch = orchestrator_for(url)
    try:
        gemeente = orch.actor(user_id_of(orch, "last-gemeente"))
        regio = orch.actor(user_id_of(orch, "last-regio"))

        def step() -> bool:
            for signal_id in running_signals(url):
                for task in open_tasks(orch, signal_id):
                    actor = regio if task.rol in REGIO_ROLES else gemeente
                    try:
                        orch.claim(actor, task.id)
                        orch.complete_task(actor, task.id, STEP_DATA[task.bpmn_id])
                    except Conflict:
                        pass  # a timer moved the instance first: the next round reads it again
            return not running_signals(url)

        wait_until(step, timeout, "every restored signal to finish")
    finally:
        orch.db.dispose()


def test_a_dump_taken_under_load_restores_and_its_instances_continue(private_pg, load_db, tmp_path):
    worker = start_worker(load_db, tmp_path / "worker.log")
    load = Load(load_db).start()
    dump = private_pg.writable_path(f"dump-{uuid.uuid4().hex[:8]}.pgdump")
    try:
        wait_until(lambda: counts(load_db)["firings"] >= 3 and counts(load_db)["finished"] >= 2, 60,
                   "timers firing and signals finishing before the dump")
        private_pg.dump(load_db.rsplit("/", 1)[1], dump)  # while the clients and the worker go on
    finally:
        stats = load.stop()
        worker.send_signal(os_signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    assert stats.unexpected == []

    restored_name = f"restored_{uuid.uuid4().hex[:8]}"
    restored = private_pg.create_database(restored_name)
    private_pg.restore(dump, restored_name)

    assert violations(restored) == []
    waiting = running_signals(restored)
    assert waiting, "the dump caught no signal mid-route"
    firings_at_restore = counts(restored)["firings"]

    worker = start_worker(restored, tmp_path / "restored-worker.log")
    try:
        # The restored instances' timers fire (deadlines passed while nothing ran on this copy)
        wait_until(lambda: counts(restored)["firings"] > firings_at_restore, 60, "a timer to fire in the restored copy")
        finish_every_signal(restored)
    finally:
        worker.send_signal(os_signal.SIGTERM)
        assert worker.wait(timeout=60) == 0

    assert running_signals(restored) == []
    assert violations(restored) == []
    orch = orchestrator_for(restored, pool_size=1)
    try:
        report = orch.verify_audit()
    finally:
        orch.db.dispose()
    assert report.ok, report.problems
