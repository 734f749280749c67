"""Replay one signal's recorded answers through a process version, in memory.

The replay starts a fresh workflow of a compiled version (a deployed one from the parsed-spec cache,
or a draft compiled once) with the signal's intake data, then completes each recorded step in the
order it was completed, with the answers the case file kept for it (``dossier_stap``), at the time
it was completed (:func:`engine.spiff.spiff_compat.engine_time`: timers fall due as they did). Every
condition, decision and timer expression runs in the sandboxed script engine
(:func:`engine.spiff.serialization.new_workflow`); nothing is written, nothing is sent.

The replay never guesses. A step of the version whose form requires an answer the case file does
not hold, or a condition or decision that reads data nobody recorded, makes the signal *undecided*
(:class:`Undecided`, with the element and the field, never the data). A recorded step the version no
longer reaches ends the replay there: the path went elsewhere.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ..definitions.forms import validate_submission
from ..definitions.validation import CompiledDefinition, parse_duration
from ..errors import FieldErrors, WorkflowFailed
from ..spiff.sandbox import make_script_engine
from ..spiff.spiff_compat import engine_time
from .commands import merge_answers
from .instances import run_engine
from .projections import RUNNING, project, waiting_before

# What SpiffWorkflow says when an expression reads a name the data does not hold.
_MISSING_NAME = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


@dataclass(frozen=True)
class Step:
    """One recorded step of a signal: the user task it completed, its answers and when."""

    bpmn_id: str
    naam: str
    gegevens: dict
    voltooid_op: dt.datetime


@dataclass(frozen=True)
class Undecided:
    """Why a replay cannot decide: a kind (``veld``: a required answer not recorded; ``gegevens``: a
    condition on data not recorded; ``fout``: the process stopped; ``onverwacht``: the replay itself
    failed, engine.runtime.impact), the element and the field.
    Never carries a value."""

    soort: str
    element: str
    veld: str | None = None


@dataclass(frozen=True)
class Decision:
    """A decision table's outcome on the path: the table, the row that matched (1-based) and its output."""

    beslissing: str
    regel: int
    regel_id: str
    omschrijving: str
    uitvoer: tuple


@dataclass
class Replayed:
    """What a replay reached: the steps in order, the route and the end, each step's deadline."""

    path: list[str] = field(default_factory=list)  # user task bpmn ids, completed then still open
    route: str | None = None
    uitkomst: str | None = None
    status: str = RUNNING
    due: dict[int, dt.datetime] = field(default_factory=dict)  # recorded step index → its deadline here
    open_due: list[tuple[str, dt.datetime]] = field(default_factory=list)  # still open at the end: step, deadline
    stopped_at: int | None = None  # the first recorded step this version does not reach
    undecided: Undecided | None = None
    workflow: object = None  # the replayed workflow, for :func:`decisions` (kept only while compared)


def _ready(wf) -> list:
    """The READY user tasks, from the task dicts (no tree walk; as engine.runtime.projections scans them)."""
    return [t for w in (wf, *wf.subprocesses.values()) for t in w.tasks.values()
            if t._state == TaskState.READY and t.task_spec.manual]


class ReplayWorkflow(BpmnWorkflow):
    """A workflow for replays: SpiffWorkflow's, in the sandboxed script engine, whose update of its waiting
    tasks (run after every completed task) looks at the task dict instead of walking the task tree.

    Every waiting task is updated once per pass, those that appear during the pass too, as SpiffWorkflow
    does; the order is the tasks' creation order, not the tree's. Both replays of a signal run on this
    class, and a replay that does not reproduce the recorded path is compared with a replay, never with
    the record (engine.runtime.impact): an order that mattered would cost speed, not correctness.
    """

    def __init__(self, spec, subprocess_specs):
        super().__init__(spec, subprocess_specs, script_engine=make_script_engine())

    def collect_log_extras(self, dct: dict | None = None) -> dict:
        """SpiffWorkflow lists every task here for its log record, built also when nothing is logged."""
        extra = dict(dct or {})
        extra.update({"workflow_spec": self.spec.name, "success": self.success, "completed": self.completed,
                      "root": self.task_tree.id})
        return extra

    def update_waiting_tasks(self) -> None:
        waiting = TaskState.WAITING
        seen: set = set()
        while True:
            batch = [t for t in self.tasks.values() if t._state == waiting and t.id not in seen]
            if not batch:
                return
            for task in batch:
                seen.add(task.id)
                if task._state == waiting:
                    task.task_spec._update(task)


