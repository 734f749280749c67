"""Commands: each one loads, applies, runs the engine until it waits, and writes.

Every function here runs inside the caller's write transaction (``Database.write()``)
and either writes everything — instance state, projections, audit — or raises and
writes nothing (invariant 1). Concurrency is decided by the instance row's version
(invariant 2): :class:`StaleInstance` means someone else moved the instance first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, insert, select, update

from . import audit
from .access import may_see_task, may_work_task
from .definitions import DefinitionCache, latest_definition_id
from .errors import Conflict, Forbidden, NotFound, WorkflowFailed
from .forms import validate_submission
from .intake import prepare_intake, signal_columns
from .projections import DONE, OPEN, RUNNING, SyncResult, sync
from .schema import human_task, process_instance, signal
from .serialization import dump_state, load_state, new_workflow
from .users import Actor, user_names

DEFAULT_PROCESS = "signaal-naar-casus"


class StaleInstance(Conflict):
    """The instance changed since it was read; the transaction must be rolled back."""


@dataclass(frozen=True)
class Started:
    signal_id: int
    referentie: str
    status: str
    instance_id: int


def _run_engine(wf, element_hint: str | None = None) -> None:
    try:
        wf.do_engine_steps()
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task", None)
        element = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or element_hint
        notes = " ".join(getattr(exc, "__notes__", []) or [])
        raise WorkflowFailed(f"Het proces kon niet verder bij '{element}': {exc} {notes}".strip(), element) from exc


def _save(conn: Connection, instance_id: int, seen_version: int, wf, status: str, now: dt.datetime) -> None:
    result = conn.execute(
        update(process_instance)
        .where(process_instance.c.id == instance_id, process_instance.c.version == seen_version)
        .values(
            state=dump_state(wf),
            version=seen_version + 1,
            status=status,
            updated_at=now,
            completed_at=None if status == RUNNING else now,
        )
    )
    if result.rowcount != 1:
        raise StaleInstance("Het dossier is intussen door iemand anders gewijzigd.")


def start_signal(conn: Connection, cache: DefinitionCache, actor: Actor, raw: dict, *, now: dt.datetime,
                 proces: str = DEFAULT_PROCESS) -> Started:
    """Report a signal: validate the intake, start the process, run it to its first wait."""
    definition_id = latest_definition_id(conn, proces)
    compiled = cache.get(conn, definition_id)
    clean, gemeente_id = prepare_intake(conn, compiled, actor, raw, now)
    wf = new_workflow(compiled.spec, compiled.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(clean)
    _run_engine(wf)
    instance_id = conn.execute(
        insert(process_instance).values(
            definition_id=definition_id, version=0, status=RUNNING, state="", created_at=now, updated_at=now
        )
    ).inserted_primary_key[0]
    referentie = f"MH-{now.year}-{instance_id:06d}"
    signal_id = conn.execute(
        insert(signal).values(
            referentie=referentie,
            instance_id=instance_id,
            gemeente_id=gemeente_id,
            gemeld_door=actor.id,
            status=RUNNING,
            created_at=now,
            updated_at=now,
            **signal_columns(clean),
        )
    ).inserted_primary_key[0]
    result = sync(conn, wf, compiled, instance_id=instance_id, signal_id=signal_id, gemeente_id=gemeente_id,
                  now=now, actor_id=actor.id)
    _save(conn, instance_id, 0, wf, result.status, now)
    audit.record(conn, at=now, actie="signaal_gemeld", user_id=actor.id, signal_id=signal_id,
                 instance_id=instance_id, referentie=referentie, proces=proces, acute_nood=clean["acute_nood"])
    _audit_progress(conn, result, actor, signal_id, instance_id, now)
    return Started(signal_id, referentie, result.status, instance_id)


def _audit_progress(conn, result: SyncResult, actor: Actor, signal_id, instance_id, now) -> None:
    for naam in result.created:
        audit.record(conn, at=now, actie="taak_aangemaakt", user_id=None, signal_id=signal_id,
                     instance_id=instance_id, stap=naam)
    for naam in result.cancelled:
        audit.record(conn, at=now, actie="taak_vervallen", user_id=None, signal_id=signal_id,
                     instance_id=instance_id, stap=naam)
    if result.status != RUNNING:
        audit.record(conn, at=now, actie="signaal_afgerond", user_id=None, signal_id=signal_id,
                     instance_id=instance_id, uitkomst=result.uitkomst, route=result.route)


def _load_task(conn: Connection, actor: Actor, task_id: int):
    row = conn.execute(select(human_task).where(human_task.c.id == task_id)).first()
    if row is None or not may_see_task(actor, row):
        raise NotFound("Deze taak bestaat niet of u heeft er geen toegang toe.")
    return row


def _already_done(conn: Connection, row) -> Conflict:
    if row.status == DONE:
        who = user_names(conn, {row.completed_by}).get(row.completed_by, "een ander")
        when = row.completed_at
        return Conflict(f"Deze taak is al voltooid door {who}" + (f" op {when:%d-%m-%Y %H:%M} (UTC)" if when else "") + ".")
    return Conflict("Deze taak is vervallen: het proces is langs een andere weg verder gegaan.")


def complete_task(conn: Connection, cache: DefinitionCache, actor: Actor, task_id: int, data: dict, *,
                  now: dt.datetime) -> SyncResult:
    """Complete a user task with the submitted form data and run on to the next wait."""
    row = _load_task(conn, actor, task_id)
    if row.status != OPEN:
        raise _already_done(conn, row)
    if not may_work_task(actor, row):
        if row.toegewezen_aan not in (None, actor.id):
            who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
            raise Forbidden(f"Deze taak is toegewezen aan {who}.")
        raise Forbidden("U heeft niet de rol om deze taak te doen.")
    inst = conn.execute(
        select(process_instance.c.definition_id, process_instance.c.version, process_instance.c.state)
        .where(process_instance.c.id == row.instance_id)
    ).one()
    compiled = cache.get(conn, inst.definition_id)
    clean = validate_submission(compiled.forms[row.formulier], data)
    wf = load_state(inst.state, compiled.spec, compiled.subprocess_specs)
    task = wf.get_task_from_id(UUID(row.spiff_task_id))
    if task is None or task.state != TaskState.READY:
        raise StaleInstance("Deze taak staat niet meer open.")
    _merge(task.data, clean)
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise WorkflowFailed(f"De taak '{row.naam}' kon niet worden afgerond: {exc}", row.bpmn_id) from exc
    _run_engine(wf, row.bpmn_id)
    signal_id = row.signal_id
    _save(conn, row.instance_id, inst.version, wf, "lopend" if not wf.is_completed() else "afgerond", now)
    result = sync(conn, wf, compiled, instance_id=row.instance_id, signal_id=signal_id,
                  gemeente_id=row.gemeente_id, now=now, actor_id=actor.id, completed_task=row.spiff_task_id)
    if row.toegewezen_aan is None:
        conn.execute(update(human_task).where(human_task.c.id == row.id).values(toegewezen_aan=actor.id))
    audit.record(conn, at=now, actie="taak_voltooid", user_id=actor.id, signal_id=signal_id,
                 instance_id=row.instance_id, taak_id=row.id, stap=row.naam, velden=sorted(clean))
    _audit_progress(conn, result, actor, signal_id, row.instance_id, now)
    return result


def _merge(target: dict, updates: dict) -> None:
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def claim_task(conn: Connection, actor: Actor, task_id: int, *, now: dt.datetime) -> None:
    """Take an open task of one's role; claiming one's own claimed task is a no-op."""
    row = _load_task(conn, actor, task_id)
    if row.status != OPEN:
        raise _already_done(conn, row)
    if row.toegewezen_aan == actor.id:
        return
    if row.toegewezen_aan is not None:
        who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
        raise Conflict(f"Deze taak is al geclaimd door {who}.")
    if not may_work_task(actor, row):
        raise Forbidden("U heeft niet de rol om deze taak te doen.")
    result = conn.execute(
        update(human_task)
        .where(human_task.c.id == task_id, human_task.c.toegewezen_aan.is_(None), human_task.c.status == OPEN)
        .values(toegewezen_aan=actor.id)
    )
    if result.rowcount != 1:
        raise StaleInstance("Deze taak is intussen door iemand anders geclaimd.")
    audit.record(conn, at=now, actie="taak_geclaimd", user_id=actor.id, signal_id=row.signal_id,
                 instance_id=row.instance_id, taak_id=row.id, stap=row.naam)


def unclaim_task(conn: Connection, actor: Actor, task_id: int, *, now: dt.datetime) -> None:
    """Give a claimed task back to the role's queue (only the assignee can)."""
    row = _load_task(conn, actor, task_id)
    if row.status != OPEN:
        raise _already_done(conn, row)
    if row.toegewezen_aan is None:
        return
    if row.toegewezen_aan != actor.id:
        raise Forbidden("Alleen wie de taak heeft geclaimd kan hem vrijgeven.")
    result = conn.execute(
        update(human_task)
        .where(human_task.c.id == task_id, human_task.c.toegewezen_aan == actor.id, human_task.c.status == OPEN)
        .values(toegewezen_aan=None)
    )
    if result.rowcount != 1:
        raise StaleInstance("Deze taak is intussen gewijzigd.")
    audit.record(conn, at=now, actie="taak_vrijgegeven", user_id=actor.id, signal_id=row.signal_id,
                 instance_id=row.instance_id, taak_id=row.id, stap=row.naam)
