"""Deadlines in the default process: the escalation timer sets the due date and, when it
passes, marks the task and tells the municipality's manager — once, without personal data."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.clock import as_utc, isoformat
from engine.store.schema import audit_event, notificatie
from tests.db_views import instance_timers
from tests.engine.route_actions import VERRIJKT

FIVE_DAYS = dt.timedelta(days=5)


@pytest.fixture
def managers(route):
    """A manager of Nijmegen (where the intake reports) and one of Arnhem."""
    return (route.add_user("manager", "Mara Manager", "manager", "Nijmegen"),
            route.add_user("manager-arnhem", "Mats Manager", "manager", "Arnhem"))


def timer_rows(route, instance_id: int) -> dict[str, object]:
    return {r.bpmn_id: r for r in instance_timers(route, instance_id)}


def count(route, table, *where) -> int:
    with route.orchestrator.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_the_escalation_timer_sets_the_tasks_due_date(route, users, intake, clock):
    reported = clock.now()
    started = route.report(intake())

    task = route.open_task(started.signal_id, "task_verrijken")
    row = timer_rows(route, started.instance_id)["deadline_verrijken"]
    assert as_utc(task.due_at) == reported + FIVE_DAYS == as_utc(row.due_at)
    assert (row.actie, row.human_task_id, row.status, row.naam) == (
        "escalatie", task.id, "wachtend", "Deadline verrijken verstreken")
    assert route.orchestrator.task(users.analist, task.id)["deadline"] == "2026-01-10T09:00:00Z"


def test_a_passed_deadline_escalates_once_to_the_manager(route, users, intake, clock, managers):
    manager, manager_arnhem = managers
    data = intake(melder={"naam": "Henk de Vries", "contact": "0612345678"})
    started = route.report(data)
    task = route.open_task(started.signal_id, "task_verrijken")
    route.orchestrator.claim(users.analist, task.id)
    assert route.orchestrator.fire_due_timers() == []
    assert route.orchestrator.notifications(manager) == []

    now = clock.advance(FIVE_DAYS + dt.timedelta(minutes=1))
    fired = route.orchestrator.fire_due_timers()

    deadline = timer_rows(route, started.instance_id)["deadline_verrijken"]
    assert [f.timer_id for f in fired] == [deadline.id]
    assert (deadline.status, deadline.afgevuurd) == ("afgevuurd", 1)
    after = route.orchestrator.task(users.analist, task.id)
    assert after["geescaleerd_op"] == isoformat(now)
    assert (after["status"], after["toegewezen_aan"]) == ("open", "analist")
    assert route.open_task(started.signal_id).id == task.id  # nothing else opened, nothing lapsed

    (notice,) = route.orchestrator.notifications(manager)
    assert (notice["soort"], notice["signaal_id"], notice["taak_id"], notice["aangemaakt_op"], notice["gelezen_op"]) == (
        "escalatie", started.signal_id, task.id, isoformat(now), None)
    assert "Signaal verrijken" in notice["bericht"] and started.referentie in notice["bericht"]
    for personal in (data["omschrijving"], data["locatie"], "Waalkade", "Henk", "0612345678", "loods"):
        assert personal not in notice["bericht"]
    with route.orchestrator.db.read() as conn:
        (row,) = conn.execute(select(notificatie)).all()
    assert (row.rol, row.gemeente_id, row.soort) == ("manager", route.orchestrator.gemeente_id("Nijmegen"), "escalatie")
    assert route.orchestrator.notifications(manager_arnhem) == []
    assert route.orchestrator.notifications(users.analist) == []
    assert route.orchestrator.notifications(users.aandachtsfunctionaris) == []
    assert [e.detail["taak_id"] for e in route.audit(started.signal_id, "taak_geescaleerd")] == [task.id]

    for days in (0, 1, 30):
        clock.advance(dt.timedelta(days=days))
        assert route.orchestrator.fire_due_timers() == []
    assert count(route, notificatie) == 1
    assert route.orchestrator.task(users.analist, task.id)["geescaleerd_op"] == isoformat(now)
    assert len(route.audit(started.signal_id, "taak_geescaleerd")) == 1
    assert len(route.audit(started.signal_id, "timer_afgevuurd")) == 1


def test_an_escalated_task_can_still_be_completed_and_the_next_deadline_starts_then(route, users, intake, clock,
                                                                                      managers):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    clock.advance(dt.timedelta(days=6))
    route.orchestrator.fire_due_timers()

    done_at = clock.advance(dt.timedelta(hours=2))
    route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)

    beoordelen = route.open_task(started.signal_id, "task_beoordelen")
    assert as_utc(beoordelen.due_at) == done_at + dt.timedelta(days=10)
    assert beoordelen.escalated_at is None
    rows = timer_rows(route, started.instance_id)
    assert rows["deadline_beoordelen"].status == "wachtend"
    assert as_utc(rows["deadline_beoordelen"].due_at) == done_at + dt.timedelta(days=10)
    assert route.orchestrator.fire_due_timers() == []
    assert len(route.orchestrator.notifications(managers[0])) == 1


def test_a_task_completed_in_time_is_not_escalated(route, users, intake, clock, managers):
    started = route.report(intake())
    clock.advance(dt.timedelta(days=4))
    route.complete(started.signal_id, "task_verrijken", {"vermoeden_versterkt": False, "reden_afsluiten": "Geen aanwijzingen."})

    assert timer_rows(route, started.instance_id)["deadline_verrijken"].status == "vervallen"
    clock.advance(dt.timedelta(days=30))
    assert route.orchestrator.fire_due_timers() == []
    assert route.orchestrator.notifications(managers[0]) == []
    assert count(route, audit_event, audit_event.c.actie == "taak_geescaleerd") == 0


def test_each_municipality_hears_only_of_its_own_tasks(route, users, intake, clock, managers):
    manager, manager_arnhem = managers
    nijmegen = route.report(intake())
    arnhem = route.report(intake(gemeente="Arnhem"), actor=users.analist_elders)
    clock.advance(FIVE_DAYS + dt.timedelta(seconds=1))

    assert len(route.orchestrator.fire_due_timers()) == 2

    assert [n["signaal_id"] for n in route.orchestrator.notifications(manager)] == [nijmegen.signal_id]
    assert [n["signaal_id"] for n in route.orchestrator.notifications(manager_arnhem)] == [arnhem.signal_id]
    assert route.orchestrator.notifications(users.analist_elders) == []
