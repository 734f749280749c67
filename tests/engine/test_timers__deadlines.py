"""The named queries on deadlines: ``overdue(actor)`` and ``due_soon(actor, within)``.

They read ``human_task.due_at`` (set from the escalation timers) against the clock, in
the actor's scope: their role's tasks in their municipality, or all of their
municipality's tasks for a manager. A task is overdue once its deadline has passed, and
due soon from now up to ``now + within`` — never both.
"""
from __future__ import annotations

import datetime as dt

import pytest

from engine.clock import UTC
from tests.engine.route_actions import NIET_VERRIJKT, VERRIJKT

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the clock fixture's start
DAY = dt.timedelta(days=1)


@pytest.fixture
def scene(route, users, intake, clock):
    """Four signals and their open tasks with known deadlines.

    * ``a``: Nijmegen, reported at T0 — verrijken due T0+5d
    * ``b``: Nijmegen, reported at T0+2d — verrijken due T0+7d
    * ``c``: Arnhem, reported at T0+2d — verrijken due T0+7d (Arnhem's analist)
    * ``d``: Nijmegen, reported at T0, verrijkt at T0+1d — beoordelen due T0+11d (aandachtsfunctionaris)
    """
    manager = route.add_user("manager", "Mara Manager", "manager", "Nijmegen")
    manager_arnhem = route.add_user("manager-arnhem", "Mats Manager", "manager", "Arnhem")
    a = route.report(intake())
    d = route.report(intake())
    clock.set(T0 + DAY)
    route.complete(d.signal_id, "task_verrijken", VERRIJKT)
    clock.set(T0 + 2 * DAY)
    b = route.report(intake())
    c = route.report(intake(gemeente="Arnhem"), actor=users.analist_elders)
    tasks = {
        "a": route.open_task(a.signal_id, "task_verrijken").id,
        "b": route.open_task(b.signal_id, "task_verrijken").id,
        "c": route.open_task(c.signal_id, "task_verrijken").id,
        "d": route.open_task(d.signal_id, "task_beoordelen").id,
    }
    actors = {"analist": users.analist, "af": users.aandachtsfunctionaris, "arnhem": users.analist_elders,
              "manager": manager, "manager_arnhem": manager_arnhem, "zorg": users.zorgcoordinator,
              "melder": users.melder}
    return tasks, actors


def names(tasks: dict[str, int], page: dict) -> list[str]:
    by_id = {task_id: name for name, task_id in tasks.items()}
    assert page["totaal"] == len(page["taken"])
    return [by_id[t["id"]] for t in page["taken"]]


# clock position → actor → (overdue, due within 2 days), each in the order the query gives (earliest deadline first)
EXPECTED = {
    T0 + 4 * DAY: {
        "analist": ([], ["a"]), "af": ([], []), "arnhem": ([], []), "manager": ([], ["a"]),
        "manager_arnhem": ([], []), "zorg": ([], []), "melder": ([], []),
    },
    T0 + 6 * DAY: {
        "analist": (["a"], ["b"]), "af": ([], []), "arnhem": ([], ["c"]), "manager": (["a"], ["b"]),
        "manager_arnhem": ([], ["c"]), "zorg": ([], []), "melder": ([], []),
    },
    T0 + 10 * DAY: {
        "analist": (["a", "b"], []), "af": ([], ["d"]), "arnhem": (["c"], []), "manager": (["a", "b"], ["d"]),
        "manager_arnhem": (["c"], []), "zorg": ([], []), "melder": ([], []),
    },
    T0 + 12 * DAY: {
        "analist": (["a", "b"], []), "af": (["d"], []), "arnhem": (["c"], []), "manager": (["a", "b", "d"], []),
        "manager_arnhem": (["c"], []), "zorg": ([], []), "melder": ([], []),
    },
}


@pytest.mark.parametrize("at", sorted(EXPECTED), ids=lambda at: f"T0+{(at - T0).days}d")
def test_overdue_and_due_soon_at_each_clock_position(route, scene, clock, at):
    tasks, actors = scene
    clock.set(at)
    orch = route.orchestrator
    seen = {who: (names(tasks, orch.overdue(actor)), names(tasks, orch.due_soon(actor, 2 * DAY)))
            for who, actor in actors.items()}
    assert seen == EXPECTED[at]


def test_the_escalation_pass_does_not_change_what_is_overdue(route, scene, clock):
    """Overdue is a query on the deadline, not on whether the clock ran: before and after a pass alike."""
    tasks, actors = scene
    clock.set(T0 + 12 * DAY)
    before = names(tasks, route.orchestrator.overdue(actors["manager"]))
    assert len(route.orchestrator.fire_due_timers()) == 4
    assert names(tasks, route.orchestrator.overdue(actors["manager"])) == before == ["a", "b", "d"]
    assert all(t["geescaleerd_op"] for t in route.orchestrator.overdue(actors["manager"])["taken"])


def test_at_the_deadline_itself_a_task_is_due_not_overdue(route, scene, clock):
    tasks, actors = scene
    clock.set(T0 + 5 * DAY)  # a's deadline exactly
    assert names(tasks, route.orchestrator.overdue(actors["analist"])) == []
    assert names(tasks, route.orchestrator.due_soon(actors["analist"], 2 * DAY)) == ["a", "b"]
    clock.set(T0 + 5 * DAY + dt.timedelta(microseconds=1))
    assert names(tasks, route.orchestrator.overdue(actors["analist"])) == ["a"]
    assert names(tasks, route.orchestrator.due_soon(actors["analist"], 2 * DAY)) == ["b"]


def test_due_soon_looks_as_far_ahead_as_asked(route, scene, clock):
    tasks, actors = scene
    clock.set(T0 + 4 * DAY)
    manager = actors["manager"]
    assert names(tasks, route.orchestrator.due_soon(manager, dt.timedelta(hours=1))) == []
    assert names(tasks, route.orchestrator.due_soon(manager, DAY)) == ["a"]
    assert names(tasks, route.orchestrator.due_soon(manager, 3 * DAY)) == ["a", "b"]
    assert names(tasks, route.orchestrator.due_soon(manager, 30 * DAY)) == ["a", "b", "d"]


def test_completed_tasks_are_neither_overdue_nor_due(route, scene, clock, users):
    tasks, actors = scene
    clock.set(T0 + 6 * DAY)
    route.orchestrator.complete_task(users.analist, tasks["a"], NIET_VERRIJKT)
    route.orchestrator.complete_task(users.analist, tasks["b"], NIET_VERRIJKT)
    assert names(tasks, route.orchestrator.overdue(actors["manager"])) == []
    assert names(tasks, route.orchestrator.due_soon(actors["manager"], 30 * DAY)) == ["d"]


def test_overdue_pages(route, scene, clock):
    tasks, actors = scene
    clock.set(T0 + 12 * DAY)
    first = route.orchestrator.overdue(actors["manager"], limit=2)
    second = route.orchestrator.overdue(actors["manager"], limit=2, offset=2)
    assert (first["totaal"], second["totaal"]) == (3, 3)
    by_id = {task_id: name for name, task_id in tasks.items()}
    assert [by_id[t["id"]] for t in first["taken"] + second["taken"]] == ["a", "b", "d"]
