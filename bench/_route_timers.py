"""The route's own timers for bench/timers.py: deadlines that escalate and follow-ups that open tasks.

The process is the shipped one, ``processes/signaal-naar-casus``, deployed with the engine's
own deploy. Two kinds of instance, half each:

* **escalatie** — a reported signal waiting at "Signaal verrijken" (analist); its boundary
  timer ``deadline_verrijken`` (``P5D``, non-interrupting, ``actie=escalatie``) marks the task
  escalated and leaves the manager's notification when it fires (the mail pass then queues
  the manager's mail);
* **terugkoppeling** — a signal walked to "Regie zorg- en strafrechtelijk traject" (zvh):
  reported, verrijken and beoordelen completed (the DMN routes it to the ZVH); its boundary
  timer ``terugkoppeling_zvh`` (``R/P14D``, a cycle) opens the task "Terugkoppeling regie"
  for the aandachtsfunctionaris each time it fires, and re-arms.

Each instance is made through the engine's commands with a clock set back by the timer's
duration (``due − P5D``, ``due − P14D``), so the engine itself computes the due time the bench
chose: a distinct placeholder 6 h ahead. Retiming (as for the trivial timers) replaces that
time where the engine wrote it: once in the state (the timer task's ``event_value``, a plain
ISO string for the deadline and the cycle's ``next``; exactly one occurrence, checked), the
``timer`` row's ``due_at``/``attempt_at``, and the escalated task's ``human_task.due_at``.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import time

from _server import ROOT, BenchError
from api import BEOORDELEN, INTAKE, VERRIJKEN
from sqlalchemy import text

from engine.people.users import add_user
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine

PROCESS_DIR = ROOT / "processes" / "signaal-naar-casus"
KINDS = ("escalatie", "terugkoppeling")
# The durations in the shipped process (checked: the engine must put the timer at the chosen due time).
SET_BACK = {"escalatie": dt.timedelta(days=5), "terugkoppeling": dt.timedelta(days=14)}
GEMEENTE = INTAKE["gemeente"]


class SettableClock:
    """A clock the creating process sets before each command."""

    def __init__(self):
        self.at = dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self.at


def setup_route(orch: Orchestrator) -> dict[str, int]:
    """Deploy the shipped route and add its people; returns user ids by role group."""
    orch.deploy_folder(PROCESS_DIR, "bench/timers.py (route timers)")
    orch.deploy_folder(PROCESS_DIR.parent / "zorgtraject", "bench/timers.py (the care trajectory the ZVH route starts)")
    now = orch.clock.now()
    with orch.db.write() as conn:
        return {
            "gemeente": add_user(conn, "bench.route", now=now, naam="Bench Route",
                                 roles=["melder", "analist", "aandachtsfunctionaris"], gemeente_naam=GEMEENTE),
            "zvh": add_user(conn, "bench.zvh", now=now, naam="Bench ZVH", roles=["zvh"], gemeente_naam=GEMEENTE),
            "manager": add_user(conn, "bench.manager", now=now, naam="Bench Manager", roles=["manager"],
                                gemeente_naam=GEMEENTE),
        }


def _create_chunk(url: str, user_id: int, items: list[tuple[str, str]]) -> tuple[int, float]:
    """In a creation process: one instance per (kind, due ISO); returns (count, seconds)."""
    sa_engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        clock = SettableClock()
        orch = Orchestrator(Database(sa_engine), clock)
        actor = orch.actor(user_id)
        t0 = time.perf_counter()
        for kind, due_iso in items:
            clock.at = dt.datetime.fromisoformat(due_iso) - SET_BACK[kind]
            started = orch.report_signal(actor, INTAKE)
            if kind == "terugkoppeling":
                [verrijken] = [t["id"] for t in started.nieuwe_taken if t["bpmn_id"] == "task_verrijken"]
                done = orch.complete_task(actor, verrijken, VERRIJKEN)
                [beoordelen] = [t["id"] for t in done.nieuwe_taken if t["bpmn_id"] == "task_beoordelen"]
                done = orch.complete_task(actor, beoordelen, BEOORDELEN)
                if not any(t["bpmn_id"] == "task_regie_zvh" for t in done.nieuwe_taken):
                    raise BenchError(f"signaal {started.signal_id}: geen regietaak ZVH na beoordelen: {done}")
        return len(items), time.perf_counter() - t0
    finally:
        sa_engine.dispose()


def create_parallel(url: str, user_id: int, items: list[tuple[str, dt.datetime]], processes: int) -> float:
    """Make the instances in ``processes`` spawned processes; wall seconds."""
    chunks = [items[i::processes] for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(processes) as pool:
        try:
            results = pool.starmap(_create_chunk, [(url, user_id, [(k, d.isoformat()) for k, d in c])
                                                   for c in chunks])
        except BaseException:
            pool.terminate()
            raise
    if sum(r[0] for r in results) != len(items):
        raise BenchError("creation processes started fewer route instances than asked")
    return time.perf_counter() - t0


RETIME_STATE = """
UPDATE process_instance p SET state = replace(p.state, r.old_iso, r.new_iso)
FROM unnest(CAST(:ids AS integer[]), CAST(:old AS text[]), CAST(:new AS text[])) AS r(instance_id, old_iso, new_iso)
WHERE p.id = r.instance_id
  AND (length(p.state) - length(replace(p.state, r.old_iso, ''))) = length(r.old_iso)
