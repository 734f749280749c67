"""Screens read projections, never workflow state (invariant 4, engine/queries/queries.py and projections.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from engine.queries import queries
from engine.store.schema import process_instance
from tests.engine.route_actions import VERRIJKT, beoordeeld


def test_screens_work_without_touching_the_workflow_state(route, users, intake):
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    with route.orchestrator.db.write() as conn:  # a state no workflow could be restored from
        conn.execute(update(process_instance).values(state="niet te lezen"))

    inbox = route.orchestrator.inbox(users.aandachtsfunctionaris)
    view = route.orchestrator.signal(users.aandachtsfunctionaris, started.signal_id)
    task = route.orchestrator.task(users.aandachtsfunctionaris, inbox["taken"][0]["id"])

    assert [t["naam"] for t in inbox["taken"]] == ["Afstemmen en beoordelen"]
    assert view["fase"] == "Afstemmen en beoordelen" and len(view["historie"]) == 4
    assert task["formulier_schema"]["id"] == "afstemmen-beoordelen"
    assert route.orchestrator.my_signals(users.melder)[0]["status"] == "lopend"


def test_the_signal_row_follows_the_process(route, users, intake):
    started = route.report(intake())
    assert (route.signal_row(started.signal_id).fase, route.signal_row(started.signal_id).route) == (
        "Signaal verrijken", None)

    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(strafrecht=True))

    row = route.signal_row(started.signal_id)
    assert (row.status, row.fase, row.route, row.uitkomst) == (
        "lopend", "Regie zorg- en strafrechtelijk traject",  # the route's phase; the care trajectory runs beside it
        "zorg_en_strafrecht", None)


def test_completed_tasks_keep_who_and_when(route, users, intake):
    started = route.report(intake())
    task = route.open_task(started.signal_id)

    route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)

    detail = route.orchestrator.task(users.analist, task.id)
    assert (detail["status"], detail["voltooid_door"], detail["toegewezen_aan"]) == ("voltooid", "analist", "analist")
    assert detail["voltooid_op"] == "2026-01-05T09:00:00Z"


def test_the_inbox_puts_the_earliest_deadline_first_and_filters(route, users, intake, clock):
    start = clock.now()
    done = route.report(intake())
    route.complete(done.signal_id, "task_verrijken", VERRIJKT)  # leaves the analist's inbox
    clock.set(start + dt.timedelta(days=2))
    later = route.report(intake())
    clock.set(start + dt.timedelta(days=1))
    sooner = route.report(intake())  # reported after 'later', but due a day earlier

    inbox = route.orchestrator.inbox(users.analist)["taken"]

    assert [t["signaal_id"] for t in inbox] == [sooner.signal_id, later.signal_id]
    route.orchestrator.claim(users.analist, inbox[1]["id"])
    mine = route.orchestrator.inbox(users.analist, alleen_mijn=True)["taken"]
    assert [t["signaal_id"] for t in mine] == [later.signal_id]
    overdue = route.orchestrator.inbox(users.analist, overdue_at=start + dt.timedelta(days=6, hours=1))["taken"]
    assert [t["signaal_id"] for t in overdue] == [sooner.signal_id]
    page = route.orchestrator.inbox(users.analist, limit=1, offset=1)
    assert (page["totaal"], [t["signaal_id"] for t in page["taken"]]) == (2, [later.signal_id])
    assert [t["signaal_id"] for t in route.orchestrator.inbox(users.aandachtsfunctionaris)["taken"]] == [done.signal_id]


def test_the_navigation_badge_counts_up_to_its_cap_and_the_task_list_counts_all(route, users, intake):
    for _ in range(4):
        route.report(intake())
    claimed = route.orchestrator.inbox(users.analist)["taken"][0]["id"]
    route.orchestrator.claim(users.analist, claimed)
    analist = users.analist

    with route.orchestrator.db.read() as conn:
        exact = queries.inbox_counts(conn, analist, cap=4)
        capped = queries.inbox_counts(conn, analist, cap=3)
        listed = queries.task_list(conn, analist)

    assert exact == {"open": 4, "open_meer": False, "mijn": 1}  # the claimed task counted once, not per branch
    assert capped == {"open": 3, "open_meer": True, "mijn": 1}  # "3+": more than the badge counts
    assert listed["tellers"] == {"open": 4, "open_meer": False, "mijn": 1} and listed["totaal"] == 4
    assert route.orchestrator.inbox_counts(users.aandachtsfunctionaris) == {"open": 0, "open_meer": False, "mijn": 0}
