"""The database server restarts under load: clients see errors and retry, nothing is corrupted,
and afterwards everything continues — web-like clients and ``signaalroute worker`` processes alike.

Six client threads (each its own Orchestrator and connection pool, as separate web
processes would have) walk signals through the short-timer route while two real
``signaalroute worker`` processes fire its deadlines and follow-ups. Mid-way the private
PostgreSQL server is restarted: ``fast`` (what ``systemctl restart postgresql`` does:
sessions are ended, a clean shutdown) and ``immediate`` (a crash: the WAL is replayed at
start; timer passes commit with ``synchronous_commit=off``, so their last commits may be
lost and must then fire again, once), and stays down for two seconds. Then load continues, the workers stop with
SIGTERM, and the invariant check of :mod:`engine.runtime.invariants` must find nothing.
"""
from __future__ import annotations

import signal as os_signal

import pytest

from tests.ops.ops_actions import Load, counts, start_worker, violations, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("private-postgres")]


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_database_restart_under_load_loses_and_corrupts_nothing(private_pg, load_db, tmp_path, mode):
    workers = [start_worker(load_db, tmp_path / f"worker-{i}.log") for i in range(2)]
    load = Load(load_db).start()
    try:
        # Until timers have fired and signals finished: the restart hits every kind of work.
        wait_until(lambda: counts(load_db)["firings"] >= 3 and counts(load_db)["finished"] >= 2, 60,
                   "timers firing and signals finishing before the restart")
        before = counts(load_db)
        errors_before = load.stats.db_errors

        private_pg.restart(mode, downtime=2.0)  # long enough for commands to fail

        # Everything continues: clients complete tasks and workers fire timers again.
        wait_until(lambda: (c := counts(load_db))["completions"] >= before["completions"] + 15
                   and c["firings"] >= before["firings"] + 3, 90, "work to continue after the restart")
    finally:
        stats = load.stop()
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(os_signal.SIGTERM)
        codes = [worker.wait(timeout=60) for worker in workers]

    assert stats.unexpected == []
    assert stats.db_errors > errors_before, "the clients never noticed the restart"
    assert codes == [0, 0], [(tmp_path / f"worker-{i}.log").read_text() for i in range(2)]
    assert violations(load_db) == []
