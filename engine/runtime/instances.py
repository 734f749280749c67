"""What every command does with a process instance: run it, save it, project it.

:func:`persist` is the one path from a moved workflow to the database: the instance
state (with its version check), the task, timer and signal projections, the effects of
fired timers and the audit events, all in the command's transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, bindparam, insert, update

from ..audit.audit import AuditBatch
from ..definitions.validation import CompiledDefinition
from ..errors import Conflict, WorkflowFailed
from ..mail.notify import queue_feedback, queue_tasks_opened
from ..spiff.serialization import dump_state, new_workflow
from ..spiff.spiff_compat import coalesce_cycles, engine_time
from ..store.driver_sql import DriverStatement
from ..store.schema import process_instance
from .care_projection import write_care
from .dossier import discard_drafts
from .effects import apply_timer_effects
from .projections import RUNNING, Projection, TaskTaken, project, update_feedback, update_signal, write_tasks, write_timers


class StaleInstance(Conflict):
    """The instance or task changed since it was read; the transaction must be rolled back."""


@dataclass(frozen=True)
class Outcome:
    """What a command left behind: the signal's state and the tasks it opened."""

    signal_id: int | None
    instance_id: int
    status: str
    route: str | None = None
    uitkomst: str | None = None
    referentie: str | None = None
    nieuwe_taken: list[dict] = field(default_factory=list)
    proces: str | None = None  # the process a report started (chosen by the intake unless named)


def public_tasks(tasks: list[dict]) -> list[dict]:
    """The opened tasks as an :class:`Outcome` tells them (``nieuwe_taken``): no engine internals."""
    return [{key: task[key] for key in ("id", "naam", "bpmn_id", "rol")} for task in tasks]


def run_engine(wf, element_hint: str | None = None, *, engine_steps=None) -> None:
    """``do_engine_steps`` with SpiffWorkflow's errors turned into :class:`WorkflowFailed`.

    :param engine_steps: what runs the steps instead of ``wf.do_engine_steps`` (the replay's
        equivalent that scans fewer trees, :func:`engine.runtime.replay.engine_steps`).
    """
    coalesce_cycles(wf)
    try:
        (engine_steps or BpmnWorkflow.do_engine_steps)(wf)
    except SpiffWorkflowException as exc:
        task_spec = getattr(getattr(exc, "task", None), "task_spec", None) or getattr(exc, "task_spec", None)
        element = getattr(task_spec, "bpmn_id", None) or element_hint
        notes = " ".join(getattr(exc, "__notes__", []) or [])
        raise WorkflowFailed(f"Het proces kon niet verder bij '{element}': {exc} {notes}".strip(), element) from exc


_INSERT_INSTANCE = insert(process_instance).returning(process_instance.c.id)


