"""A restart after downtime: what came due while no pass ran fires once on the next pass.

Every timer row is counted two ways — its ``afgevuurd`` column and the
``timer_afgevuurd`` audit events that name it — and both must say once.
"""
from __future__ import annotations

import collections
import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine
from engine.store.schema import human_task, timer
from tests.db_views import audit_details
from tests.engine.route_actions import REGIE, VERRIJKT, beoordeeld

DAY = dt.timedelta(days=1)


def all_timers(route) -> dict[int, object]:
    with route.orchestrator.db.read() as conn:
        return {r.id: r for r in conn.execute(select(timer))}


def fired_per_timer(route) -> collections.Counter:
    return collections.Counter(detail["timer_id"] for detail in audit_details(route, "timer_afgevuurd"))


def test_deadlines_missed_during_downtime_fire_once_on_the_next_pass(route, users, intake, clock):
    verrijken = [route.report(intake()) for _ in range(3)]
    beoordelen = route.report(intake())
    route.complete(beoordelen.signal_id, "task_verrijken", VERRIJKT)
    arnhem = route.report(intake(gemeente="Arnhem"), actor=users.analist_elders)
    done = route.report(intake())
    route.complete(done.signal_id, "task_verrijken", {"vermoeden_versterkt": False, "reden_afsluiten": "Geen aanwijzingen."})
    waiting = {t.id for t in all_timers(route).values() if t.status == "wachtend"}
    assert len(waiting) == 5

    clock.advance(60 * DAY)  # nothing ran for two months
    fired = route.orchestrator.fire_due_timers()

    assert sorted(f.timer_id for f in fired) == sorted(waiting)
    assert fired_per_timer(route) == {timer_id: 1 for timer_id in waiting}
    rows = all_timers(route)
    assert {(rows[i].status, rows[i].afgevuurd) for i in waiting} == {("afgevuurd", 1)}
    with route.orchestrator.db.read() as conn:
        escalated = conn.execute(select(human_task.c.signal_id).where(human_task.c.escalated_at.is_not(None))).scalars()
        assert sorted(escalated) == sorted(s.signal_id for s in [*verrijken, beoordelen, arnhem])

    for _ in range(2):
        assert route.orchestrator.fire_due_timers() == []
    assert fired_per_timer(route) == {timer_id: 1 for timer_id in waiting}
    assert all(rows[i].afgevuurd == all_timers(route)[i].afgevuurd for i in rows)


def test_a_pass_with_a_small_limit_leaves_the_rest_for_the_next_pass(route, intake, clock):
    for _ in range(5):
        route.report(intake())
    clock.advance(10 * DAY)

    first = route.orchestrator.fire_due_timers(limit=2)
    second = route.orchestrator.fire_due_timers(limit=2)
    third = route.orchestrator.fire_due_timers(limit=2)

    assert [len(first), len(second), len(third)] == [2, 2, 1]
    ids = [f.timer_id for f in first + second + third]
    assert len(set(ids)) == 5
    assert route.orchestrator.fire_due_timers() == []
    assert set(fired_per_timer(route).values()) == {1}


def test_a_second_orchestrator_on_the_same_database_finds_nothing_left(route, intake, clock, db_url):
    """A restarted process (a new orchestrator, empty spec cache) picks up where the old one was."""
    for _ in range(3):
        route.report(intake())
    clock.advance(6 * DAY)
    restarted = Orchestrator(Database(make_engine(db_url)), clock)
    try:
        assert len(restarted.fire_due_timers()) == 3
        assert route.orchestrator.fire_due_timers() == []
        assert restarted.fire_due_timers() == []
    finally:
        restarted.db.dispose()
    assert set(fired_per_timer(route).values()) == {1}


@pytest.fixture
def regie_after_downtime(route, intake, clock):
    """A case at the RIEC whose clock did not run for 120 days: eight 14-day occurrences
    (day 14, 28, … 112) and the 90-day deadline were missed; then one pass runs."""
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(ondermijnend=True))
    clock.advance(120 * DAY)
    fired = route.orchestrator.fire_due_timers()
    with route.orchestrator.db.read() as conn:
        cycle = conn.execute(select(timer).where(timer.c.instance_id == started.instance_id,
                                                 timer.c.bpmn_id == "terugkoppeling_riec")).one()
        follow_ups = conn.execute(select(human_task).where(human_task.c.instance_id == started.instance_id,
                                                           human_task.c.bpmn_id == "task_terugkoppeling")).all()
    return started, fired, cycle, follow_ups


def test_after_downtime_the_cycle_waits_for_its_next_occurrence_ahead(route, regie_after_downtime, clock):
    started, fired, cycle, _follow_ups = regie_after_downtime
    assert cycle.id in [f.timer_id for f in fired]
    assert cycle.status == "wachtend"
    assert clock.now() < as_utc(cycle.due_at) <= clock.now() + 14 * DAY
    for _ in range(2):
        assert route.orchestrator.fire_due_timers() == []
    (regie,) = [t for t in route.open_tasks(started.signal_id) if t.bpmn_id == "task_regie_riec"]
    route.orchestrator.complete_task(route.users.riec, regie.id, REGIE)
    assert route.signal_row(started.signal_id).status == "afgerond"


def test_after_downtime_a_follow_up_cycle_opens_one_task_not_one_per_missed_occurrence(regie_after_downtime):
    _started, _fired, _cycle, follow_ups = regie_after_downtime
    assert len(follow_ups) == 1


def test_a_cycles_fire_count_matches_the_follow_ups_it_opened(route, regie_after_downtime):
    _started, _fired, cycle, follow_ups = regie_after_downtime
    assert cycle.afgevuurd == len(follow_ups) == fired_per_timer(route)[cycle.id]
