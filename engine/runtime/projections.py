"""Keep the projection tables in step with a workflow, in the command's transaction.

Screens read ``human_task`` and ``signal`` only (invariant 4); this module is the one
writer of both after a workflow moved. :func:`project` works out what changed from the
workflow alone; :func:`write_tasks` writes it with a handful of prepared statements.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, and_, bindparam, insert, or_, select, update

from ..definitions.validation import CompiledDefinition, parse_duration
from ..domain.acute import is_acute
from ..domain.care import CARE_KIND
from ..domain.feedback import feedback_from
from ..domain.status import SignalStatus, TaskStatus, TimerStatus
from ..domain.working_days import add_working_days, parse_working_days
from ..people.access import covenant_for_route
from ..store.driver_sql import DriverStatement
from ..store.schema import human_task, signal, timer
from .care_projection import care_data

# The status values as this module's names (engine.domain.status holds them all).
OPEN, DONE, CANCELLED = TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.CANCELLED
RUNNING, FINISHED = SignalStatus.RUNNING, SignalStatus.FINISHED
WAITING, FIRED = TimerStatus.WAITING, TimerStatus.FIRED  # timer rows; a cancelled timer is CANCELLED too


@dataclass(frozen=True)
class WaitingTimer:
    """A timer the workflow waits on, as a ``timer`` row needs it."""

    spiff_task_id: str
    bpmn_id: str
    due_at: dt.datetime
    attached_task: str | None  # spiff id of the user task a boundary timer sits on


@dataclass(frozen=True)
class FiredTimer:
    """A timer row that fired in this command (for the audit log and its effects)."""

    timer_id: int
    bpmn_id: str
    naam: str
    actie: str | None
    due_at: dt.datetime
    human_task_id: int | None


@dataclass
class Projection:
    """What a workflow looks like to the screens after a command."""

    new_tasks: list[dict] = field(default_factory=list)
    vanishing: list[str] = field(default_factory=list)  # spiff ids of open rows no longer ready
    vanished: list[tuple[int, str]] = field(default_factory=list)  # their (human_task id, name), after write_tasks
    status: str = RUNNING
    fase: str | None = None
    uitkomst: str | None = None
    route: str | None = None
    created: list[dict] = field(default_factory=list)  # the new tasks' ids and names, after write_tasks
    waiting: dict[str, WaitingTimer] = field(default_factory=dict)
    finished_timers: dict[str, bool] = field(default_factory=dict)  # spiff id → fired (True) or cancelled
    fired: list[FiredTimer] = field(default_factory=list)  # after write_timers
    terugkoppeling: str | None = None  # what the reporter is told (engine.domain.feedback), None: nothing yet
    # (spiff id, process key) of each reached ``start_proces`` element (engine.runtime.care).
    starts: list[tuple[str, str]] = field(default_factory=list)
    # A care trajectory's categories (engine.runtime.care_projection); None for any other process.
    care: dict | None = None
    spoed: bool = False  # an acute signal (engine.domain.acute): its task mails go out at once

    def signal_values(self, now: dt.datetime) -> dict:
        return {
            "status": self.status,
            "fase": self.fase,
            "uitkomst": self.uitkomst,
            "route": self.route,
            "convenant": covenant_for_route(self.route),  # the case is shared under it once routed
            "updated_at": now,
            "closed_at": now if self.status == FINISHED else None,
        }


def _all_tasks(wf: BpmnWorkflow):
    """Every task of the workflow and its subworkflows, in creation order (no tree walk)."""
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def _last_end(reached: list, compiled: CompiledDefinition) -> str | None:
    """The id of the end event reached last, preferring one that tells the reporter an outcome: a
    side branch (an escalation, 'Acute situatie opvolgen') may end after the route's own end."""
    if not reached:
        return None
    telling = [t for t in reached if t.task_spec.bpmn_id in compiled.end_feedback]
    return max(telling or reached, key=lambda t: t.last_state_change).task_spec.bpmn_id


def _due(task) -> dt.datetime | None:
    """When a WAITING timer task fires, from what SpiffWorkflow evaluated for it."""
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle: the next occurrence
        return dt.datetime.fromisoformat(value["next"]) if value.get("cycles") != 0 else None
    if isinstance(value, str):
        return TimerEventDefinition.get_datetime(value)
    return None


