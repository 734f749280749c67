"""Workflow state without its spec (ARCHITECTURE invariant 3).

SpiffWorkflow's serializer embeds the whole process spec in every instance (about
70 % of a small instance). A deployed version is immutable and parsed once, so we
store only the task tree and data and give the cached spec back on restore. The
format is :mod:`engine.spiff.state_codec`'s; states written by the earlier format (Spiff's
own serializer minus the spec, recognised by its ``serializer_version`` key) still load.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .sandbox import make_script_engine
from .state_codec import StateCodec


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """The earlier format: SpiffWorkflow's, without ``spec`` and ``subprocess_specs``."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _StateOnlyWorkflowConverter
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
_CODEC = StateCodec(_SERIALIZER.registry)
_ENCODE = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON, without the spec."""
    return _ENCODE(_CODEC.encode(workflow))


def load_state(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from :func:`dump_state` output and its (cached) spec."""
    if spec is None:
        raise ValueError("state-only workflow needs its spec to be restored")
    dct = json.loads(state)
    if "format" in dct:
        workflow = BpmnWorkflow(spec, subprocess_specs or {}, script_engine=make_script_engine(), deserializing=True)
        _CODEC.decode(dct, workflow)
        return workflow
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = make_script_engine()
    return workflow


def legacy_dump_state(workflow: BpmnWorkflow) -> str:
    """The earlier format, kept to prove that states written before the codec still load."""
    return _SERIALIZER.serialize_json(workflow)


def new_workflow(spec, subprocess_specs) -> BpmnWorkflow:
    """A fresh workflow for ``spec``, running in the sandbox."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=make_script_engine())


__all__ = ["dump_state", "load_state", "new_workflow"]
