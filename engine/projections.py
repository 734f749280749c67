"""Keep the projection tables in step with a workflow, in the command's transaction.

Screens read ``human_task`` and ``signal`` only (invariant 4); this module is the one
writer of both after a workflow moved. :func:`project` works out what changed from the
workflow alone; :func:`write_tasks` writes it with a handful of prepared statements.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, and_, bindparam, insert, or_, update

from .schema import human_task, signal
from .validation import CompiledDefinition, parse_duration

OPEN, DONE, CANCELLED = "open", "voltooid", "vervallen"
RUNNING, FINISHED = "lopend", "afgerond"


@dataclass
class Projection:
    """What a workflow looks like to the screens after a command."""

    new_tasks: list[dict] = field(default_factory=list)
    vanished: list[tuple[int, str]] = field(default_factory=list)  # (human_task id, name) no longer ready
    status: str = RUNNING
    fase: str | None = None
    uitkomst: str | None = None
    route: str | None = None
    created: list[dict] = field(default_factory=list)  # the new tasks' ids and names, after write_tasks

    def signal_values(self, now: dt.datetime) -> dict:
        return {
            "status": self.status,
            "fase": self.fase,
            "uitkomst": self.uitkomst,
            "route": self.route,
            "updated_at": now,
            "closed_at": now if self.status == FINISHED else None,
        }


def _outcome(wf: BpmnWorkflow, compiled: CompiledDefinition) -> str | None:
    reached = [
        task for task in wf.get_tasks(state=TaskState.COMPLETED)
        if task.task_spec.bpmn_id in compiled.end_events
    ]
    if not reached:
        return None
    last = max(reached, key=lambda t: t.last_state_change)
    return compiled.end_events[last.task_spec.bpmn_id]


def project(wf: BpmnWorkflow, compiled: CompiledDefinition, open_tasks: dict[str, tuple[int, str]],
            now: dt.datetime) -> Projection:
    """Compare the workflow's READY user tasks with the open ``human_task`` rows.

    :param open_tasks: spiff task id → (human_task id, name) of the instance's open rows,
        without the one the command itself completes.
    """
    result = Projection()
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    ready_ids = set()
    names = set()
    for task in ready:
        spiff_id = str(task.id)
        ready_ids.add(spiff_id)
        meta = compiled.tasks[task.task_spec.bpmn_id]
        names.add(meta.naam)
        if spiff_id in open_tasks:
            continue
        result.new_tasks.append({
            "spiff_task_id": spiff_id,
            "bpmn_id": meta.bpmn_id,
            "naam": meta.naam,
            "rol": meta.rol,
            "formulier": meta.formulier,
            "status": OPEN,
            "created_at": now,
            "due_at": now + parse_duration(meta.deadline) if meta.deadline else None,
        })
    result.vanished = [row for spiff_id, row in open_tasks.items() if spiff_id not in ready_ids]
    data = ready[0].data if ready else (wf.last_task.data if wf.last_task is not None else wf.data)
    route = data.get("route")
    result.route = route if isinstance(route, str) else None
    result.fase = ", ".join(sorted(names)) or None
    if not ready and wf.is_completed():
        result.status = FINISHED
        result.uitkomst = _outcome(wf, compiled)
    return result


_INSERT_TASK = insert(human_task).returning(human_task.c.id)
_DONE = (
    update(human_task)
    .where(
        human_task.c.id == bindparam("task_id"),
        human_task.c.status == OPEN,
        or_(human_task.c.toegewezen_aan.is_(None), human_task.c.toegewezen_aan == bindparam("actor_id")),
    )
    .values(status=DONE, completed_by=bindparam("actor_id"), completed_at=bindparam("now"),
            toegewezen_aan=bindparam("actor_id"))
)
_CANCEL = (
    update(human_task)
    .where(and_(human_task.c.id == bindparam("task_id"), human_task.c.status == OPEN))
    .values(status=CANCELLED, completed_at=bindparam("now"))
)
_UPDATE_SIGNAL = update(signal).where(signal.c.id == bindparam("signal_id"))


class TaskTaken(Exception):
    """The completed task was claimed or completed by someone else meanwhile."""


def write_tasks(conn: Connection, projection: Projection, *, instance_id: int, signal_id: int | None,
                gemeente_id: int, now: dt.datetime, actor_id: int | None = None,
                completed_task_id: int | None = None) -> None:
    """Write the task side of ``projection``: the completed task, cancelled and new rows.

    The completed task is only marked done if it is still open and unclaimed or the
    actor's own; otherwise :class:`TaskTaken` is raised and the caller rolls back.
    """
    if completed_task_id is not None:
        done = conn.execute(_DONE, {"task_id": completed_task_id, "actor_id": actor_id, "now": now})
        if done.rowcount != 1:
            raise TaskTaken()
    for task_id, _name in projection.vanished:
        conn.execute(_CANCEL, {"task_id": task_id, "now": now})
    for row in projection.new_tasks:
        new_id = conn.execute(_INSERT_TASK, {
            **row, "instance_id": instance_id, "signal_id": signal_id, "gemeente_id": gemeente_id,
        }).scalar_one()
        projection.created.append({"id": new_id, "naam": row["naam"], "bpmn_id": row["bpmn_id"], "rol": row["rol"]})


def update_signal(conn: Connection, projection: Projection, signal_id: int, now: dt.datetime) -> None:
    conn.execute(_UPDATE_SIGNAL, {"signal_id": signal_id, **projection.signal_values(now)})
