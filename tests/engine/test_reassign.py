"""A manager reassigns an open task: audited, only to someone with the role, 409 when it changed."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, FieldErrors, Forbidden, NotFound
from tests.engine.route_actions import VERRIJKT


@pytest.fixture
def setting(route, intake, manager_factory, person_factory):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    manager = manager_factory("manager", ["Nijmegen"], "Mara Manager")
    bram = person_factory("analist-2", "analist", "Nijmegen", "Bram Analist")
    return started, task, manager, bram


def test_reassign_puts_it_on_the_name_and_audits(route, setting, users):
    started, task, manager, bram = setting
    result = route.orchestrator.managers.reassign(manager, task.id, bram.id, seen=None)
    assert result["naar_naam"] == "Bram Analist"
    assert route.open_task(started.signal_id).toegewezen_aan == bram.id
    event = route.audit(started.signal_id, "taak_toegewezen")[-1]
    assert event.user_id == manager.id
    assert (event.detail["taak_id"], event.detail["van"], event.detail["naar"]) == (task.id, None, bram.id)
    # and Bram can now complete it; Anna cannot any more
    with pytest.raises(Forbidden):
        route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)
    route.orchestrator.complete_task(bram, task.id, VERRIJKT)


def test_a_change_in_between_is_a_conflict_naming_who(route, setting, users):
    _started, task, manager, bram = setting
    route.orchestrator.claim(users.analist, task.id)
    with pytest.raises(Conflict, match="Anna Analist"):
        route.orchestrator.managers.reassign(manager, task.id, bram.id, seen=None)  # the manager saw it unassigned
    route.orchestrator.managers.reassign(manager, task.id, bram.id, seen=users.analist.id)


def test_a_completed_task_is_a_conflict(route, setting, users):
    started, task, manager, bram = setting
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    with pytest.raises(Conflict, match="al voltooid door Anna Analist"):
        route.orchestrator.managers.reassign(manager, task.id, bram.id)


def test_only_to_someone_with_the_role_there(route, setting, users, person_factory):
    _started, task, manager, _bram = setting
    arnhem = person_factory("analist-a", "analist", "Arnhem")
    with pytest.raises(FieldErrors) as error:
        route.orchestrator.managers.reassign(manager, task.id, arnhem.id)
    assert "rol 'Analist Meldpunt Ondermijning'" in error.value.fields["naar"]  # the role's name, not its key
    with pytest.raises(FieldErrors) as error:
        route.orchestrator.managers.reassign(manager, task.id, users.aandachtsfunctionaris.id)
    assert "naar" in error.value.fields
    with pytest.raises(FieldErrors) as error:
        route.orchestrator.managers.reassign(manager, task.id, 99999)
    assert error.value.fields == {"naar": "onbekende of uitgeschakelde gebruiker"}


def test_only_a_manager_of_the_municipality(route, setting, users, manager_factory):
    _started, task, _manager, bram = setting
    with pytest.raises(Forbidden):
        route.orchestrator.managers.reassign(users.analist, task.id, bram.id)
    elsewhere = manager_factory("manager-arnhem", ["Arnhem"])
    with pytest.raises(NotFound):
        route.orchestrator.managers.reassign(elsewhere, task.id, bram.id)
