"""Every path of 'Van signaal naar casus' and 'Locatie in beeld', run three ways that must end the same.

(a) straight through: one workflow object in memory;
(b) persisted: through the Orchestrator's commands, restored from the database at
    every step (report_signal, inbox, claim, complete_task; a case table's decision:
    plan_meeting, bring_to_table, record_decision once the meeting's day came);
(c) in memory again, with ``dump_state``/``load_state`` between every step.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.definitions.definitions import latest_definition_id
from engine.definitions.forms import validate_submission
from engine.definitions.validation import CompiledDefinition
from engine.runtime.intake import intake_form, prepare_intake
from engine.spiff.serialization import dump_state, load_state, new_workflow
from tests.engine.route_actions import (
    AANGEMELD_ZVH,
    CONTROLE,
    LOCATIE,
    LOCATION_PROCESS,
    NIET_VERRIJKT,
    OPVOLGING_AFGESLOTEN,
    REGIE,
    REGULIERE_HULP,
    VERRIJKT,
    beoordeeld,
    besluit,
)


@dataclass(frozen=True)
class RoutePath:
    steps: tuple[tuple[str, dict], ...]
    uitkomst: str
    route: str | None
    terugkoppeling: str  # what the reporter is told in the end (engine.domain.feedback)
    told_after: str  # the step after which the reporter is told (once: it does not change after)
    proces: str = "signaal-naar-casus"


LOCATIE_IN_BEELD = "locatie-in-beeld"
PATHS = {
    "geen_vermoeden": RoutePath(
        (("task_verrijken", NIET_VERRIJKT),),
        "Afgesloten – geen vermoeden", None, "afgesloten", "task_verrijken"),
    # Not enough grounds: the municipality picks it up, with a task; only then is the reporter told.
    "gemeentelijk": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
         ("task_gemeentelijke_opvolging", REGULIERE_HULP)),
        "Gemeentelijk opgepakt – reguliere hulp", None, "gemeente", "task_gemeentelijke_opvolging"),
    "gemeentelijk_zvh": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
         ("task_gemeentelijke_opvolging", AANGEMELD_ZVH)),
        "Aangemeld bij het Zorg- en Veiligheidshuis", "zvh", "ketenpartner", "task_gemeentelijke_opvolging"),
    "gemeentelijk_afgesloten": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
         ("task_gemeentelijke_opvolging", OPVOLGING_AFGESLOTEN)),
        "Afgesloten na gemeentelijke opvolging", None, "afgesloten", "task_gemeentelijke_opvolging"),
    # No care, no criminal trajectory, no undermining: no party with regie (routering.dmn), the municipality.
    "geen_zorg_nodig": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(zorg=False)),
         ("task_gemeentelijke_opvolging", REGULIERE_HULP)),
        "Gemeentelijk opgepakt – reguliere hulp", "gemeente", "gemeente", "task_gemeentelijke_opvolging"),
    # Hit policy FIRST: ondermijning wins even when a criminal trajectory is needed too.
    "riec": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True, strafrecht=True)),
         ("task_regie_riec", REGIE)),
        "RIEC-casus gestart", "riec", "ketenpartner", "task_beoordelen"),
    # Under the ZVH's regie the zorgcoördinator takes up the care: the route starts the care trajectory beside it.
    "zorg_en_strafrecht": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True)),
         ("task_regie_zvh", REGIE)),
        "Zorg- en strafrechtelijk traject gestart", "zorg_en_strafrecht", "ketenpartner", "task_beoordelen"),
    # The care route ends as it starts the care trajectory (processes/zorgtraject, beside it: its own tests).
    "zorgtraject": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld())),
        "Zorgtraject gestart", "zorgtraject", "ketenpartner", "task_beoordelen"),
    # First to the case table of the route; the table's decision (at its meeting) gives regie.
    "tafel_riec_bevestigd": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True, tafel=True)),
         ("task_tafel_riec", besluit("bevestigd")), ("task_regie_riec", REGIE)),
        "RIEC-casus gestart", "riec", "ketenpartner", "task_tafel_riec"),
    "tafel_mdo_zorgtraject_bevestigd": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(tafel=True)),
         ("task_tafel_mdo", besluit("bevestigd"))),
        "Zorgtraject gestart", "zorgtraject", "ketenpartner", "task_tafel_mdo"),
    "tafel_mdo_andere_route": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True, tafel=True)),
         ("task_tafel_mdo", besluit("andere_route", "riec")), ("task_regie_riec", REGIE)),
        "RIEC-casus gestart", "riec", "ketenpartner", "task_tafel_mdo"),
    "tafel_geen_casus": RoutePath(
        (("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True, tafel=True)),
         ("task_tafel_riec", besluit("geen_casus")), ("task_gemeentelijke_opvolging", REGULIERE_HULP)),
        "Gemeentelijk opgepakt – reguliere hulp", None, "gemeente", "task_gemeentelijke_opvolging"),
    # The signalenroutekaart for a location (Lisse): the local signal meeting decides.
    "locatie_integrale_controle": RoutePath(
        (("task_locatie_vastleggen", LOCATIE),
         ("task_signalenoverleg", {"besluit_casustafel": "integrale_controle", "toelichting": "Controle."}),
         ("task_integrale_controle", CONTROLE)),
        "Integrale controle ingezet", None, "gemeente", "task_integrale_controle", LOCATIE_IN_BEELD),
    "locatie_riec": RoutePath(
        (("task_locatie_vastleggen", LOCATIE), ("task_signalenoverleg", {"besluit_casustafel": "riec_casus"}),
         ("task_regie_riec", REGIE)),
        "RIEC-casus gestart", "riec", "ketenpartner", "task_signalenoverleg", LOCATIE_IN_BEELD),
    "locatie_geen_actie": RoutePath(
        (("task_locatie_vastleggen", LOCATIE), ("task_signalenoverleg", {"besluit_casustafel": "geen_actie",
                                                                       "reden_afsluiten": "Geen bewoning meer."})),
        "Afgesloten – geen actie", None, "afgesloten", "task_signalenoverleg", LOCATIE_IN_BEELD),
}


@dataclass(frozen=True)
class Outcome:
    uitkomst: str | None
    route: str | None
    steps: tuple[str, ...]
    data: dict


def run_in_memory(compiled: CompiledDefinition, start_data: dict, path: RoutePath, *, round_trip: bool) -> Outcome:
    """Run ``path`` on one workflow object; with ``round_trip``, dump and load it between every step."""

    def step(wf):
        if not round_trip:
            return wf
        return load_state(dump_state(wf), compiled.spec, compiled.subprocess_specs)

    wf = new_workflow(compiled.spec, compiled.subprocess_specs)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(start_data))
    wf = step(wf)
    wf.do_engine_steps()
    done = []
    for bpmn_id, form_data in path.steps:
        wf = step(wf)
        ready = [t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id]
        assert len(ready) == 1, bpmn_id
        task_id = ready[0].id
        form = compiled.forms[compiled.tasks[bpmn_id].formulier]
        ready[0].data.update(validate_submission(form, form_data))
        wf = step(wf)
        wf.get_task_from_id(task_id).run()
        wf = step(wf)
        wf.do_engine_steps()
        done.append(bpmn_id)
    wf = step(wf)
    assert wf.is_completed()
    assert wf.get_tasks(state=TaskState.READY) == []
    ends = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id in compiled.end_events]
    assert len(ends) == 1
    return Outcome(compiled.end_events[ends[0].task_spec.bpmn_id], wf.data.get("route"), tuple(done), wf.data)


def run_persisted(route, compiled: CompiledDefinition, intake: dict, path: RoutePath) -> tuple[Outcome, int]:
    """Run ``path`` through the commands; every step finds its task in the inbox, claims and completes it
    (a case table's decision: on a meeting's agenda, recorded from the meeting once its day came)."""
    orch = route.orchestrator
    started = route.report(intake, proces=path.proces)
    assert started.status == "lopend"
    done = []
    for bpmn_id, form_data in path.steps:
        rol = compiled.tasks[bpmn_id].rol
        actor = route.actor_for(rol)
        inbox = orch.inbox(actor, bpmn_id=bpmn_id)["taken"]
        [task] = [t for t in inbox if t["signaal_id"] == started.signal_id]
        before = route.instance(started.instance_id).version
        if compiled.tasks[bpmn_id].casustafel:
            route.decide_at_table(started.signal_id, bpmn_id, form_data)
        else:
            orch.claim(actor, task["id"])
            orch.complete_task(actor, task["id"], form_data)
        assert route.instance(started.instance_id).version == before + 1
        done.append(bpmn_id)
    instance = route.instance(started.instance_id)
    assert instance.status == "afgerond"
    wf = load_state(instance.state, compiled.spec, compiled.subprocess_specs)
    assert wf.is_completed()
    row = route.signal_row(started.signal_id)
    return Outcome(row.uitkomst, row.route, tuple(done), wf.data), started.signal_id


def expected_history(compiled: CompiledDefinition, path: RoutePath) -> list[tuple[str, str | None]]:
    """The signal's history after ``path`` ran persisted: each step made, claimed (or brought to a table
    and decided there) and done; the reporter told once; the signal closed."""
    expected = [("signaal_gemeld", None)]
    told = False
    for bpmn_id, _ in path.steps:
        naam = compiled.tasks[bpmn_id].naam
        expected.append(("taak_aangemaakt", naam))
        if told:
            expected.append(("melder_teruggekoppeld", None))
            told = False
        if compiled.tasks[bpmn_id].casustafel:
            expected += [("geagendeerd", naam), ("besluit_vastgelegd", naam), ("taak_voltooid", naam)]
        else:
            expected += [("taak_geclaimd", naam), ("taak_voltooid", naam)]
        told = bpmn_id == path.told_after
    if told:
        expected.append(("melder_teruggekoppeld", None))
    expected.append(("signaal_afgerond", None))
    return expected


@pytest.mark.parametrize("acuut", [False, True], ids=["niet_acuut", "acuut"])
@pytest.mark.parametrize("name", PATHS)
def test_path_ends_the_same_three_ways(route, users, intake, clock, name, acuut):
    orch = route.orchestrator
    path = PATHS[name]
    raw = intake(acute_nood=acuut)
    if path.proces == LOCATIE_IN_BEELD:
        orch.deploy_folder(LOCATION_PROCESS)
    with orch.db.read() as conn:
        compiled = orch.cache.get(conn, latest_definition_id(conn, path.proces))
        start_data, _ = prepare_intake(conn, compiled, users.melder, raw, clock.now(),
                                       intake_form(conn, orch.cache, compiled))

    straight = run_in_memory(compiled, start_data, path, round_trip=False)
    round_tripped = run_in_memory(compiled, start_data, path, round_trip=True)
    persisted, signal_id = run_persisted(route, compiled, raw, path)

    assert straight.uitkomst == path.uitkomst
    assert straight.route == path.route
    assert straight.steps == tuple(bpmn_id for bpmn_id, _ in path.steps)
    assert ("politie_ingeschakeld" in straight.data) is acuut  # reported with 112 called: recorded
    assert round_tripped == straight
    assert persisted == straight

    row = route.signal_row(signal_id)
    assert (row.status, row.fase, row.closed_at is not None) == ("afgerond", None, True)
    assert row.terugkoppeling == path.terugkoppeling
    # Reaching care started the care trajectory: its intake waits for the zorgcoördinator.
    care = ["task_intake"] if path.route in ("zorgtraject", "zorg_en_strafrecht") else []
    assert [t.bpmn_id for t in route.open_tasks(signal_id)] == care
    view = orch.signal(users.analist, signal_id)  # the analist sees nothing of the care (docs/privacy.md)
    assert (view["status"], view["uitkomst"], view["route"], view["taken"]) == ("afgerond", path.uitkomst, path.route, [])
    assert [(h["actie"], h.get("stap")) for h in view["historie"]] == expected_history(compiled, path)


@pytest.mark.parametrize("name", ["geen_vermoeden", "zorg_en_strafrecht"])
def test_history_lists_the_steps_in_order(route, users, intake, name):
    path = PATHS[name]
    started = route.report(intake(acute_nood=True))
    route.walk(started.signal_id, path.steps)
    names = {"task_verrijken": "Signaal verrijken", "task_beoordelen": "Afstemmen en beoordelen",
             "task_regie_zvh": "Regie zorg- en strafrechtelijk traject"}
    doers = {"task_verrijken": "Anna Analist", "task_beoordelen": "Frits Aandacht", "task_regie_zvh": "Vera Veiligheidshuis"}
    expected = [("signaal_gemeld", "Mila Melder", None)]
    for bpmn_id, _ in path.steps:
        expected += [("taak_aangemaakt", None, names[bpmn_id])]  # the care trajectory's steps are not theirs to see
        if bpmn_id == "task_regie_zvh":  # told when routed, as the regie task opened
            expected += [("melder_teruggekoppeld", None, None)]
        expected += [("taak_voltooid", doers[bpmn_id], names[bpmn_id])]
    if name == "geen_vermoeden":  # told as it closed
        expected.append(("melder_teruggekoppeld", None, None))
    expected.append(("signaal_afgerond", None, None))

    # the aandachtsfunctionaris: once routed, the analist sees the process without who reported it
    historie = route.orchestrator.signal(users.aandachtsfunctionaris, started.signal_id)["historie"]

    assert [(h["actie"], h["wie"], h.get("stap")) for h in historie] == expected
    assert historie[0]["referentie"] == started.referentie and historie[0]["acute_nood"] is True
    assert (historie[-1]["uitkomst"], historie[-1]["route"]) == (path.uitkomst, path.route)


def test_claiming_is_in_the_history_but_does_not_move_the_process(route, users, intake):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    version = route.instance(started.instance_id).version

    route.orchestrator.claim(users.analist, task.id)

    assert route.instance(started.instance_id).version == version
    assert [e.actie for e in route.audit(started.signal_id)][-1] == "taak_geclaimd"
    assert route.orchestrator.inbox(users.analist)["taken"][0]["toegewezen_aan"] == "analist"