def _in_tree_order(wf, tasks: list) -> list:
    """``tasks`` in the order of a depth-first walk of the task tree (SpiffWorkflow's ``get_tasks`` order),
    by a plain walk of the children lists."""
    wanted = {t.id for t in tasks}
    ordered = []
    by_id = wf.tasks
    stack = [wf.task_tree]
    while stack and len(ordered) < len(wanted):
        task = stack.pop()
        if task.id in wanted:
            ordered.append(task)
        stack.extend(by_id[child] for child in reversed(task._children) if child in by_id)
    return ordered


def engine_steps(wf) -> None:
    """What ``BpmnWorkflow.do_engine_steps`` does, for a workflow without subprocesses, without a walk of
    the task tree per pass where one look at the task dict shows a single ready engine task (the usual
    case; the walk only decides the order of several). Falls back to SpiffWorkflow's own with subprocesses.
    """
    ready = TaskState.READY
    while True:
        if wf.subprocesses:  # a call activity or subprocess (perhaps one just started): SpiffWorkflow's own
            wf.do_engine_steps()
            return
        found = [t for t in wf.tasks.values() if t._state == ready and not t.task_spec.manual]
        if not found:
            break
        if len(found) > 1:  # several at once: in tree order, as SpiffWorkflow runs them
            found = _in_tree_order(wf, found)
        for task in found:
            task.run()
    wf.refresh_timers()


def _note_deadlines(wf, compiled: CompiledDefinition, seen: dict[str, dt.datetime | None], at: dt.datetime) -> None:
    """Record the deadline of each user task that became ready at ``at``: its escalation timer's due
    time, else ``at`` plus its ``deadline`` property (as :mod:`engine.runtime.projections` sets it)."""
    fresh = [t for t in _ready(wf) if str(t.id) not in seen]
    if not fresh:
        return
    waiting = waiting_before(wf, compiled)
    for task in fresh:
        spiff_id = str(task.id)
        due = None
        for timer in waiting.values():
            meta = compiled.timers.get(timer.bpmn_id)
            if timer.attached_task == spiff_id and meta is not None and meta.actie == "escalatie":
                due = timer.due_at
                break
        if due is None:
            meta = compiled.tasks.get(task.task_spec.bpmn_id)
            deadline = meta.deadline if meta is not None else None
            due = at + parse_duration(deadline) if deadline else None
        seen[spiff_id] = due


def _missing_answer(compiled: CompiledDefinition, bpmn_id: str, gegevens: dict) -> str | None:
    """The first field the version's form for ``bpmn_id`` requires that the recorded answers leave empty.

    Answers present but no longer fitting the form (a renamed choice) are used as recorded: they were
    valid when given, and the conditions decide what they mean now."""
    meta = compiled.tasks.get(bpmn_id)
    form = compiled.forms.get(meta.formulier) if meta and meta.formulier else None
    return missing_in_form(form, gegevens)


def missing_in_form(form, gegevens: dict) -> str | None:
    """The first required field of ``form`` the recorded ``gegevens`` leave empty (``None``: none)."""
    if form is None:
        return None
    try:
        validate_submission(form, gegevens, allow_extra=frozenset(gegevens))
    except FieldErrors as exc:
        for key in exc.fields:
            if _answer(gegevens, key) in (None, "", []):
                return key
    return None


