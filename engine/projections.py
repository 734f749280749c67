"""Keep the projection tables in step with a workflow, in the command's transaction.

Screens read ``human_task`` and ``signal`` only (invariant 4); this module is the one
writer of both after a workflow moved.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, insert, select, update

from .schema import human_task, signal
from .validation import CompiledDefinition, parse_duration

OPEN, DONE, CANCELLED = "open", "voltooid", "vervallen"
RUNNING, FINISHED = "lopend", "afgerond"


@dataclass
class SyncResult:
    """What changed in the projections: for the audit log and the response."""

    created: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    status: str = RUNNING
    uitkomst: str | None = None
    route: str | None = None


def ready_user_tasks(wf: BpmnWorkflow) -> list:
    return wf.get_tasks(state=TaskState.READY, manual=True)


def current_data(wf: BpmnWorkflow) -> dict:
    """The process data as it stands: of an open task, else of the last one run."""
    ready = ready_user_tasks(wf)
    if ready:
        return ready[0].data
    if wf.last_task is not None:
        return wf.last_task.data
    return wf.data


def _outcome(wf: BpmnWorkflow, compiled: CompiledDefinition) -> str | None:
    reached = [
        task for task in wf.get_tasks(state=TaskState.COMPLETED)
        if task.task_spec.bpmn_id in compiled.end_events
    ]
    if not reached:
        return None
    last = max(reached, key=lambda t: t.last_state_change)
    return compiled.end_events[last.task_spec.bpmn_id]


def sync(conn: Connection, wf: BpmnWorkflow, compiled: CompiledDefinition, *, instance_id: int,
         signal_id: int | None, gemeente_id: int, now: dt.datetime, actor_id: int | None,
         completed_task: str | None = None) -> SyncResult:
    """Bring ``human_task`` and ``signal`` in line with ``wf``."""
    result = SyncResult()
    ready = {str(task.id): task for task in ready_user_tasks(wf)}
    open_rows = conn.execute(
        select(human_task.c.id, human_task.c.spiff_task_id, human_task.c.naam)
        .where(human_task.c.instance_id == instance_id, human_task.c.status == OPEN)
    ).all()
    known = set()
    for row in open_rows:
        known.add(row.spiff_task_id)
        if row.spiff_task_id in ready:
            continue
        if row.spiff_task_id == completed_task:
            values = {"status": DONE, "completed_by": actor_id, "completed_at": now}
        else:
            values = {"status": CANCELLED, "completed_at": now}
            result.cancelled.append(row.naam)
        conn.execute(update(human_task).where(human_task.c.id == row.id).values(**values))
    new_rows = []
    for spiff_id, task in ready.items():
        if spiff_id in known:
            continue
        meta = compiled.tasks[task.task_spec.bpmn_id]
        new_rows.append({
            "instance_id": instance_id,
            "signal_id": signal_id,
            "gemeente_id": gemeente_id,
            "spiff_task_id": spiff_id,
            "bpmn_id": meta.bpmn_id,
            "naam": meta.naam,
            "rol": meta.rol,
            "formulier": meta.formulier,
            "status": OPEN,
            "created_at": now,
            "due_at": now + parse_duration(meta.deadline) if meta.deadline else None,
        })
        result.created.append(meta.naam)
    if new_rows:
        conn.execute(insert(human_task), new_rows)
    finished = wf.is_completed()
    result.status = FINISHED if finished else RUNNING
    data = current_data(wf)
    result.route = data.get("route") if isinstance(data.get("route"), str) else None
    result.uitkomst = _outcome(wf, compiled) if finished else None
    if signal_id is not None:
        fase = ", ".join(sorted({compiled.tasks[t.task_spec.bpmn_id].naam for t in ready.values()})) or None
        conn.execute(
            update(signal).where(signal.c.id == signal_id).values(
                status=result.status,
                fase=fase,
                uitkomst=result.uitkomst,
                route=result.route,
                updated_at=now,
                closed_at=now if finished else None,
            )
        )
    return result
