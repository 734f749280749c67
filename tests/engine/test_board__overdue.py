"""The overdue board on real signals: late and nearly late tasks, totals, escalations, scope."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import Forbidden
from tests.engine.route_actions import VERRIJKT

DAY = dt.timedelta(days=1)


@pytest.fixture
def late_and_soon(route, intake, clock):
    """Signal A reported at day 0, B at day 2, C at day 2.5; the clock at day 6 (verrijken has 5 days)."""
    started = clock.now()
    a = route.report(intake())
    clock.advance(2 * DAY)
    b = route.report(intake())
    route.complete(b.signal_id, "task_verrijken", VERRIJKT)  # B moves on to beoordelen (10 days)
    clock.advance(0.5 * DAY)
    c = route.report(intake(gemeente="Nijmegen"))
    clock.set(started + 6 * DAY)
    route.orchestrator.fire_due_timers()  # A's escalation fires
    return a, b, c, started


def test_late_first_with_how_late_and_totals(route, late_and_soon, manager_factory, clock):
    a, b, c, started = late_and_soon
    manager = manager_factory("manager", ["Nijmegen"])
    result = route.orchestrator.managers.board(manager)
    assert [t["signaal_id"] for t in result["taken"]] == [a.signal_id, c.signal_id]  # B is due in 6 days: not soon
    first, second = result["taken"]
    assert first["te_laat"] and first["te_laat_seconden"] == int(DAY.total_seconds())
    assert not second["te_laat"] and second["te_laat_seconden"] == -int((1.5 * DAY).total_seconds())
    assert (result["totaal"], result["te_laat"], result["bijna"]) == (2, 1, 1)
    assert result["per"]["stap"] == [{"waarde": "task_verrijken", "naam": "Signaal verrijken", "te_laat": 1,
                                      "bijna": 1}]
    assert result["per"]["toegewezen"][0]["naam"] == "Niemand (de rol)"
    assert result["per"]["gemeente"][0]["naam"] == "Nijmegen"
    wider = route.orchestrator.managers.board(manager, within=7 * DAY)
    assert [t["signaal_id"] for t in wider["taken"]] == [a.signal_id, c.signal_id, b.signal_id]
    assert route.orchestrator.managers.board(manager, bpmn_id="task_beoordelen", within=7 * DAY)["totaal"] == 1


def test_escalations_are_listed_with_their_state(route, late_and_soon, manager_factory, users):
    a, _b, _c, _ = late_and_soon
    manager = manager_factory("manager", ["Nijmegen"])
    escalations = route.orchestrator.managers.board(manager)["escalaties"]
    assert (escalations["open"], escalations["afgehandeld"]) == (1, 0)
    assert escalations["lijst"][0]["signaal_id"] == a.signal_id
    assert escalations["lijst"][0]["toestand"] == "open"
    route.complete(a.signal_id, "task_verrijken", VERRIJKT)
    escalations = route.orchestrator.managers.board(manager)["escalaties"]
    assert (escalations["open"], escalations["afgehandeld"]) == (0, 1)
    assert escalations["lijst"][0]["toestand"] == "afgerond na escalatie"
    assert escalations["lijst"][0]["afgerond_op"] is not None


def test_candidates_hold_the_role_in_the_municipality(route, late_and_soon, manager_factory, person_factory, users):
    person_factory("analist-2", "analist", "Nijmegen", "Bram Analist")
    person_factory("analist-a", "analist", "Arnhem")
    manager = manager_factory("manager", ["Nijmegen"])
    names = {c["naam"] for c in route.orchestrator.managers.board(manager)["taken"][0]["kandidaten"]}
    assert names == {"Anna Analist", "Bram Analist"}


def test_scope_is_the_managers_municipalities(route, late_and_soon, manager_factory, users):
    arnhem = manager_factory("manager-arnhem", ["Arnhem"])
    assert route.orchestrator.managers.board(arnhem)["taken"] == []
    assert route.orchestrator.managers.board(arnhem)["escalaties"]["lijst"] == []
    with pytest.raises(Forbidden):
        route.orchestrator.managers.board(users.analist)
    with pytest.raises(Forbidden):
        route.orchestrator.managers.board(arnhem, gemeente_id=route.orchestrator.gemeente_id("Nijmegen"))
    region = manager_factory("regio", ["Nijmegen", "Arnhem"])
    assert route.orchestrator.managers.board(region)["totaal"] == 2
