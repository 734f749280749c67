"""A compact codec for workflow state: the task tree as flat arrays, without the spec.

SpiffWorkflow's serializer walks every task through its generic converter registry:
UUIDs become strings and are parsed back one by one, each task's data is stored as a
delta computed key by key and rebuilt by deep-merging its parent's data, and equal UUIDs
come back as distinct objects, so every later parent/child look-up compares them with
Python-level ``__eq__``. For a route of a few dozen tasks that is most of the cost of a
command. This codec stores the same facts, in the same meaning, more directly:

* task ids once, as 32-digit hex; parent and children as indexes into that list, so a
  restored tree shares one UUID object per task;
* a task's data as "same as the parent's" when it is equal (the common case — a task
  inherits its data from its parent), else the keys that changed and the keys deleted
  (as SpiffWorkflow's delta); values go through SpiffWorkflow's registry only where they
  are not plain JSON;
* subworkflows (call activities, subprocesses) the same way, keyed by their task.

A restored task's data is a copy of its parent's with mutable values copied one level
deep — the same sharing SpiffWorkflow's own restore gives (``DeepMerge.merge({}, …)``).
"""
from __future__ import annotations

from copy import copy
from types import ModuleType
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

FORMAT = 1
_PLAIN = (str, int, float, bool, type(None))
_MUTABLE = (dict, list, set)
_WAITING = TaskState.WAITING
_SAME = 0  # data marker: equal to the parent's data


def _uuid(hex_digits: str) -> UUID:
    """A UUID from 32 hex digits, without ``UUID.__init__``'s string parsing."""
    value = object.__new__(UUID)
    object.__setattr__(value, "int", int(hex_digits, 16))
    object.__setattr__(value, "is_safe", SafeUUID.unknown)
    return value


def _is_plain(value) -> bool:
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is dict:
        return all(type(k) is str and _is_plain(v) for k, v in value.items())
    if kind is list:
        return all(_is_plain(v) for v in value)
    return False


class StateCodec:
    """Encode and decode workflows; ``registry`` is SpiffWorkflow's converter registry."""

    def __init__(self, registry):
        self.registry = registry

    # -- encoding ---------------------------------------------------------------------

    def _value(self, value):
        return value if _is_plain(value) else self.registry.convert(value)

    def _mapping(self, mapping: dict) -> dict:
        return {k: self._value(v) for k, v in mapping.items() if not callable(v) and not isinstance(v, ModuleType)}

    def encode(self, workflow) -> dict:
        """The state of ``workflow`` (top level) as a JSON-ready dict."""
        subprocesses = {str(task_id): self._encode_workflow(sub) | {"spec": sub.spec.name}
                        for task_id, sub in workflow.subprocesses.items()}
        return {
            "format": FORMAT,
            "workflow": self._encode_workflow(workflow),
            "subprocesses": subprocesses,
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }

    def _encode_workflow(self, workflow) -> dict:
        tasks = workflow.tasks
        index = {task_id: i for i, task_id in enumerate(tasks)}
        rows = []
        for task in tasks.values():
            parent = tasks.get(task._parent) if task._parent is not None else None
            data = task.data
            if parent is None:
                stored = self._mapping(data)
            elif data == parent.data:
                stored = _SAME
            else:
                pdata = parent.data
                stored = [self._mapping({k: v for k, v in data.items() if k not in pdata or pdata[k] != v}),
                          [k for k in pdata if k not in data]]
            rows.append([
                task.id.hex,
                index[task._parent] if parent is not None else -1,
                [index[child] for child in task._children],
                task._state,
                task.task_spec.name,
                task.triggered,
                task.last_state_change,
                self._mapping(task.internal_data) if task.internal_data else 0,
                stored,
            ])
        return {
            "data": self._mapping(workflow.data),
            "correlations": workflow.correlations,
            "last_task": workflow.last_task.id.hex if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": index[workflow.task_tree.id],
            "tasks": rows,
        }

    # -- decoding ---------------------------------------------------------------------

    def decode(self, dct: dict, workflow) -> None:
        """Fill ``workflow`` (made with ``deserializing=True``) from :meth:`encode` output."""
        self._decode_workflow(dct["workflow"], workflow, workflow)
        if dct["subprocesses"]:
            self._decode_subprocesses(dct["subprocesses"], workflow, workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))

    def _decode_workflow(self, dct: dict, workflow, top_workflow) -> None:
        rows = dct["tasks"]
        ids = [_uuid(row[0]) for row in rows]
        specs = workflow.spec.task_specs
        restore = self.registry.restore
        tasks = []
        for row, task_id in zip(rows, ids, strict=True):
            spec = specs.get(row[4])
            task = Task(workflow, spec, state=row[3], id=task_id)
            task._parent = ids[row[1]] if row[1] >= 0 else None
            task._children = [ids[i] for i in row[2]]
            task.triggered = row[5]
            task.last_state_change = row[6]
            task.internal_data = restore(row[7]) if row[7] else {}
            if row[3] == _WAITING and isinstance(spec, CatchingEvent):
                top_workflow.event_manager.add_task(task)
            tasks.append(task)
        done = [False] * len(rows)
        for i in range(len(rows)):
            self._decode_data(i, rows, tasks, done)
        workflow.task_tree = tasks[dct["root"]]
        workflow.success = dct["success"]
        workflow.completed = dct["completed"]
        workflow.correlations = dct["correlations"]
        workflow.last_task = workflow.tasks.get(_uuid(dct["last_task"])) if dct["last_task"] else None
        workflow.data = restore(dct["data"])

    def _decode_data(self, i: int, rows, tasks, done) -> None:
        # Parents first: a task's data is built from its parent's.
        chain = []
        while not done[i]:
            chain.append(i)
            if rows[i][1] < 0 or isinstance(rows[i][8], dict):
                break
            i = rows[i][1]
        for i in reversed(chain):
            stored, parent = rows[i][8], rows[i][1]
            if parent < 0 or isinstance(stored, dict):
                data = self.registry.restore(stored)
            else:
                data = {k: copy(v) if isinstance(v, _MUTABLE) else v for k, v in tasks[parent].data.items()}
                if stored != _SAME:
                    updates, deletions = stored
                    data.update(self.registry.restore(updates))
                    for key in deletions:
                        data.pop(key, None)
            tasks[i].data = data
            done[i] = True

    def _decode_subprocesses(self, stored: dict, workflow, top_workflow) -> None:
        # Parent workflows first: a subworkflow hangs off one of its parent's tasks.
        for task in list(workflow.tasks.values()):
            key = str(task.id)
            if isinstance(task.task_spec, SubWorkflowTask) and key in stored:
                dct = stored.pop(key)
                spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
                sub = BpmnSubWorkflow(spec, task.id, top_workflow, deserializing=True)
                self._decode_workflow(dct, sub, top_workflow)
                top_workflow.subprocesses[task.id] = sub
                sub.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
                self._decode_subprocesses(stored, sub, top_workflow)
