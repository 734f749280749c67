"""Who may claim, give back and complete a task (engine/people/access.py through the commands)."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, NotFound
from tests.engine.route_actions import VERRIJKT


@pytest.fixture
def analist2(route):
    return route.add_user("analist2", "Bram Analist", "analist", "Nijmegen")


@pytest.fixture
def task(route, intake):
    """The open 'Signaal verrijken' task of a fresh signal in Nijmegen."""
    return route.open_task(route.report(intake()).signal_id, "task_verrijken")


@pytest.mark.parametrize("who", ["melder", "aandachtsfunctionaris", "zorgcoordinator", "riec", "procesbeheerder",
                                 "analist_elders"])
def test_only_the_tasks_role_in_its_municipality_may_claim(route, users, task, who):
    with pytest.raises((NotFound, Forbidden)):
        route.orchestrator.claim(getattr(users, who), task.id)
    with pytest.raises((NotFound, Forbidden)):
        route.orchestrator.complete_task(getattr(users, who), task.id, VERRIJKT)

    assert route.open_task(task.signal_id).toegewezen_aan is None


def test_another_municipality_cannot_even_see_the_task(route, users, task):
    with pytest.raises(NotFound):
        route.orchestrator.claim(users.analist_elders, task.id)
    with pytest.raises(NotFound):
        route.orchestrator.task(users.analist_elders, task.id)
    assert route.orchestrator.inbox(users.analist_elders)["taken"] == []


def test_a_claimed_task_cannot_be_claimed_by_another(route, users, task, analist2):
    route.orchestrator.claim(users.analist, task.id)

    with pytest.raises(Conflict, match="al geclaimd door Anna Analist"):
        route.orchestrator.claim(analist2, task.id)

    assert route.open_task(task.signal_id).toegewezen_aan == users.analist.id


def test_claiming_ones_own_task_again_changes_nothing(route, users, task):
    route.orchestrator.claim(users.analist, task.id)
    route.orchestrator.claim(users.analist, task.id)

    assert len(route.audit(task.signal_id, "taak_geclaimd")) == 1


def test_a_claimed_task_is_completed_only_by_its_assignee(route, users, task, analist2):
    route.orchestrator.claim(users.analist, task.id)

    with pytest.raises(Forbidden, match="toegewezen aan Anna Analist"):
        route.orchestrator.complete_task(analist2, task.id, VERRIJKT)

    route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)
    assert route.open_task(task.signal_id).bpmn_id == "task_beoordelen"


def test_only_the_assignee_gives_a_task_back(route, users, task, analist2):
    route.orchestrator.claim(users.analist, task.id)

    with pytest.raises(Forbidden):
        route.orchestrator.unclaim(analist2, task.id)
    assert route.open_task(task.signal_id).toegewezen_aan == users.analist.id

    route.orchestrator.unclaim(users.analist, task.id)

    assert route.open_task(task.signal_id).toegewezen_aan is None
    assert [e.actie for e in route.audit(task.signal_id)][-2:] == ["taak_geclaimd", "taak_vrijgegeven"]
    route.orchestrator.claim(analist2, task.id)
    assert route.open_task(task.signal_id).toegewezen_aan == analist2.id


def test_a_claimed_task_leaves_the_other_analists_inbox_but_stays_in_the_assignees(route, users, task, analist2):
    route.orchestrator.claim(users.analist, task.id)

    mine = route.orchestrator.inbox(users.analist, alleen_mijn=True)["taken"]
    theirs = route.orchestrator.inbox(analist2, alleen_mijn=True)["taken"]

    assert [t["id"] for t in mine] == [task.id] and theirs == []
    assert route.orchestrator.inbox(analist2)["taken"][0]["toegewezen_aan"] == "analist"


def test_a_done_task_cannot_be_claimed_given_back_or_completed_again(route, users, task, analist2):
    route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)

    for attempt in (lambda: route.orchestrator.claim(analist2, task.id),
                    lambda: route.orchestrator.unclaim(users.analist, task.id),
                    lambda: route.orchestrator.complete_task(analist2, task.id, VERRIJKT)):
        with pytest.raises(Conflict, match="al voltooid door Anna Analist op 05-01-2026 om 10:00"):
            attempt()
    assert route.instance(route.signal_row(task.signal_id).instance_id).version == 2