def _answer(gegevens: dict, key: str):
    """The recorded answer to a (dotted) form key, or ``None``."""
    if key in gegevens:
        return gegevens[key]
    value = gegevens
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _missing_name(exc: BaseException) -> str | None:
    """The name an expression read that the data does not hold: from the ``NameError`` SpiffWorkflow
    wrapped (its message rewrites it), else from a message that quotes one."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, NameError) and exc.name:
            return exc.name
        if (found := _MISSING_NAME.search(str(exc))) is not None:
            return found.group(1)
        exc = exc.__cause__ or exc.__context__
    return None


def _failure(exc: Exception, element: str | None) -> Undecided:
    where = getattr(exc, "element_id", None) or element or "?"
    if (name := _missing_name(exc)) is not None:
        return Undecided("gegevens", where, name)
    return Undecided("fout", where)


def decisions(result: Replayed) -> list[Decision]:
    """The decision tables on a replay's path, each with the row that matched (evaluated again, in the
    sandbox): asked only for a signal whose path or outcome changed."""
    found = []
    wf = result.workflow
    if wf is None:
        return found
    for task in (t for w in (wf, *wf.subprocesses.values()) for t in w.tasks.values()):
        if task._state != TaskState.COMPLETED:
            continue
        engine = getattr(task.task_spec, "dmnEngine", None)
        if engine is None:
            continue
        rules = engine.decide(task)
        if not rules:
            continue
        rule = rules[0]
        table = engine.decision_table
        index = table.rules.index(rule) + 1
        # The output cells as the table writes them (``"zorg_en_strafrecht"``), never their values: a cell
        # may be an expression on the case's data.
        output = tuple((entry.output.name or entry.output.label or "", (entry.text or "").strip())
                       for entry in rule.outputEntries)
        found.append(Decision(getattr(engine, "decision_name", "") or getattr(engine, "decision_id", ""),
                              index, rule.id or "", rule.description or "", output))
    return found


def replay(compiled: CompiledDefinition, start_data: dict, reported_at: dt.datetime, steps: list[Step],
           now: dt.datetime, *, check_forms: bool = True) -> Replayed:
    """Replay a signal through ``compiled``: start with ``start_data`` at ``reported_at``, complete
    ``steps`` in order, stop at the first one the version does not reach.

    :param now: the end of the replay (timers due by then fire).
    :param check_forms: whether each step's recorded answers must satisfy the version's form (off for the
        version the answers were given on).
    """
    result = Replayed()
    start_form = compiled.forms.get(compiled.start_form or "") if check_forms else None
    if (name := missing_in_form(start_form, start_data)) is not None:
        result.undecided = Undecided("veld", compiled.start_form or "start", name)
        return result
    wf = ReplayWorkflow(compiled.spec, compiled.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(start_data)
    seen: dict[str, dt.datetime | None] = {}
    element = None
    try:
        with engine_time(reported_at):
            run_engine(wf, engine_steps=engine_steps)
        _note_deadlines(wf, compiled, seen, reported_at)
        for index, step in enumerate(steps):
            task = next((t for t in _ready(wf) if t.task_spec.bpmn_id == step.bpmn_id), None)
            if task is None:
                with engine_time(step.voltooid_op):  # a timer may open it (a follow-up moment)
                    wf.refresh_timers()
                    run_engine(wf, engine_steps=engine_steps)
                _note_deadlines(wf, compiled, seen, step.voltooid_op)
                task = next((t for t in _ready(wf) if t.task_spec.bpmn_id == step.bpmn_id), None)
            if task is None:
                result.stopped_at = index
                break
            if check_forms and (name := _missing_answer(compiled, step.bpmn_id, step.gegevens)) is not None:
                result.undecided = Undecided("veld", step.bpmn_id, name)
                return result
            element = step.bpmn_id
            if (due := seen.get(str(task.id))) is not None:
                result.due[index] = due
            result.path.append(step.bpmn_id)
            merge_answers(task.data, step.gegevens)
            with engine_time(step.voltooid_op):
                task.run()
                run_engine(wf, step.bpmn_id, engine_steps=engine_steps)
            _note_deadlines(wf, compiled, seen, step.voltooid_op)
        with engine_time(now):
            wf.refresh_timers()
            run_engine(wf, engine_steps=engine_steps)
        _note_deadlines(wf, compiled, seen, now)
    except (WorkflowFailed, SpiffWorkflowException) as exc:
        result.undecided = _failure(exc, getattr(exc, "element_id", None) or element)
        return result
    for task in _ready(wf):
        result.path.append(task.task_spec.bpmn_id)
        if (due := seen.get(str(task.id))) is not None:
            result.open_due.append((task.task_spec.bpmn_id, due))
    projection = project(wf, compiled, set(), now)
    result.route, result.uitkomst, result.status = projection.route, projection.uitkomst, projection.status
    result.workflow = wf
    return result

