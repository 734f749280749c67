"""The few places where SpiffWorkflow 3.2 needs a guard before we can rely on it.

* Task-tree walks stop at depth 1000 (``TaskIterator(max_depth=1000)``): a loop of a
  few hundred iterations makes READY tasks invisible and ``is_completed()`` wrongly
  true. The iterator walks without recursion, so we raise the default depth.
* A DMN table without a matching rule returns nothing and the process fails later
  with a confusing NameError. :class:`StrictDMNEngine` raises at the decision.
* Every task state change builds a dict of logging details (``collect_log_extras``) before it
  asks the logger, also when nobody logs at that level: about a sixth of a replay's time
  (engine.runtime.replay). :func:`_set_state` builds it only when the ``spiff.task`` logger
  would write the record; what it writes is unchanged.
* Timer events read the wall clock (``datetime.now``) themselves. Commands take ``now``
  from one clock object (invariant 8), so inside :func:`engine_time` the timer code
  sees the command's ``now``: a timer's due time is the command's time plus its
  duration, and tests can move time.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import time
from collections.abc import Iterator

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _timer_module
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator, TaskState

MAX_TASK_DEPTH = 10_000_000


def _raise_depth_default(cls) -> None:
    defaults = list(cls.__init__.__defaults__)
    # (end_at_spec, max_depth, ...) in both classes' signatures
    defaults[1] = MAX_TASK_DEPTH
    cls.__init__.__defaults__ = tuple(defaults)


_raise_depth_default(TaskIterator)
_raise_depth_default(BpmnTaskIterator)

_TASK_LOG = logging.getLogger("spiff.task")  # SpiffWorkflow.task's logger


def _set_state(self, value: int) -> None:
    """``Task._set_state`` as SpiffWorkflow 3.2 has it, the log record's details built only when logged."""
    if value != self.state:
        now = time.time()
        elapsed = now - self.last_state_change
        self.last_state_change = now
        self._state = value
        if _TASK_LOG.isEnabledFor(logging.INFO):
            _TASK_LOG.info(f"State changed to {TaskState.get_name(value)}",
                           extra=self.collect_log_extras({"elapsed": elapsed}))
    elif _TASK_LOG.isEnabledFor(logging.DEBUG):
        _TASK_LOG.debug(f"State set to {TaskState.get_name(value)}", extra=self.collect_log_extras())


Task._set_state = _set_state

_NOW: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("signaalroute_now", default=None)


class _CommandDatetime(dt.datetime):
    """``datetime`` for SpiffWorkflow's timer module: ``now()`` is the command's time."""

    @classmethod
    def now(cls, tz=None):
        now = _NOW.get()
        if now is None:
            return dt.datetime.now(tz)
        return now.astimezone(tz) if tz is not None else now


_timer_module.datetime = _CommandDatetime


def coalesce_cycles(wf) -> None:
    """Let a cycle timer that missed several occurrences fire once, not once per occurrence.

    After downtime SpiffWorkflow would catch up every missed occurrence of a cycle (say,
    eight follow-up tasks at once after four months). Like APScheduler's ``coalesce``,
    we move the cycle to its last occurrence at or before now, so one fires.
    """
    now = command_now()
    waiting = (task for workflow in (wf, *wf.subprocesses.values()) for task in workflow.tasks.values()
               if task.state == TaskState.WAITING)
    for task in waiting:
        value = task.internal_data.get("event_value")
        if not (isinstance(value, dict) and "next" in value and value.get("duration")):
            continue
        step = dt.timedelta(seconds=value["duration"])
        due = dt.datetime.fromisoformat(value["next"])
        missed = int((now - due) / step) if now - due >= step else 0
        if missed and value.get("cycles", -1) != 0:
            if value["cycles"] > 0:
                missed = min(missed, value["cycles"] - 1)
                value["cycles"] -= missed
            value["next"] = (due + missed * step).isoformat()


def command_now() -> dt.datetime:
    """The time the running command's timers see (the wall clock outside :func:`engine_time`)."""
    return _NOW.get() or dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def engine_time(now: dt.datetime) -> Iterator[None]:
    """Run workflow code with ``now`` as the time its timers see."""
    token = _NOW.set(now)
    try:
        yield
    finally:
        _NOW.reset(token)


class NoMatchingRule(WorkflowTaskException):
    """A decision table had no rule for the data it was given (``task`` is the rule task)."""


_DECISIONS: contextvars.ContextVar[list | None] = contextvars.ContextVar("signaalroute_decisions", default=None)


@contextlib.contextmanager
def recording_decisions(into: list) -> Iterator[None]:
    """Append each decision taken inside the block to ``into``: ``(task, decision id, decision name,
    matched rules)``, so a try-out (engine.runtime.sandbox_run) can show the table row that decided."""
    token = _DECISIONS.set(into)
    try:
        yield
    finally:
        _DECISIONS.reset(token)


class StrictDMNEngine(DMNEngine):
    """A DMN engine that refuses to decide nothing."""

    def __init__(self, decision_table, decision_id: str, decision_name: str):
        super().__init__(decision_table)
        self.decision_id = decision_id
        self.decision_name = decision_name

    def result(self, task):
        matched = self.decide(task)
        if (recorder := _DECISIONS.get()) is not None:
            recorder.append((task, self.decision_id, self.decision_name, matched))
        if not matched:
            inputs = {
                inp.expression: task.data.get(inp.expression)
                for inp in self.decision_table.inputs
                if inp.expression in task.data
            }
            raise NoMatchingRule(
                f"Beslissing '{self.decision_id}' ({self.decision_name}) heeft geen regel "
                f"die past bij {inputs}",
                task=task,
            )
        return super().result(task)


class StrictParser(SpiffBpmnParser):
    """SpiffBpmnParser whose business rule tasks use :class:`StrictDMNEngine`."""

    def get_engine(self, decision_ref, node):
        engine = super().get_engine(decision_ref, node)
        decision = self.dmn_parsers[decision_ref].decision
        return StrictDMNEngine(engine.decision_table, decision_ref, decision.name)