def _waiting_timer(task) -> WaitingTimer | None:
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    due = _due(task)
    if due is None:
        return None
    attached = None
    parent = task.parent
    if parent is not None and parent.task_spec.name.endswith(".BoundaryEventSplit"):
        attached = next((str(c.id) for c in parent.children if c.task_spec.manual), None)
    return WaitingTimer(str(task.id), task.task_spec.bpmn_id, due, attached)


def waiting_before(wf: BpmnWorkflow, compiled: CompiledDefinition) -> dict[str, WaitingTimer]:
    """The workflow's waiting timers as its ``timer`` rows show them: call it before the engine runs.

    The rows are written from the same scan in the same transaction as the state, so the
    restored workflow tells which rows are waiting, and a command need not read them.
    """
    if not compiled.timers:
        return {}
    waiting = {}
    for task in _all_tasks(wf):
        if task._state == TaskState.WAITING and (found := _waiting_timer(task)) is not None:
            waiting[found.spiff_task_id] = found
    return waiting


def _scan(wf: BpmnWorkflow, compiled: CompiledDefinition):
    """One pass over the tasks: READY user tasks, waiting timers, end events and process starts reached."""
    ready, waiting, reached, starts = [], {}, [], []
    end_events, process_starts = compiled.end_events, compiled.process_starts
    for task in _all_tasks(wf):
        state = task._state
        if state == TaskState.READY:
            if task.task_spec.manual:
                ready.append(task)
        elif state == TaskState.WAITING:
            if compiled.timers and (found := _waiting_timer(task)) is not None:
                waiting[found.spiff_task_id] = found
        elif state == TaskState.COMPLETED:
            bpmn_id = task.task_spec.bpmn_id
            if bpmn_id in end_events:
                reached.append(task)
            if process_starts and bpmn_id in process_starts:
                starts.append((str(task.id), process_starts[bpmn_id]))
    return ready, waiting, reached, starts


def _deadline(task, compiled: CompiledDefinition, waiting: dict[str, WaitingTimer], now: dt.datetime):
    """A user task's due time: its escalation timer's, else now + its ``deadline`` property."""
    spiff_id = str(task.id)
    for waiting_timer in waiting.values():
        meta = compiled.timers.get(waiting_timer.bpmn_id)
        if waiting_timer.attached_task == spiff_id and meta is not None and meta.actie == "escalatie":
            return waiting_timer.due_at
    deadline = compiled.tasks[task.task_spec.bpmn_id].deadline
    if not deadline:
        return None
    working_days = parse_working_days(deadline)
    return add_working_days(now, working_days) if working_days else now + parse_duration(deadline)


def open_before(wf: BpmnWorkflow) -> set[str]:
    """The spiff ids of the READY user tasks, i.e. the instance's open ``human_task`` rows: call before the engine runs."""
    return {str(task.id) for task in _all_tasks(wf) if task._state == TaskState.READY and task.task_spec.manual}


def project(wf: BpmnWorkflow, compiled: CompiledDefinition, open_tasks,
            now: dt.datetime, before: dict[str, WaitingTimer] | None = None) -> Projection:
    """Compare the workflow's READY user tasks and WAITING timers with their rows.

    :param open_tasks: the spiff task ids of the instance's open rows (a set, or a mapping keyed by them),
        without the one the command itself completes.
    :param before: the timers that were waiting before the command (:func:`waiting_before`).
    """
    result = Projection()
    ready, result.waiting, reached, result.starts = _scan(wf, compiled)
    if compiled.meta.get("soort") == CARE_KIND:
        result.care = care_data(wf)
    for spiff_id in before or {}:
        if spiff_id not in result.waiting:
            try:
                task = wf.get_task_from_id(UUID(spiff_id))
            except TaskNotFoundException:  # pruned with a branch that was not taken
                task = None
            result.finished_timers[spiff_id] = task is not None and task.state == TaskState.COMPLETED
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
            "due_at": _deadline(task, compiled, result.waiting, now),
            "casustafel": meta.casustafel,
        })
    result.vanishing = [spiff_id for spiff_id in open_tasks if spiff_id not in ready_ids]
    # The newest ready task carries the newest data: beside a long-open side task (acute follow-up)
    # the route's own branch has moved on (route, terugkoppeling).
    data = ready[-1].data if ready else (wf.last_task.data if wf.last_task is not None else wf.data)
    route = data.get("route")
    result.route = route if isinstance(route, str) else None
    result.fase = ", ".join(sorted(names)) or None
    end_feedback = None
    if not ready and wf.is_completed():
        result.status = FINISHED
        last = _last_end(reached, compiled)
        result.uitkomst = compiled.end_events[last] if last else None
        end_feedback = compiled.end_feedback.get(last or "")
    result.terugkoppeling = feedback_from(data.get("terugkoppeling"), end_feedback)
    result.spoed = is_acute(data)
    return result


