"""Firing timers: claiming a ``timer`` row that came due and firing it.

Every waiting BPMN timer is a ``timer`` row with an indexed due time, written in the
same transaction as the instance state (see :mod:`engine.runtime.projections`). The clock's
pass (:func:`engine.service.passes.fire_due_timers`) claims due rows one at a time
(:func:`claim_next`) and fires each in its own transaction (:func:`fire_claimed`): restore the
workflow, ``refresh_timers``, run the engine until it waits, save, project. Several worker
processes may run passes against one database at the same time:

* on PostgreSQL a row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and its
  instance row with ``FOR UPDATE SKIP LOCKED`` too, so two workers never fire the same
  timer and a worker never waits behind a user's command (it skips the instance and
  the next pass takes it). A worker killed mid-pass holds its locks only until its
  connection drops; its claimed row is still ``wachtend`` and fires on the next pass.
* on SQLite the write transaction (``BEGIN IMMEDIATE``) serialises passes.

A timer whose firing fails (a broken expression after a deploy, a decision without a
match) becomes an incident (:func:`record_failure`) and is retried with back-off; the pass goes on.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, tuple_, update

from ..audit.audit import AuditBatch
from ..clock import as_utc
from ..definitions.definitions import DefinitionCache
from ..spiff.serialization import load_state
from ..spiff.spiff_compat import coalesce_cycles, engine_time
from ..store.schema import human_task, process_instance, signal, timer
from . import incidents
from .care import start_linked
from .care_projection import linked_signal
from .instances import persist, run_engine, save_instance
from .projections import WAITING, FiredTimer, open_before, project, waiting_before

log = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Fired:
    """One timer row handled by a pass."""

    timer_id: int
    instance_id: int
    due_at: dt.datetime
    fired_at: dt.datetime


def _claim_statement(postgres: bool):
    """The next due row after the pass's cursor (keyset: each row is looked at once per pass).

    The claim brings the instance (locked with the timer, so a worker never waits behind
    a user's command: it skips the row and the next pass takes it) and its signal along,
    one round trip instead of three.
    """
    stmt = (
        select(timer.c.id, timer.c.instance_id, timer.c.due_at, timer.c.attempt_at, timer.c.pogingen,
               process_instance.c.definition_id, process_instance.c.version, process_instance.c.state,
               signal.c.id.label("signal_id"), signal.c.gemeente_id, signal.c.terugkoppeling)
        .join(process_instance, process_instance.c.id == timer.c.instance_id)
        .outerjoin(signal, signal.c.instance_id == timer.c.instance_id)
        .where(timer.c.status == WAITING, timer.c.attempt_at < bindparam("now"),
               tuple_(timer.c.attempt_at, timer.c.id) > tuple_(bindparam("after_at"), bindparam("after_id")))
        .order_by(timer.c.attempt_at, timer.c.id)
        .limit(1)
    )
    return stmt.with_for_update(of=[timer, process_instance], skip_locked=True) if postgres else stmt


# Strictly before now: SpiffWorkflow fires a timer only once its due time has passed.
# Ordered by attempt_at so that PostgreSQL reads the index, not every timer row ever written.
_ANY_DUE = (
    select(timer.c.id)
    .where(timer.c.status == WAITING, timer.c.attempt_at < bindparam("now"))
    .order_by(timer.c.attempt_at)
    .limit(1)
)
_INSTANCE = select(
    process_instance.c.definition_id, process_instance.c.version, process_instance.c.state, process_instance.c.status
).where(process_instance.c.id == bindparam("instance_id"))
_SIGNAL_OF = select(signal.c.id, signal.c.gemeente_id, signal.c.terugkoppeling) \
    .where(signal.c.instance_id == bindparam("instance_id"))
_GEMEENTE_OF_TASKS = select(human_task.c.gemeente_id).where(human_task.c.instance_id == bindparam("instance_id")).limit(1)
_FAILED = (
    update(timer)
    .where(timer.c.id == bindparam("timer_id"))
    .values(pogingen=timer.c.pogingen + 1, attempt_at=bindparam("attempt_at"), fout=bindparam("fout"))
)


def fire_timers_of(conn: Connection, cache: DefinitionCache, instance_id: int, *, now: dt.datetime,
                   postgres: bool = False) -> list[FiredTimer] | None:
    """Fire what is due in one instance and return it; ``None`` if another command holds the instance."""
    instance_stmt = _INSTANCE.with_for_update(skip_locked=True) if postgres else _INSTANCE
    inst = conn.execute(instance_stmt, {"instance_id": instance_id}).first()
    if inst is None:
        return None
    sig = conn.execute(_SIGNAL_OF, {"instance_id": instance_id}).first()
    return _fire(conn, cache, instance_id, inst, sig.id if sig else None, sig.gemeente_id if sig else None, now,
                 sig.terugkoppeling if sig else None)


def _fire(conn: Connection, cache: DefinitionCache, instance_id: int, inst, signal_id: int | None,
          gemeente_id: int | None, now: dt.datetime, told_before: str | None = None) -> list[FiredTimer]:
    """Fire what is due in the (locked) instance ``inst``: restore, refresh timers, run, save, project."""
    compiled = cache.get(conn, inst.definition_id)
    wf = load_state(inst.state, compiled.spec, compiled.subprocess_specs)
    before = waiting_before(wf, compiled)
    open_tasks = open_before(wf)
    with engine_time(now):
        coalesce_cycles(wf)
        wf.refresh_timers()
        run_engine(wf)
    if signal_id is None and (linked := linked_signal(conn, instance_id)) is not None:
        signal_id, gemeente_id = linked  # a care trajectory: the signal it is linked to (engine.runtime.care)
    if gemeente_id is None:  # an instance without a signal: its tasks' municipality
        gemeente_id = conn.execute(_GEMEENTE_OF_TASKS, {"instance_id": instance_id}).scalar()
    projection = project(wf, compiled, open_tasks, now, before)
    if not _moved(projection, before):
        return []  # nothing was due after all (a row claimed at its exact due time): write nothing
    save_instance(conn, instance_id, inst.version, wf, projection.status, now)
    batch = AuditBatch(now, instance_id, signal_id)
    persist(conn, compiled, projection, batch, instance_id=instance_id, version=inst.version + 1, signal_id=signal_id,
            gemeente_id=gemeente_id, now=now, before=before, told_before=told_before)
    start_linked(conn, cache, projection, instance_id=instance_id, signal_id=signal_id, gemeente_id=gemeente_id,
                 now=now)
    return projection.fired


def _moved(projection, before: dict) -> bool:
    """Whether firing changed anything the projections show: a timer done or re-armed, a task."""
    if projection.finished_timers or projection.new_tasks or projection.vanishing:
        return True
    return any(old.due_at != projection.waiting[spiff_id].due_at
               for spiff_id, old in before.items() if spiff_id in projection.waiting)


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def record_failure(conn: Connection, timer_id: int, instance_id: int, exc: Exception, now: dt.datetime) -> int:
    """Count a failed attempt at a timer, set its back-off and open an incident; returns the attempts."""
    attempts = conn.execute(select(timer.c.pogingen).where(timer.c.id == timer_id)).scalar_one() + 1
    conn.execute(_FAILED, {"timer_id": timer_id, "attempt_at": now + _backoff(attempts), "fout": str(exc)[:2000]})
    incidents.record_failure(conn, instance_id=instance_id, timer_id=timer_id,
                             element_id=getattr(exc, "element_id", None), exc=exc, attempts=attempts, now=now)
    return attempts


def any_due(conn: Connection, *, now: dt.datetime) -> bool:
    """Whether any timer is due (an index read; the common case, nothing due, takes no write lock)."""
    return conn.execute(_ANY_DUE, {"now": now}).first() is not None


def claim_next(conn: Connection, *, now: dt.datetime, after: tuple[dt.datetime, int], postgres: bool):
    """Claim the next due timer row after the pass's cursor ``after`` (``(attempt_at, id)``), in the
    caller's transaction; ``None``: nothing (more) due, or every due row is held by another worker.

    On PostgreSQL the row and its instance are locked ``FOR UPDATE SKIP LOCKED`` until the
    caller's transaction ends; the row carries its instance and signal (see :func:`_claim_statement`).
    """
    return conn.execute(_claim_statement(postgres), {"now": now, "after_at": after[0], "after_id": after[1]}).first()


def fire_claimed(conn: Connection, cache: DefinitionCache, row, *, now: dt.datetime) -> list[Fired]:
    """Fire the claimed ``row``'s instance in the caller's transaction; what fired.

    :raises StaleInstance: a user's command moved the instance first (the next pass retries).
    Any other error: the caller rolls back and records it (:func:`record_failure`).
    """
    result = _fire(conn, cache, row.instance_id, row, row.signal_id, row.gemeente_id, now, row.terugkoppeling)
    if row.pogingen and result:  # fired after failing before: its incident is over
        incidents.resolve_fired(conn, row.instance_id, row.id, now)
    return [Fired(t.timer_id, row.instance_id, as_utc(t.due_at), now) for t in result]
