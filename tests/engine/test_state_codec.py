"""The compact state codec (engine/spiff/state_codec.py) restores exactly what SpiffWorkflow's own serializer does.

The reference is SpiffWorkflow's full serialization (spec included): a workflow restored
from our state must serialize to the same dictionary as the workflow that was saved, at
every point of the route, for subworkflows, for data that changed or lost keys, and for
values that are not plain JSON.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.spiff.serialization import dump_state, legacy_dump_state, load_state, new_workflow
from engine.spiff.spiff_compat import StrictParser
from tests.engine.route_actions import DEFAULT_PROCESS, REGIE, VERRIJKT, beoordeeld

COMPILED = compile_package(ProcessPackage.from_folder(DEFAULT_PROCESS))
SPIFF = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
START = {"acute_nood": False, "melder": {"naam": "Mila", "afdeling": "Burgerzaken"}, "uitbuitingsvormen": ["arbeid"],
         "minderjarige": "nee"}


def reference(wf) -> dict:
    """SpiffWorkflow's own full serialization of ``wf``: the meaning both formats must keep."""
    return SPIFF.to_dict(wf)


def round_trip(wf, spec=COMPILED.spec, subprocess_specs=COMPILED.subprocess_specs):
    return load_state(dump_state(wf), spec, subprocess_specs)


def route_states():
    """The default route, yielding the workflow after the start and after each user task."""
    wf = new_workflow(COMPILED.spec, COMPILED.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(START)
    wf.do_engine_steps()
    yield wf
    for data in [VERRIJKT, beoordeeld(strafrecht=True), REGIE]:
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
        yield wf


def test_every_point_of_the_route_restores_to_the_same_workflow():
    seen = 0
    for wf in route_states():
        restored = round_trip(wf)
        assert reference(restored) == reference(wf)
        assert dump_state(restored) == dump_state(wf)
        seen += 1
    assert seen == 4
    assert wf.is_completed()


def test_restored_tasks_share_one_uuid_object_per_task():
    wf = next(route_states())
    restored = round_trip(wf)

    for task in restored.get_tasks():
        if task.parent is not None:
            assert task._parent is task.parent.id
        assert all(child_id is child.id for child_id, child in zip(task._children, task.children))


def test_restored_data_is_not_shared_with_the_parent():
    wf = round_trip(next(route_states()))
    [ready] = wf.get_tasks(state=TaskState.READY, manual=True)

    ready.data["melder"]["naam"] = "gewijzigd"
    ready.data["uitbuitingsvormen"].append("seksueel")

    assert ready.parent.data["melder"]["naam"] == "Mila"
    assert ready.parent.data["uitbuitingsvormen"] == ["arbeid"]


def test_changed_deleted_and_non_json_values_survive():
    wf = next(route_states())
    [ready] = wf.get_tasks(state=TaskState.READY, manual=True)
    del ready.data["uitbuitingsvormen"]
    ready.data["gezien_op"] = dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC)
    ready.data["duur"] = dt.timedelta(days=3)
    ready.internal_data["notitie"] = {"wanneer": dt.datetime(2026, 1, 1)}

    restored = round_trip(wf)
    [again] = restored.get_tasks(state=TaskState.READY, manual=True)

    assert "uitbuitingsvormen" not in again.data
    assert again.data["gezien_op"] == dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC)
    assert again.data["duur"] == dt.timedelta(days=3)
    assert again.internal_data["notitie"]["wanneer"] == dt.datetime(2026, 1, 1)
    assert reference(restored) == reference(wf)


def test_states_in_the_earlier_format_still_load_and_run_on():
    wf = next(route_states())
    old = legacy_dump_state(wf)
    assert "serializer_version" in json.loads(old)

    restored = load_state(old, COMPILED.spec, COMPILED.subprocess_specs)
    assert reference(restored) == reference(wf)
    [task] = restored.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(VERRIJKT)
    task.run()
    restored.do_engine_steps()
    assert [t.task_spec.bpmn_id for t in restored.get_tasks(state=TaskState.READY, manual=True)] == ["task_beoordelen"]


SUBPROCESS_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:subProcess id="deel">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:startEvent id="deel_start"><bpmn:outgoing>d1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:scriptTask id="tel" scriptFormat="python">
        <bpmn:incoming>d1</bpmn:incoming><bpmn:outgoing>d2</bpmn:outgoing>
        <bpmn:script>teller = 1</bpmn:script>
      </bpmn:scriptTask>
      <bpmn:userTask id="controleren"><bpmn:incoming>d2</bpmn:incoming><bpmn:outgoing>d3</bpmn:outgoing></bpmn:userTask>
      <bpmn:endEvent id="deel_einde"><bpmn:incoming>d3</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="d1" sourceRef="deel_start" targetRef="tel" />
      <bpmn:sequenceFlow id="d2" sourceRef="tel" targetRef="controleren" />
      <bpmn:sequenceFlow id="d3" sourceRef="controleren" targetRef="deel_einde" />
    </bpmn:subProcess>
    <bpmn:userTask id="afronden"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="einde"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="deel" />
    <bpmn:sequenceFlow id="f2" sourceRef="deel" targetRef="afronden" />
    <bpmn:sequenceFlow id="f3" sourceRef="afronden" targetRef="einde" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture(scope="module")
def subprocess_spec():
    parser = StrictParser()
    parser.add_bpmn_str(SUBPROCESS_BPMN.encode())
    return parser.get_spec("p"), parser.get_subprocess_specs("p")


def test_a_workflow_inside_a_subprocess_restores_and_runs_on(subprocess_spec):
    spec, subprocess_specs = subprocess_spec
    wf = new_workflow(spec, subprocess_specs)
    wf.do_engine_steps()
    assert len(wf.subprocesses) == 1

    restored = round_trip(wf, spec, subprocess_specs)
    assert reference(restored) == reference(wf)

    [task] = restored.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.bpmn_id == "controleren"
    assert task.data["teller"] == 1
    task.run()
    restored.do_engine_steps()
    restored = round_trip(restored, spec, subprocess_specs)
    [task] = restored.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.bpmn_id == "afronden"
    task.run()
    restored.do_engine_steps()
    assert restored.is_completed()
