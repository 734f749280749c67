"""Whole-database consistency checks: what must hold after any crash, restart or restore.

Used by ``bench/load.py`` and the fault tests (``tests/ops``) after load: one command is
one transaction, so whatever happened to processes or the database server, every check
here must come back empty. Each violation is one line naming the instance, task or timer.

The checks read the workflows themselves (restored from their state) and compare them
with the projections and the audit log — the expensive way, on purpose: it is the truth
the screens' tables are meant to mirror.
"""
from __future__ import annotations

import collections

from sqlalchemy import select

from ..definitions.definitions import DefinitionCache
from ..domain.status import SignalStatus
from ..spiff.serialization import load_state
from ..store.db import Database
from ..store.schema import audit_event, human_task, process_instance, signal, timer
from .projections import CANCELLED, DONE, FIRED, OPEN, WAITING, open_before, waiting_before

FINISHED = SignalStatus.FINISHED
ENDED = (FINISHED, SignalStatus.CANCELLED)  # an instance a signal moved away from is cancelled (engine.runtime.route_change)


def check_invariants(db: Database, cache: DefinitionCache) -> list[str]:
    """Every violation of the invariants below, as readable lines (empty when all hold).

    * each instance's open ``human_task`` rows are exactly its workflow's READY user tasks,
      and its waiting ``timer`` rows exactly its workflow's waiting timers (so a signal
      waits at exactly the steps its workflow — with its parallel branches — is at);
    * a running instance waits somewhere (an open task or a waiting timer); a finished
      one has no open task and no waiting timer, and its signal is finished too;
    * no task completed twice: at most one ``taak_voltooid`` event per task, exactly one
      for a task with status ``voltooid``;
    * no timer fired twice: at most one ``timer_afgevuurd`` event per timer and due time,
      and a timer row's ``afgevuurd`` count equals its events.
    """
    violations: list[str] = []
    with db.read() as conn:
        tasks = conn.execute(select(human_task.c.id, human_task.c.instance_id, human_task.c.spiff_task_id,
                                    human_task.c.status)).all()
        timers = conn.execute(select(timer.c.id, timer.c.instance_id, timer.c.spiff_task_id, timer.c.status,
                                     timer.c.afgevuurd)).all()
        events = conn.execute(select(audit_event.c.actie, audit_event.c.detail).where(
            audit_event.c.actie.in_(("taak_voltooid", "timer_afgevuurd")))).all()
        signals = dict(conn.execute(select(signal.c.instance_id, signal.c.status)).all())
        instances = conn.execute(select(process_instance.c.id, process_instance.c.definition_id,
                                        process_instance.c.status, process_instance.c.state)).all()
        compiled = {d: cache.get(conn, d) for d in {i.definition_id for i in instances}}

    violations += _audit_violations(tasks, timers, events)
    open_rows = collections.defaultdict(set)
    waiting_rows = collections.defaultdict(set)
    for t in tasks:
        if t.status == OPEN:
            open_rows[t.instance_id].add(t.spiff_task_id)
    for t in timers:
        if t.status == WAITING:
            waiting_rows[t.instance_id].add(t.spiff_task_id)
    for inst in instances:
        definition = compiled[inst.definition_id]
        wf = load_state(inst.state, definition.spec, definition.subprocess_specs)
        ready = open_before(wf)
        waiting = set(waiting_before(wf, definition))
        name = f"instance {inst.id}"
        if ready != open_rows[inst.id]:
            violations.append(f"{name}: open task rows {sorted(open_rows[inst.id])} != workflow's ready tasks {sorted(ready)}")
        if waiting != waiting_rows[inst.id]:
            violations.append(f"{name}: waiting timer rows {sorted(waiting_rows[inst.id])} "
                              f"!= workflow's waiting timers {sorted(waiting)}")
        finished = wf.is_completed()
        if finished != (inst.status in ENDED):
            violations.append(f"{name}: status {inst.status!r} but the workflow is {'' if finished else 'not '}completed")
        if inst.status in ENDED and (open_rows[inst.id] or waiting_rows[inst.id]):
            violations.append(f"{name}: finished with open tasks or waiting timers")
        if inst.status not in ENDED and not (ready or waiting):
            violations.append(f"{name}: running but waits nowhere (no ready task, no waiting timer)")
        if inst.id in signals and (signals[inst.id] == FINISHED) != (inst.status == FINISHED):
            violations.append(f"{name}: signal status {signals[inst.id]!r}, instance status {inst.status!r}")
    return violations


def _audit_violations(tasks, timers, events) -> list[str]:
    violations = []
    completions = collections.Counter(e.detail.get("taak_id") for e in events if e.actie == "taak_voltooid")
    firings = collections.Counter((e.detail.get("timer_id"), e.detail.get("gepland"))
                                  for e in events if e.actie == "timer_afgevuurd")
    fired_per_timer = collections.Counter(timer_id for timer_id, _ in firings.elements())
    for task_id, n in completions.items():
        if n > 1:
            violations.append(f"task {task_id}: completed {n} times")
    for t in tasks:
        if t.status == DONE and completions[t.id] != 1:
            violations.append(f"task {t.id}: status '{DONE}' with {completions[t.id]} completion events")
        if t.status in (OPEN, CANCELLED) and completions[t.id]:
            violations.append(f"task {t.id}: status {t.status!r} but a completion event")
    for (timer_id, due), n in firings.items():
        if n > 1:
            violations.append(f"timer {timer_id}: fired {n} times for due time {due}")
    for t in timers:
        if t.afgevuurd != fired_per_timer[t.id]:
            violations.append(f"timer {t.id}: afgevuurd={t.afgevuurd} but {fired_per_timer[t.id]} firing events")
        if t.status == FIRED and t.afgevuurd < 1:
            violations.append(f"timer {t.id}: status '{FIRED}' but never fired")
    return violations
