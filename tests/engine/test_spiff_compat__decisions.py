"""A decision without a matching rule fails at the decision and changes nothing (StrictDMNEngine)."""
from __future__ import annotations

import re

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import WorkflowFailed
from engine.people.users import add_user
from engine.spiff.serialization import new_workflow
from engine.spiff.spiff_compat import NoMatchingRule
from engine.store.schema import audit_event, human_task, process_instance, signal
from tests.engine.route_actions import DEFAULT_PROCESS, VERRIJKT, beoordeeld, package_with


def _without_catch_all(dmn: str) -> str:
    """routering.dmn without its last rule, the one that sends everything else to 'zorgtraject'."""
    changed, count = re.subn(r'\s*<rule id="rule_zorgtraject">.*?</rule>', "", dmn, flags=re.S)
    assert count == 1
    return changed


NO_CATCH_ALL = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"routering.dmn": _without_catch_all})


@pytest.fixture
def strict_route(route):
    """``route`` with the package without a catch-all rule deployed as the newest version."""
    assert route.orchestrator.deploy(NO_CATCH_ALL).versie == 2
    return route


def _at_beoordelen(route, intake):
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    return started, route.open_task(started.signal_id, "task_beoordelen")


def test_no_matching_rule_fails_the_command_and_changes_nothing(strict_route, users, intake):
    route = strict_route
    started, task = _at_beoordelen(route, intake)
    version = route.instance(started.instance_id).version
    before = route.counts(signal, process_instance, human_task, audit_event)

    with pytest.raises(WorkflowFailed) as caught:
        route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, beoordeeld())

    assert "'routering'" in str(caught.value)
    assert "ondermijnende_criminaliteit" in str(caught.value)  # the inputs it could not place
    assert route.open_task(started.signal_id).id == task.id
    assert route.instance(started.instance_id).version == version
    assert route.counts(signal, process_instance, human_task, audit_event) == before
    assert route.signal_row(started.signal_id).route is None


def test_the_failure_names_the_decision_task(strict_route, users, intake):
    _, task = _at_beoordelen(strict_route, intake)

    with pytest.raises(WorkflowFailed) as caught:
        strict_route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, beoordeeld())

    assert caught.value.element_id == "task_routering"


def test_a_matching_rule_still_routes(strict_route, users, intake):
    started, task = _at_beoordelen(strict_route, intake)

    strict_route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, beoordeeld(ondermijnend=True))

    assert strict_route.open_task(started.signal_id).bpmn_id == "task_regie_riec"
    assert strict_route.signal_row(started.signal_id).route == "riec"


def test_in_memory_the_decision_raises_instead_of_deciding_nothing():
    compiled = compile_package(NO_CATCH_ALL)
    wf = new_workflow(compiled.spec, compiled.subprocess_specs)
    wf.get_tasks(state=TaskState.READY)[0].data.update({"acute_nood": False, "melder": None, "ontvangen_op": "x",
                                                           "minderjarige": "nee"})
    wf.do_engine_steps()
    for data in (VERRIJKT, beoordeeld()):
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(data)
        task.run()
        if data is VERRIJKT:
            wf.do_engine_steps()

    with pytest.raises(NoMatchingRule, match="Beslissing 'routering' \\(Routering\\) heeft geen regel"):
        wf.do_engine_steps()
    assert "route" not in wf.last_task.data


def test_a_failing_user_command_leaves_an_incident_for_the_beheerder(strict_route, users, intake, clock):
    """The command is rolled back, but the case must not stall unseen: an incident names the
    decision, the error kind and the data keys (never values); the task stays open."""
    route = strict_route
    started, task = _at_beoordelen(route, intake)
    for _ in range(2):
        with pytest.raises(WorkflowFailed):
            route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, beoordeeld())

    with route.orchestrator.db.write() as conn:
        beheerder_id = add_user(conn, "beheer", now=clock.now(), roles=["beheerder"], gemeente_naam=None)
    beheerder = route.orchestrator.actor(beheerder_id)
    listed = route.orchestrator.incidents(beheerder)
    [entry] = [i for i in listed["incidenten"] if i["instance_id"] == started.instance_id]
    assert (entry["element"], entry["soort"], entry["open"], entry["pogingen"]) == (
        "task_routering", "beslissing_zonder_regel", True, 2)
    assert "ondermijnende_criminaliteit" in entry["gegevens"] and entry["timer"] is None
    assert entry["kan_opnieuw"] is False  # the user submits again once the cause is fixed
    assert route.open_task(started.signal_id).id == task.id

    route.orchestrator.resolve_incident(beheerder, entry["id"])
    assert route.orchestrator.incidents(beheerder)["open"] == 0
