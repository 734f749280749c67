"""The whole-database invariant check (engine/runtime/invariants.py) finds nothing on honest data
and names each kind of corruption: a task row out of step with its workflow, a task
completed twice, a timer fired twice, a finished instance still waiting."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from engine.runtime.invariants import check_invariants
from engine.store.schema import audit_event, human_task, process_instance, timer
from tests.engine.route_actions import VERRIJKT, beoordeeld


def _check(orchestrator) -> list[str]:
    return check_invariants(orchestrator.db, orchestrator.cache)


def _copy_event(orchestrator, actie: str) -> None:
    """Append a second copy of the first ``actie`` event (as a double firing or completion would)."""
    with orchestrator.db.write() as conn:
        row = conn.execute(select(audit_event).where(audit_event.c.actie == actie).order_by(audit_event.c.id)).first()
        last = conn.execute(select(audit_event.c.volgnummer).order_by(audit_event.c.volgnummer.desc())).scalar()
        values = {k: v for k, v in row._mapping.items() if k != "id"}
        conn.execute(insert(audit_event).values(**{**values, "volgnummer": last + 1}))


def test_a_route_with_fired_deadlines_and_a_finished_signal_holds_every_invariant(orchestrator, route, intake, clock):
    waiting = route.report(intake())
    finished = route.report(intake())
    route.walk(finished.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld())])  # care: the route ends
    clock.advance(dt.timedelta(days=6))
    assert orchestrator.fire_due_timers()  # the verrijken deadline of the waiting one
    assert route.signal_row(finished.signal_id).status == "afgerond"
    assert route.open_task(waiting.signal_id, "task_verrijken")

    assert _check(orchestrator) == []


def test_each_kind_of_corruption_is_named(orchestrator, route, intake, clock):
    first = route.report(intake())
    second = route.report(intake())
    route.complete(second.signal_id, "task_verrijken", VERRIJKT)
    clock.advance(dt.timedelta(days=11))
    orchestrator.fire_due_timers()
    assert _check(orchestrator) == []

    _copy_event(orchestrator, "taak_voltooid")
    _copy_event(orchestrator, "timer_afgevuurd")
    with orchestrator.db.write() as conn:
        task_id = conn.execute(select(human_task.c.id).where(human_task.c.instance_id == first.instance_id,
                                                             human_task.c.status == "open")).scalar_one()
        conn.execute(update(human_task).where(human_task.c.id == task_id).values(status="voltooid"))
        conn.execute(update(process_instance).where(process_instance.c.id == second.instance_id).values(status="afgerond"))
        timer_id = conn.execute(select(timer.c.id).where(timer.c.status == "afgevuurd")).scalars().first()

    found = "\n".join(_check(orchestrator))
    assert "completed 2 times" in found
    assert f"timer {timer_id}: fired 2 times" in found
    assert f"instance {first.instance_id}: open task rows [] != workflow's ready tasks" in found
    assert f"task {task_id}: status 'voltooid' with 0 completion events" in found
    assert f"instance {second.instance_id}: status 'afgerond' but the workflow is not completed" in found
    assert f"instance {second.instance_id}: finished with open tasks or waiting timers" in found