"""
RETIME_TIMER = """
UPDATE timer t SET due_at = r.new, attempt_at = r.new
FROM unnest(CAST(:ids AS integer[]), CAST(:old AS timestamptz[]), CAST(:new AS timestamptz[]))
     AS r(instance_id, old, new)
WHERE t.instance_id = r.instance_id AND t.status = 'wachtend' AND t.due_at = r.old
"""
RETIME_TASK = """
UPDATE human_task h SET due_at = r.new
FROM unnest(CAST(:ids AS integer[]), CAST(:old AS timestamptz[]), CAST(:new AS timestamptz[]))
     AS r(instance_id, old, new)
WHERE h.instance_id = r.instance_id AND h.status = 'open' AND h.due_at = r.old
"""


def retime(orch: Orchestrator, current: dict[int, dt.datetime], new: dict[int, dt.datetime]) -> dict:
    """Move each instance's chosen timer from ``current`` to ``new`` (state, timer row, the task's due date)."""
    ids = sorted(current)
    params = {"ids": ids, "old": [current[i] for i in ids], "new": [new[i] for i in ids]}
    with orch.db.write() as conn:
        done = conn.execute(text(RETIME_STATE), {"ids": ids, "old": [current[i].isoformat() for i in ids],
                                                 "new": [new[i].isoformat() for i in ids]}).rowcount
        if done != len(ids):
            raise BenchError(f"retime (route): {len(ids) - done} states did not hold their due time exactly once")
        done = conn.execute(text(RETIME_TIMER), params).rowcount
        if done != len(ids):
            raise BenchError(f"retime (route): {len(ids) - done} timer rows not found")
        conn.execute(text(RETIME_TASK), params)
    return dict(new)


def kinds_fired(orch: Orchestrator, since: dt.datetime) -> dict[str, int]:
    """What the fired route timers did, from the database: escalated tasks, follow-up tasks opened."""
    with orch.db.read() as conn:
        escalated = conn.execute(text("SELECT count(*) FROM human_task WHERE escalated_at IS NOT NULL")).scalar_one()
        notices = conn.execute(text("SELECT count(*) FROM notificatie WHERE soort = 'escalatie'")).scalar_one()
        follow_ups = conn.execute(text("SELECT count(*) FROM human_task WHERE bpmn_id = 'task_terugkoppeling' "
                                       "AND created_at >= :since"), {"since": since}).scalar_one()
    return {"escalated": escalated, "notices": notices, "follow_ups": follow_ups}
