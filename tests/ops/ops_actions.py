"""Helpers of the fault tests: a database with the short-timer route, load threads, workers.

``bench/data/route-kort`` is the default route with deadlines of 2 s (regie 10 s) and a
follow-up every 3 s, so timers fire while the load runs: a client thinks before each step
(exponential, mean ``think`` seconds, at most 8), so some steps pass their deadline. Load threads walk signals
through it with the engine's own commands (each its own Orchestrator and pool, as
separate web processes would); an error from the database (a restart) is counted and the
step retried a moment later, a conflict (a timer moved the instance first) re-read.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from engine.clock import SystemClock
from engine.errors import Conflict
from engine.runtime.invariants import check_invariants
from engine.runtime.projections import OPEN
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine
from engine.store.migrate import upgrade
from engine.store.schema import audit_event, human_task, timer
from engine.store.schema import signal as signal_table
from tests.db_views import user_id_of
from tests.people import LOAD_USERS, PEOPLE, add_people

ROOT = Path(__file__).resolve().parents[2]
SHORT_ROUTE = ROOT / "bench" / "data" / "route-kort"
PROCESS = "route-kort"

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "acute_nood": False,
          "indicatoren": ["woont_op_werkplek"]}
STEP_DATA = {
    "task_verrijken": {"vermoeden_versterkt": True, "adresgegevens": "BRP: zes ingeschrevenen"},
    "task_beoordelen": {"voldoende_aanleiding": True, "zorg_nodig": True, "strafrechtelijk_traject": True,
                        "geraadpleegde_ketenpartners": ["avim"]},
    "task_regie_zvh": {"regie_opgepakt": True, "behandelaar": "Procesregisseur", "covenant": "zvh"},
    "task_regie_zorg": {"regie_opgepakt": True, "behandelaar": "Zorgcoördinator", "covenant": "geen"},
    "task_regie_riec": {"regie_opgepakt": True, "behandelaar": "RIEC", "covenant": "riec"},
    "task_terugkoppeling": {"voortgang": "Loopt volgens plan."},
}
REGIO_ROLES = PEOPLE["last-regio"].roles  # the steps "last-regio" walks; "last-gemeente" walks the others


def prepare_database(url: str) -> None:
    """Migrate, deploy the short-timer route and add the two load users."""
    orch = Orchestrator(Database(make_engine(url, pool_size=1, max_overflow=1)), SystemClock())
    try:
        upgrade(orch.db.engine)
        orch.deploy_folder(SHORT_ROUTE)
        with orch.db.write() as conn:
            add_people(conn, LOAD_USERS, orch.clock.now())
    finally:
        orch.db.dispose()


def orchestrator_for(url: str, clock=None, pool_size: int = 2) -> Orchestrator:
    return Orchestrator(Database(make_engine(url, pool_size=pool_size, max_overflow=2)), clock or SystemClock())


def violations(url: str) -> list[str]:
    orch = orchestrator_for(url)
    try:
        return check_invariants(orch.db, orch.cache)
    finally:
        orch.db.dispose()


@dataclass
class LoadStats:
    signals: int = 0
    finished: int = 0
    completed: int = 0
    db_errors: int = 0
    conflicts: int = 0
    unexpected: list[str] = field(default_factory=list)
    last_ok: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)
            if "completed" in counts or "signals" in counts:
                self.last_ok = time.monotonic()


class Load:
    """``threads`` clients walking signals through the short route until :meth:`stop`."""

    def __init__(self, url: str, threads: int = 6, think: float = 1.5):
        self.url = url
        self.stats = LoadStats()
        self._stop = threading.Event()
        self._think = think
        self._threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(threads)]

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> LoadStats:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)
        return self.stats

    def _client(self, index: int) -> None:
        orch = orchestrator_for(self.url)
        rng = random.Random(index)
        try:
            gemeente = self._retrying(lambda: orch.actor(user_id_of(orch, "last-gemeente")))
            regio = self._retrying(lambda: orch.actor(user_id_of(orch, "last-regio")))
            while not self._stop.is_set():
                outcome = self._retrying(lambda: orch.report_signal(gemeente, INTAKE, proces=PROCESS))
                if outcome is None:
                    return
                self.stats.add(signals=1)
                self._walk(orch, outcome.signal_id, gemeente, regio, rng)
        except Exception as exc:  # noqa: BLE001 - reported through the stats, asserted by the test
            self.stats.unexpected.append(f"client {index}: {type(exc).__name__}: {exc}")
        finally:
            orch.db.dispose()

    def _walk(self, orch, signal_id: int, gemeente, regio, rng) -> None:
        while not self._stop.is_set():
            tasks = self._retrying(lambda: open_tasks(orch, signal_id))
            if tasks is None:
                return
            if not tasks:
                self.stats.add(finished=1)
                return
            task = tasks[0]
            actor = regio if task.rol in REGIO_ROLES else gemeente
            self._stop.wait(min(rng.expovariate(1 / self._think), 8.0))
            try:
                orch.claim(actor, task.id)
                orch.complete_task(actor, task.id, STEP_DATA[task.bpmn_id])
                self.stats.add(completed=1)
            except Conflict:
                self.stats.add(conflicts=1)  # a timer or a lost reply moved it: read again
            except DBAPIError:
                self.stats.add(db_errors=1)
                self._stop.wait(0.2)

    def _retrying(self, call):
        while not self._stop.is_set():
            try:
                return call()
            except DBAPIError:
                self.stats.add(db_errors=1)
                self._stop.wait(0.2)
        return None




def open_tasks(orch, signal_id: int):
    with orch.db.read() as conn:
        return conn.execute(select(human_task.c.id, human_task.c.bpmn_id, human_task.c.rol).where(
            human_task.c.signal_id == signal_id, human_task.c.status == OPEN).order_by(human_task.c.id)).all()


def counts(url: str) -> dict[str, int]:
    """Rows that show progress: signals, finished signals, completed tasks, timer firings."""
    orch = orchestrator_for(url)
    try:
        with orch.db.read() as conn:
            return {
                "signals": conn.execute(select(func.count()).select_from(signal_table)).scalar_one(),
                "finished": conn.execute(select(func.count()).select_from(signal_table)
                                         .where(signal_table.c.status == "afgerond")).scalar_one(),
                "completions": conn.execute(select(func.count()).select_from(audit_event)
                                            .where(audit_event.c.actie == "taak_voltooid")).scalar_one(),
                "firings": conn.execute(select(func.count()).select_from(audit_event)
                                        .where(audit_event.c.actie == "timer_afgevuurd")).scalar_one(),
                "waiting_timers": conn.execute(select(func.count()).select_from(timer)
                                               .where(timer.c.status == "wachtend")).scalar_one(),
            }
    finally:
        orch.db.dispose()


def start_worker(url: str, log_path: Path, interval: float = 0.2) -> subprocess.Popen:
    """``signaalroute worker`` as its own process on ``url`` (the real clock, APScheduler)."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    cli = Path(sys.executable).parent / "signaalroute"
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
    try:
        return subprocess.Popen([str(cli), "worker", "--interval", str(interval)], env=env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def wait_until(predicate, timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
