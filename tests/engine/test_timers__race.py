"""A user's command racing the clock's pass on the same instance (invariants 1, 2 and 5).

The analist completes 'Behandelen' at the moment a pass fires the task's boundary timer
(``tests/data/timer-grens``). Either may win; whichever loses changes nothing. No update
is lost: the instance version rises by exactly the number of commands that succeeded,
the projections match the workflow, and ``fire_due_timers`` never raises.
"""
from __future__ import annotations

import collections
import datetime as dt

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.errors import Conflict
from engine.spiff.serialization import load_state
from engine.store.schema import audit_event, human_task, incident, process_instance, timer
from tests.engine.route_actions import TEST_DATA, race

ROUNDS = 8

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "indicatoren": ["onderbetaling"]}


def version_of(orchestrator, instance_id: int) -> int:
    with orchestrator.db.read() as conn:
        return conn.execute(select(process_instance.c.version).where(process_instance.c.id == instance_id)).scalar_one()


def assert_projection_matches_workflow(orchestrator, instance_id: int) -> None:
    """Open task rows are the workflow's READY user tasks; waiting timer rows its WAITING timers."""
    with orchestrator.db.read() as conn:
        inst = conn.execute(select(process_instance).where(process_instance.c.id == instance_id)).one()
        compiled = orchestrator.cache.get(conn, inst.definition_id)
        open_rows = set(conn.execute(select(human_task.c.spiff_task_id).where(
            human_task.c.instance_id == instance_id, human_task.c.status == "open")).scalars())
        waiting_rows = set(conn.execute(select(timer.c.spiff_task_id).where(
            timer.c.instance_id == instance_id, timer.c.status == "wachtend")).scalars())
        fired = {r.id: r.afgevuurd for r in conn.execute(select(timer).where(timer.c.instance_id == instance_id))}
        events = collections.Counter(d["timer_id"] for d in conn.execute(select(audit_event.c.detail).where(
            audit_event.c.instance_id == instance_id, audit_event.c.actie == "timer_afgevuurd")).scalars())
    wf = load_state(inst.state, compiled.spec, compiled.subprocess_specs)
    ready = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    waiting = {str(t.id) for t in wf.get_tasks(state=TaskState.WAITING)
               if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)}
    assert open_rows == ready
    assert waiting_rows == waiting
    assert {i: n for i, n in fired.items() if n} == dict(events)


@pytest.fixture
def grens(orchestrator):
    orchestrator.deploy_folder(TEST_DATA / "timer-grens")


@pytest.mark.parametrize("wait, due", [
    (dt.timedelta(hours=2), "the reminder (non-interrupting)"),
    (dt.timedelta(days=1, hours=1), "the reminder and the lapse (interrupting)"),
], ids=["non-interrupting", "interrupting"])
def test_completing_a_task_while_its_boundary_timer_fires(orchestrator, users, clock, grens, wait, due):
    tally = collections.Counter()
    for _ in range(ROUNDS):
        started = orchestrator.report_signal(users.melder, INTAKE, proces="timer-grens")
        with orchestrator.db.read() as conn:
            task_id = conn.execute(select(human_task.c.id).where(human_task.c.instance_id == started.instance_id)).scalar_one()
        before = version_of(orchestrator, started.instance_id)
        clock.advance(wait)

        (done, done_value), (passed, pass_value) = race(
            lambda task_id=task_id: orchestrator.complete_task(users.analist, task_id, {"gezien": True}),
            orchestrator.fire_due_timers,
        )

        assert passed == "ok", f"fire_due_timers raised {pass_value!r}"
        assert done == "ok" or isinstance(done_value, Conflict), f"complete_task raised {done_value!r}"
        fired_here = [f for f in pass_value if f.instance_id == started.instance_id]
        succeeded = (done == "ok") + bool(fired_here)
        assert succeeded >= 1
        assert version_of(orchestrator, started.instance_id) == before + succeeded
        assert_projection_matches_workflow(orchestrator, started.instance_id)
        with orchestrator.db.read() as conn:
            status = conn.execute(select(human_task.c.status).where(human_task.c.id == task_id)).scalar_one()
        interrupting = wait.days > 0
        assert status == ("voltooid" if done == "ok" else "vervallen" if interrupting else "open")
        if done != "ok":
            assert fired_here, "the command lost to a pass that fired nothing"
            # the user is told what happened: the task lapsed, or the case moved on under them
            assert ("vervallen" if interrupting else "probeer het opnieuw") in str(done_value)
        tally["voltooid" if done == "ok" else "conflict", "fired" if fired_here else "not fired"] += 1
        clock.advance(dt.timedelta(days=2))  # whatever is left of this round comes due
        orchestrator.fire_due_timers()
        assert_projection_matches_workflow(orchestrator, started.instance_id)

    with orchestrator.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(incident)).scalar_one() == 0
    assert sum(tally.values()) == ROUNDS, (due, tally)
