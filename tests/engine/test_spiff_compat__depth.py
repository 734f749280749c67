"""A long loop must not hide the task after it (engine/spiff/spiff_compat.py, the task-depth guard).

SpiffWorkflow 3.2 walks the task tree to depth 1000 only; every loop round adds three
levels (join, script, gateway), so after ~330 rounds a READY task would be invisible and
the workflow would look completed. tests/data/lange-lus loops 500 times before its user task.
"""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.util.task import TaskIterator, TaskState

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.spiff.serialization import dump_state, load_state, new_workflow
from tests.engine.route_actions import TEST_DATA

PACKAGE = TEST_DATA / "lange-lus"
ROUNDS = 500


def _waits_at_the_user_task(wf) -> None:
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    assert [t.task_spec.bpmn_id for t in ready] == ["task_afronden"]
    assert ready[0].data["i"] == ROUNDS
    assert ready[0].depth > 1000
    assert not wf.is_completed()


def test_the_task_after_the_loop_is_ready_also_after_a_round_trip(monkeypatch):
    """One test, because the loop takes seconds: SpiffWorkflow's steps slow down as the tree grows."""
    compiled = compile_package(ProcessPackage.from_folder(PACKAGE))
    wf = new_workflow(compiled.spec, compiled.subprocess_specs)

    wf.do_engine_steps()

    _waits_at_the_user_task(wf)
    restored = load_state(dump_state(wf), compiled.spec, compiled.subprocess_specs)
    _waits_at_the_user_task(restored)
    [task] = restored.get_tasks(state=TaskState.READY, manual=True)
    task.data["gezien"] = True
    task.run()
    restored.do_engine_steps()
    assert restored.is_completed()
    assert restored.data["gezien"] is True

    # Why the guard exists: with SpiffWorkflow's own depth limit the task would be gone.
    for iterator in (TaskIterator, BpmnTaskIterator):
        defaults = list(iterator.__init__.__defaults__)
        defaults[1] = 1000
        monkeypatch.setattr(iterator.__init__, "__defaults__", tuple(defaults))
    assert wf.get_tasks(state=TaskState.READY, manual=True) == []
    assert wf.is_completed()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # 3 s a run; the projection code is shared
def test_the_orchestrator_shows_it_in_the_inbox_and_finishes_it(route, users):
    orch = route.orchestrator
    orch.deploy_folder(PACKAGE)

    started = route.report({"gemeente": "Nijmegen", "omschrijving": "Lus", "uitbuitingsvormen": ["onbekend"],
                            "minderjarige": "onbekend"}, proces="lange-lus")

    assert started.status == "lopend"
    [task] = orch.inbox(users.analist)["taken"]
    assert (task["naam"], task["signaal_id"]) == ("Lus afronden", started.signal_id)
    assert route.signal_row(started.signal_id).fase == "Lus afronden"

    orch.complete_task(users.analist, task["id"], {"gezien": True})

    row = route.signal_row(started.signal_id)
    assert (row.status, row.uitkomst) == ("afgerond", "Lus doorlopen")
    assert orch.inbox(users.analist)["taken"] == []