def start_instance(conn: Connection, compiled: CompiledDefinition, definition_id: int, data: dict,
                   now: dt.datetime) -> tuple[Projection, int]:
    """Start a new instance of ``compiled`` with ``data``, run it to its first wait and insert its row.

    The caller writes the projections (:func:`persist`) once it has the signal and the audit batch.

    :param definition_id: the deployed version ``compiled`` was read from.
    :param data: the start data, given to every task ready at the start.
    :return: the projection of the first wait and the new instance's id.
    """
    wf = new_workflow(compiled.spec, compiled.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(data)
    with engine_time(now):
        run_engine(wf)
    projection = project(wf, compiled, {}, now)
    instance_id = conn.execute(_INSERT_INSTANCE, {
        "definition_id": definition_id, "version": 1, "status": projection.status, "state": dump_state(wf),
        "created_at": now, "updated_at": now, "completed_at": None if projection.status == RUNNING else now,
    }).scalar_one()
    return projection, instance_id


_SAVE = DriverStatement(
    update(process_instance)
    .where(process_instance.c.id == bindparam("instance_id"), process_instance.c.version == bindparam("seen"))
    .values(state=bindparam("state"), version=bindparam("new_version"), status=bindparam("status"),
            updated_at=bindparam("now"), completed_at=bindparam("completed_at"))
)


def save_instance(conn: Connection, instance_id: int, seen_version: int, wf, status: str, now: dt.datetime) -> None:
    """Write the workflow state if the instance is still at ``seen_version``; else :class:`StaleInstance`."""
    saved = _SAVE.rowcount(conn, {
        "instance_id": instance_id, "seen": seen_version, "new_version": seen_version + 1,
        "state": dump_state(wf), "status": status, "now": now,
        "completed_at": None if status == RUNNING else now,
    })
    if saved != 1:
        raise StaleInstance("Het dossier is intussen door iemand anders gewijzigd.")


def log_task_changes(log: AuditBatch, projection: Projection) -> None:
    """Audit the tasks a command opened and the ones that vanished."""
    for task in projection.created:
        log.add("taak_aangemaakt", stap=task["naam"], taak_id=task["id"])
    for _task_id, naam in projection.vanished:
        log.add("taak_vervallen", stap=naam)


def tell_reporter(conn: Connection, projection: Projection, signal_id: int, log: AuditBatch, *, now: dt.datetime,
                  told_before: str | None = None) -> None:
    """If what the reporter is told changed (engine.domain.feedback): store it, mail them, audit it.

    :param told_before: the signal's ``terugkoppeling`` as the command read it (see
        :func:`engine.runtime.projections.update_feedback`).
    """
    told = update_feedback(conn, projection, signal_id, now, told_before)
    if told is None:
        return
    gemeld_door, referentie = told
    queue_feedback(conn, gemeld_door, referentie, projection.terugkoppeling, now=now)
    log.add("melder_teruggekoppeld", terugkoppeling=projection.terugkoppeling)


def persist(conn: Connection, compiled: CompiledDefinition, projection: Projection, log: AuditBatch, *,
            instance_id: int, version: int, signal_id: int | None, gemeente_id: int, now: dt.datetime,
            before: dict,
            actor_id: int | None = None, completed_task_id: int | None = None, signal_row_written: bool = False,
            told_before: str | None = None) -> None:
    """Write the projections of a moved workflow (the state itself is saved by the caller).

    :param version: the version the command moved the instance to (1 for a new one): with the
        instance, the cause of the mail about the tasks it opened (:func:`engine.mail.notify.opened_causes`).
    :param told_before: the signal's ``terugkoppeling`` as the command read it, so an unchanged one
        costs no statement (:func:`engine.runtime.projections.update_feedback`).
    """
    try:
        write_tasks(conn, projection, instance_id=instance_id, signal_id=signal_id, gemeente_id=gemeente_id,
                    now=now, actor_id=actor_id, completed_task_id=completed_task_id)
    except TaskTaken:
        raise StaleInstance("Deze taak is intussen door iemand anders geclaimd of voltooid.") from None
    ended = [task_id for task_id, _naam in projection.vanished]
    if completed_task_id is not None:
        ended.append(completed_task_id)
    discard_drafts(conn, ended)  # a draft lives as long as its task is open (engine.runtime.dossier)
    queue_tasks_opened(conn, projection.created, gemeente_id=gemeente_id, now=now,  # mail outbox (engine.mail.notify)
                       instance_id=instance_id, version=version, spoed=projection.spoed)
    if compiled.timers:
        task_ids = {task["spiff_task_id"]: task["id"] for task in projection.created}
        write_timers(conn, projection, compiled, instance_id=instance_id, before=before,
                     task_ids=task_ids, now=now)
        apply_timer_effects(conn, projection.fired, signal_id=signal_id, gemeente_id=gemeente_id, now=now, log=log)
    if projection.care is not None:  # a care trajectory: its own row, never the signal's (engine.runtime.care)
        write_care(conn, instance_id, projection.care, finished=projection.status != RUNNING, now=now)
        log_task_changes(log, projection)
        if projection.status != RUNNING:
            log.add("zorgtraject_afgerond", uitkomst=projection.uitkomst)
        log.write(conn)
        return
    if signal_id is not None and not signal_row_written:
        update_signal(conn, projection, signal_id, now)
    log_task_changes(log, projection)
    if signal_id is not None:
        tell_reporter(conn, projection, signal_id, log, now=now, told_before=told_before)
    if projection.status != RUNNING:
        log.add("signaal_afgerond", uitkomst=projection.uitkomst, route=projection.route)
    log.write(conn)
