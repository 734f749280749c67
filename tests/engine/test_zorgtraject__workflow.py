"""The care trajectory's BPMN on its own (no database): every path straight through, and again with the
state saved and restored between every step (engine.spiff.serialization), as the commands do."""
from __future__ import annotations

import datetime as dt

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.spiff.serialization import dump_state, load_state, new_workflow
from engine.spiff.spiff_compat import engine_time
from tests.engine.care_actions import CARE_PROCESS, COMENSHA, EINDE, ZORGPLAN, intake_zorg, monitoring, opvang

START = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
COMPILED = compile_package(ProcessPackage.from_folder(CARE_PROCESS))


class Run:
    """A trajectory in memory; ``restore`` saves and restores the state before every step."""

    def __init__(self, restore: bool):
        self.restore, self.now = restore, START
        self.wf = new_workflow(COMPILED.spec, COMPILED.subprocess_specs)
        self.steps: list[str] = []
        with engine_time(self.now):
            self.wf.do_engine_steps()

    def _roundtrip(self):
        if self.restore:
            self.wf = load_state(dump_state(self.wf), COMPILED.spec, COMPILED.subprocess_specs)

    def ready(self) -> set[str]:
        return {t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.READY) if t.task_spec.manual}

    def do(self, bpmn_id: str, data: dict) -> None:
        self._roundtrip()
        (task,) = [t for t in self.wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == bpmn_id]
        task.data.update(data)
        with engine_time(self.now):
            task.run()
            self.wf.do_engine_steps()
        self.steps.append(bpmn_id)

    def wait(self, delta: dt.timedelta) -> None:
        self._roundtrip()
        self.now += delta
        with engine_time(self.now):
            self.wf.refresh_timers()
            self.wf.do_engine_steps()

    def reached(self) -> set[str]:
        return {t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.bpmn_id in COMPILED.end_events}


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "save-restore"])
def test_without_reflection_period(restore):
    run = Run(restore)
    run.do("task_intake", intake_zorg(nationaliteit_groep="eu", bedenktijd_van_toepassing=False))
    run.do("task_opvang", opvang("1", soort="maatschappelijke_opvang"))
    assert run.reached() == {"end_geen_bedenktijd"} and run.ready() == {"task_zorgplan"}
    run.do("task_zorgplan", ZORGPLAN)
    run.do("task_comensha", COMENSHA)
    run.wait(dt.timedelta(days=27))
    assert run.ready() == set()
    run.wait(dt.timedelta(days=2))
    run.do("task_monitoring", monitoring(beeindigen=False))
    run.wait(dt.timedelta(days=29))
    run.do("task_monitoring", monitoring(beeindigen=True))
    run.do("task_einde", EINDE)
    assert run.wf.is_completed() and "end_zorg" in run.reached()


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "save-restore"])
def test_cosm_reflection_period_to_its_end(restore):
    run = Run(restore)
    run.do("task_intake", intake_zorg())
    run.do("task_opvang", opvang("1", start="2026-01-15"))
    assert run.ready() == {"task_zorgplan"}
    run.wait(dt.timedelta(days=75))  # 31 March; the reminder is due 1 April (15 April - 14 days)
    assert run.ready() == {"task_zorgplan"}
    run.wait(dt.timedelta(days=2))
    assert run.ready() == {"task_zorgplan", "task_besluit_bedenktijd"}
    run.do("task_besluit_bedenktijd", {"bedenktijd_besluit": "terugkeer"})
    run.wait(dt.timedelta(days=15))
    assert "end_bedenktijd" in run.reached()
    assert not run.wf.is_completed()  # the care goes on
    run.do("task_zorgplan", ZORGPLAN)
    run.do("task_comensha", COMENSHA)
    run.wait(dt.timedelta(days=29))
    run.do("task_monitoring", monitoring(beeindigen=True))
    run.do("task_einde", {**EINDE, "einde_uitkomst": "terugkeer"})
    assert run.wf.is_completed()


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "save-restore"])
def test_end_of_care_cancels_a_running_reflection_period(restore):
    run = Run(restore)
    run.do("task_intake", intake_zorg())
    run.do("task_opvang", opvang("1", start="2026-01-15"))
    run.do("task_zorgplan", ZORGPLAN)
    run.do("task_comensha", COMENSHA)
    run.wait(dt.timedelta(days=29))
    run.do("task_monitoring", monitoring(beeindigen=True))
    run.do("task_einde", {**EINDE, "einde_uitkomst": "uit_beeld"})
    assert run.wf.is_completed() and run.reached() == {"end_zorg"}
    assert not run.wf.get_tasks(state=TaskState.WAITING)
