"""Instance state is stored without the spec (invariant 3, engine/spiff/serialization.py)."""
from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.spiff.sandbox import RestrictedEnvironment
from engine.spiff.serialization import dump_state, load_state, new_workflow
from tests.engine.route_actions import DEFAULT_PROCESS, REGIE, VERRIJKT, beoordeeld

COMPILED = compile_package(ProcessPackage.from_folder(DEFAULT_PROCESS))
SPIFF_DEFAULT = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
START = {"acute_nood": True, "melder": {"naam": "Mila"}, "ontvangen_op": "2026-01-05T09:00:00Z",
         "al_112_gebeld": True, "minderjarige": "nee"}
STEPS = [VERRIJKT, beoordeeld(ondermijnend=True), REGIE]


def workflow_after(steps: int):
    """The default process with a start intake and the first ``steps`` user tasks done."""
    wf = new_workflow(COMPILED.spec, COMPILED.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(START)
    wf.do_engine_steps()
    for data in STEPS[:steps]:
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
    return wf


def keys_anywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_anywhere(v)}
    return set()


@pytest.mark.parametrize("steps", [0, 1, 3])
def test_state_holds_no_spec_and_is_under_half_of_spiffs_default(steps):
    wf = workflow_after(steps)

    state = dump_state(wf)
    default = SPIFF_DEFAULT.serialize_json(wf)

    assert not keys_anywhere(json.loads(state)) & {"spec", "subprocess_specs"}
    assert {"spec", "subprocess_specs"} <= set(json.loads(default))
    assert len(state) < 0.5 * len(default), (len(state), len(default))


@pytest.mark.parametrize("steps", [0, 1, 2, 3])
def test_restore_gives_back_the_same_workflow(steps):
    wf = workflow_after(steps)
    state = dump_state(wf)

    restored = load_state(state, COMPILED.spec, COMPILED.subprocess_specs)

    assert dump_state(restored) == state
    assert restored.spec is COMPILED.spec
    assert restored.is_completed() is wf.is_completed()
    assert [t.id for t in restored.get_tasks(state=TaskState.READY)] == [t.id for t in wf.get_tasks(state=TaskState.READY)]
    assert restored.last_task.data == wf.last_task.data


def test_a_restored_workflow_runs_in_the_sandbox():
    """The script engine is not serialized; load_state must put the restricted one back."""
    restored = load_state(dump_state(workflow_after(0)), COMPILED.spec, COMPILED.subprocess_specs)

    assert isinstance(restored.script_engine.environment, RestrictedEnvironment)


def test_state_cannot_be_restored_without_its_spec():
    with pytest.raises(ValueError, match="spec"):
        load_state(dump_state(workflow_after(0)), None, None)


def test_the_database_holds_state_only(route, intake):
    started = route.report(intake(acute_nood=True))
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)

    state = json.loads(route.instance(started.instance_id).state)

    assert not keys_anywhere(state) & {"spec", "subprocess_specs"}
    assert state["format"] == 1
    assert {row[4] for row in state["workflow"]["tasks"]} >= {"task_verrijken", "task_beoordelen"}