# The writes every command makes run on the driver's cursor (engine.store.driver_sql).
_INSERT_TASK = DriverStatement(insert(human_task).returning(human_task.c.id))
_DONE = DriverStatement(
    update(human_task)
    .where(
        human_task.c.id == bindparam("task_id"),
        human_task.c.status == OPEN,
        or_(human_task.c.toegewezen_aan.is_(None), human_task.c.toegewezen_aan == bindparam("actor_id")),
    )
    .values(status=DONE, completed_by=bindparam("actor_id"), completed_at=bindparam("now"),
            toegewezen_aan=bindparam("actor_id"))
)
_CANCEL = DriverStatement(
    update(human_task)
    .where(and_(human_task.c.instance_id == bindparam("of_instance"),
                human_task.c.spiff_task_id == bindparam("of_spiff_task"), human_task.c.status == OPEN))
    .values(status=CANCELLED, completed_at=bindparam("now"))
    .returning(human_task.c.id, human_task.c.naam)
)
_TASK_ID_OF = select(human_task.c.id).where(
    human_task.c.instance_id == bindparam("instance_id"), human_task.c.spiff_task_id == bindparam("spiff_task_id")
)
_UPDATE_SIGNAL = DriverStatement(update(signal).where(signal.c.id == bindparam("signal_id")))


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
        if _DONE.rowcount(conn, {"task_id": completed_task_id, "actor_id": actor_id, "now": now}) != 1:
            raise TaskTaken()
    for spiff_id in projection.vanishing:
        row = _CANCEL.first(conn, {"of_instance": instance_id, "of_spiff_task": spiff_id, "now": now})
        if row is not None:
            projection.vanished.append((row[0], row[1]))
    for row in projection.new_tasks:
        (new_id,) = _INSERT_TASK.first(conn, {
            **row, "instance_id": instance_id, "signal_id": signal_id, "gemeente_id": gemeente_id,
        })
        projection.created.append({"id": new_id, "naam": row["naam"], "bpmn_id": row["bpmn_id"], "rol": row["rol"],
                                   "spiff_task_id": row["spiff_task_id"]})


def update_signal(conn: Connection, projection: Projection, signal_id: int, now: dt.datetime) -> None:
    _UPDATE_SIGNAL.rowcount(conn, {"signal_id": signal_id, **projection.signal_values(now)})


# Only a change is written (and so mailed): the same feedback again matches no row.
_UPDATE_FEEDBACK = DriverStatement(
    update(signal)
    .where(signal.c.id == bindparam("signal_id"),
           or_(signal.c.terugkoppeling.is_(None), signal.c.terugkoppeling != bindparam("kind")))
    .values(terugkoppeling=bindparam("kind"), teruggekoppeld_op=bindparam("now"))
    .returning(signal.c.gemeld_door, signal.c.referentie)
)


def update_feedback(conn: Connection, projection: Projection, signal_id: int, now: dt.datetime,
                    told_before: str | None = None):
    """Store what the reporter is told if it changed; returns ``(gemeld_door, referentie)`` then, else ``None``.

    Costs no statement when there is nothing to tell or it is what the signal row said when the
    command read it (``told_before``); the update's own condition still guards a concurrent change.

    :param told_before: the signal's ``terugkoppeling`` as the command read it (``None``: unknown or none).
    """
    if projection.terugkoppeling is None or projection.terugkoppeling == told_before:
        return None
    return _UPDATE_FEEDBACK.first(conn, {"signal_id": signal_id, "kind": projection.terugkoppeling, "now": now})


_RETURNED = (timer.c.id, timer.c.bpmn_id, timer.c.naam, timer.c.actie, timer.c.human_task_id)
_OF_TIMER = (timer.c.instance_id == bindparam("of_instance"), timer.c.spiff_task_id == bindparam("of_spiff_task"),
             timer.c.status == WAITING)
_INSERT_TIMER = DriverStatement(insert(timer))
_REARM_TIMER = DriverStatement(
    update(timer)
    .where(*_OF_TIMER)
    .values(due_at=bindparam("due_at"), attempt_at=bindparam("due_at"), afgevuurd=timer.c.afgevuurd + 1,
            fired_at=bindparam("now"), pogingen=0, fout=None)
    .returning(*_RETURNED)
)
_FINISH_TIMER = DriverStatement(
    update(timer)
    .where(*_OF_TIMER)
    .values(status=bindparam("new_status"), afgevuurd=timer.c.afgevuurd + bindparam("fired"),
            fired_at=bindparam("fired_at"))
    .returning(*_RETURNED)
)


def _task_id(conn: Connection, instance_id: int, spiff_id: str | None, task_ids: dict[str, int]) -> int | None:
    if spiff_id is None:
        return None
    if spiff_id in task_ids:
        return task_ids[spiff_id]
    return conn.execute(_TASK_ID_OF, {"instance_id": instance_id, "spiff_task_id": spiff_id}).scalar()


def write_timers(conn: Connection, projection: Projection, compiled: CompiledDefinition, *, instance_id: int,
                 before: dict[str, WaitingTimer], task_ids: dict[str, int], now: dt.datetime) -> None:
    """Bring the instance's ``timer`` rows in line with its waiting timers.

    A row whose timer is no longer waiting fired (its task completed) or was cancelled
    (its task was, e.g. the user task it sat on was done first); a cycle that fired is
    re-armed with its next due time. What fired is added to ``projection.fired``.

    :param before: the timers waiting before the command, as their rows hold them.
    :param task_ids: spiff task id → human_task id of the tasks created in this command, to
        link boundary timers to tasks (an older task's id is looked up).
    """
    for spiff_id, fired in projection.finished_timers.items():
        row = _FINISH_TIMER.first(conn, {
            "of_instance": instance_id, "of_spiff_task": spiff_id, "new_status": FIRED if fired else CANCELLED,
            "fired": 1 if fired else 0, "fired_at": now if fired else None,
        })
        if fired and row is not None:
            timer_id, bpmn_id, naam, actie, human_task_id = row
            projection.fired.append(FiredTimer(timer_id, bpmn_id, naam, actie, before[spiff_id].due_at, human_task_id))
    new_rows = []
    for spiff_id, waiting in projection.waiting.items():
        old = before.get(spiff_id)
        if old is None:
            meta = compiled.timers.get(waiting.bpmn_id)
            new_rows.append({
                "instance_id": instance_id, "spiff_task_id": spiff_id, "bpmn_id": waiting.bpmn_id,
                "naam": meta.naam if meta else waiting.bpmn_id, "actie": meta.actie if meta else None,
                "human_task_id": _task_id(conn, instance_id, waiting.attached_task, task_ids), "due_at": waiting.due_at,
                "attempt_at": waiting.due_at, "status": WAITING, "afgevuurd": 0, "pogingen": 0, "created_at": now,
            })
        elif old.due_at != waiting.due_at:  # a cycle fired and waits for its next occurrence
            row = _REARM_TIMER.first(conn, {"of_instance": instance_id, "of_spiff_task": spiff_id,
                                            "due_at": waiting.due_at, "now": now})
            if row is not None:
                timer_id, bpmn_id, naam, actie, human_task_id = row
                projection.fired.append(FiredTimer(timer_id, bpmn_id, naam, actie, old.due_at, human_task_id))
    if new_rows:
        _INSERT_TIMER.executemany(conn, new_rows)
