"""Every path of 'Slachtoffer in beeld' and 'Meldcode', run three ways that must end the same.

As tests/engine/test_route__paths.py: (a) straight through in memory, (b) through the
Orchestrator's commands with the intake choosing the process and every step restored from
the database, (c) in memory with ``dump_state``/``load_state`` between every step.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from engine.clock import as_utc
from engine.definitions.definitions import latest_definition_id
from engine.runtime.intake import prepare_intake
from engine.spiff.serialization import load_state
from tests.engine.route_actions import OPVOLGING_AFGESLOTEN, REGULIERE_HULP, ROOT, use_intake_table
from tests.engine.test_route__paths import Outcome, RoutePath, run_in_memory

DOORVERWEZEN = {"doorverwezen_op": "2026-01-05", "doorverwezen_aan": "J. Jansen, teamleider", "wijze": "telefonisch"}
BEVESTIGD = {"bevestiging": "ja", "bevestigd_op": "2026-01-07", "bevestigd_door": "J. Jansen"}
NIET_BEVESTIGD = {"bevestiging": "nee", "bevestigd_op": "2026-01-07", "reactie": "Geen capaciteit."}


def wens(**answers) -> dict:
    return {"slachtoffer_wil_melden": False, "slachtoffer_wil_steun": False, "ernstige_zorgen": False, **answers}


@dataclass(frozen=True)
class RoutekaartPath:
    proces: str
    intake: dict
    path: RoutePath
    terugkoppeling: str | None


def _path(proces: str, steps, uitkomst, route) -> RoutePath:
    # What the reporter is told in the end comes from the end event (checked per path below).
    return RoutePath(tuple(steps), uitkomst, route, terugkoppeling="", told_after="", proces=proces)


def _victim(intake: dict, steps, uitkomst, route, terugkoppeling) -> RoutekaartPath:
    return RoutekaartPath("slachtoffer-in-beeld", {"identificeerbaar_slachtoffer": True, **intake},
                          _path("slachtoffer-in-beeld", steps, uitkomst, route), terugkoppeling)


def _meldcode(intake: dict, steps, uitkomst, terugkoppeling) -> RoutekaartPath:
    return RoutekaartPath("meldcode", {"meldcode_professional": True, **intake},
                          _path("meldcode", steps, uitkomst, "veilig_thuis"), terugkoppeling)


DONE = "Doorverwezen naar ketenpartner"
OPGEPAKT = "Gemeentelijk opgepakt – reguliere hulp"
PATHS = {
    # The reporter knew the victim's wish: the referral is the first task.
    "nla_arbeid": _victim({"slachtoffer_wil_melden": True, "uitbuitingsvormen": ["arbeid"]},
                          [("task_nla", DOORVERWEZEN), ("task_bevestiging", BEVESTIGD)], DONE, "nla", "ketenpartner"),
    "avim_seksueel": _victim({"slachtoffer_wil_melden": True, "uitbuitingsvormen": ["seksueel"]},
                             [("task_avim", DOORVERWEZEN), ("task_bevestiging", BEVESTIGD)], DONE, "avim", "ketenpartner"),
    # Labour and sexual exploitation: referred to both the NLA and the AVIM (routekaart).
    "gemengd_nla_en_avim": _victim({"slachtoffer_wil_melden": True, "uitbuitingsvormen": ["seksueel", "arbeid"]},
                                   [("task_nla", DOORVERWEZEN), ("task_avim", DOORVERWEZEN), ("task_bevestiging", BEVESTIGD)],
                                   DONE, "avim", "ketenpartner"),
    "zorg_steun": _victim({"slachtoffer_wil_steun": True},
                          [("task_zorgcoordinator", DOORVERWEZEN), ("task_bevestiging", BEVESTIGD)], DONE, "zorgtraject",
                          "ketenpartner"),
    # The wish was not known: the aandachtsfunctionaris records it first.
    "wens_avim_orgaan": _victim({"uitbuitingsvormen": ["orgaan"]},
                                [("task_wens", wens(slachtoffer_wil_melden=True)), ("task_avim", DOORVERWEZEN),
                                 ("task_bevestiging", BEVESTIGD)], DONE, "avim", "ketenpartner"),
    "wens_zvh_niet_bevestigd": _victim({}, [("task_wens", wens(ernstige_zorgen=True)), ("task_zvh", DOORVERWEZEN),
                                            ("task_bevestiging", NIET_BEVESTIGD),
                                            ("task_gemeentelijke_opvolging", REGULIERE_HULP)],
                                       OPGEPAKT, "zvh", "ketenpartner"),
    "wens_geen_doorverwijzing": _victim({}, [("task_wens", wens()), ("task_gemeentelijke_opvolging", REGULIERE_HULP)],
                                        OPGEPAKT,
                                        None, None),
    "meldcode_al_gemeld_opgepakt": _meldcode(
        {"gemeld_bij_veilig_thuis": True, "veilig_thuis_gemeld_op": "2026-01-04"},
        [("task_uitkomst_vt", {"vt_uitkomst": "opgepakt", "vt_uitkomst_op": "2026-01-20"})],
        "Opgepakt door Veilig Thuis", "ketenpartner"),
    "meldcode_al_gemeld_geen": _meldcode(
        {"gemeld_bij_veilig_thuis": True},
        [("task_uitkomst_vt", {"vt_uitkomst": "geen_mensenhandel", "vt_uitkomst_op": "2026-01-20"})],
        "Afgesloten – Veilig Thuis: geen mensenhandel", "ketenpartner"),
    "meldcode_doorgeven_terug": _meldcode(
        {}, [("task_melden_vt", DOORVERWEZEN),
             ("task_uitkomst_vt", {"vt_uitkomst": "terug_naar_gemeente", "vt_uitkomst_op": "2026-01-20"}),
             ("task_gemeentelijke_opvolging", OPVOLGING_AFGESLOTEN)],
        "Afgesloten na gemeentelijke opvolging", "ketenpartner"),
    "meldcode_doorgeven_opgepakt": _meldcode(
        {}, [("task_melden_vt", DOORVERWEZEN), ("task_uitkomst_vt", {"vt_uitkomst": "opgepakt",
                                                                     "vt_uitkomst_op": "2026-01-20"})],
        "Opgepakt door Veilig Thuis", "ketenpartner"),
}


@pytest.fixture
def routekaart(route):
    for folder in ("slachtoffer-in-beeld", "meldcode"):
        route.orchestrator.deploy_folder(ROOT / "processes" / folder)
    use_intake_table(route.orchestrator)  # Nijmegen's intake chooses by the table (issue #17's route set-up)
    return route


def run_persisted(route, compiled, raw: dict, case: RoutekaartPath) -> tuple[Outcome, int]:
    """The intake chooses the process; every step finds its task in the inbox, claims and completes it."""
    orch = route.orchestrator
    started = route.report(raw, proces=None)
    assert (started.proces, started.status) == (case.proces, "lopend")
    done = []
    for bpmn_id, form_data in case.path.steps:
        actor = route.actor_for(compiled.tasks[bpmn_id].rol)
        [task] = [t for t in orch.inbox(actor, bpmn_id=bpmn_id)["taken"] if t["signaal_id"] == started.signal_id]
        orch.claim(actor, task["id"])
        orch.complete_task(actor, task["id"], form_data)
        done.append(bpmn_id)
    instance = route.instance(started.instance_id)
    assert instance.status == "afgerond"
    wf = load_state(instance.state, compiled.spec, compiled.subprocess_specs)
    row = route.signal_row(started.signal_id)
    return Outcome(row.uitkomst, row.route, tuple(done), wf.data), started.signal_id


@pytest.mark.parametrize("acuut", [False, True], ids=["niet_acuut", "acuut"])
@pytest.mark.parametrize("name", PATHS)
def test_path_ends_the_same_three_ways(routekaart, users, intake, clock, name, acuut):
    case = PATHS[name]
    orch = routekaart.orchestrator
    raw = intake(acute_nood=acuut, **case.intake)
    with orch.db.read() as conn:
        compiled = orch.cache.get(conn, latest_definition_id(conn, case.proces))
        shared = orch.cache.get(conn, latest_definition_id(conn, "signaal-naar-casus"))
        start_data, _ = prepare_intake(conn, compiled, users.melder, raw, clock.now(), shared.forms["signaal-melden"])

    straight = run_in_memory(compiled, start_data, case.path, round_trip=False)
    round_tripped = run_in_memory(compiled, start_data, case.path, round_trip=True)
    persisted, signal_id = run_persisted(routekaart, compiled, raw, case)

    assert straight.uitkomst == case.path.uitkomst
    assert straight.route == case.path.route
    assert straight.data.get("terugkoppeling") == case.terugkoppeling
    assert ("politie_ingeschakeld" in straight.data) is acuut
    assert round_tripped == straight
    assert persisted == straight
    assert routekaart.open_tasks(signal_id) == []
    end = next(bpmn_id for bpmn_id, naam in compiled.end_events.items() if naam == case.path.uitkomst)
    told = compiled.spec.task_specs[end].extensions["properties"]["terugkoppeling"]
    assert told in ("afgesloten", "gemeente", "ketenpartner")
    assert routekaart.signal_row(signal_id).terugkoppeling == told  # what the reporter reads in Mijn meldingen


def test_a_referral_task_waits_with_a_deadline_and_shows_the_regions_partner(routekaart, users, intake, clock):
    from engine.people.regions import assign_gemeente, ensure_regio
    from engine.people.users import find_gemeente

    orch = routekaart.orchestrator
    with orch.db.write() as conn:
        regio_id = ensure_regio(conn, "Gelderland-Zuid")
        assign_gemeente(conn, regio_id, find_gemeente(conn, "Nijmegen"))
    beheerder = routekaart.add_user("bea", "Bea Beheer", "beheerder", None)
    orch.partners.add(beheerder, regio_id, {"soort": "nla", "naam": "NLA Team Mensenhandel Oost",
                                            "telefoon": "0800-5151", "email": "oost@nla.example"})

    started = routekaart.report(intake(identificeerbaar_slachtoffer=True, slachtoffer_wil_melden=True), proces=None)
    task = routekaart.open_task(started.signal_id, "task_nla")
    detail = orch.task(users.aandachtsfunctionaris, task.id)

    assert as_utc(task.due_at) == clock.now() + dt.timedelta(days=2)
    assert detail["ketenpartner"]["soort"] == "nla"
    assert [c["naam"] for c in detail["ketenpartner"]["contacten"]] == ["NLA Team Mensenhandel Oost"]
    assert routekaart.signal_row(started.signal_id).route is None  # passed only once the task is done


@pytest.mark.parametrize(("name", "wait_at", "days"), [
    ("nla_arbeid", "task_bevestiging", 10),
    ("meldcode_doorgeven_opgepakt", "task_uitkomst_vt", 28),
])
def test_a_waiting_referral_escalates_to_the_manager_and_still_ends(routekaart, users, intake, clock, name, wait_at,
                                                                     days):
    from engine.runtime.invariants import check_invariants

    case = PATHS[name]
    orch = routekaart.orchestrator
    started = routekaart.report(intake(**case.intake), proces=None)
    steps = list(case.path.steps)
    while steps[0][0] != wait_at:
        routekaart.complete(started.signal_id, *steps.pop(0))
    waiting = routekaart.open_task(started.signal_id, wait_at)

    clock.advance(dt.timedelta(days=days, minutes=1))
    fired = orch.fire_due_timers()

    assert [f.instance_id for f in fired] == [started.instance_id]
    [event] = routekaart.audit(started.signal_id, "timer_afgevuurd")
    assert (event.detail["stap"], event.detail["timer_actie"]) == (
        {"task_bevestiging": "Deadline bevestiging verstreken",
         "task_uitkomst_vt": "Deadline uitkomst Veilig Thuis verstreken"}[wait_at], "escalatie")
    assert routekaart.open_task(started.signal_id, wait_at).escalated_at is not None
    assert [e.detail["taak_id"] for e in routekaart.audit(started.signal_id, "taak_geescaleerd")] == [waiting.id]
    for bpmn_id, data in steps:
        routekaart.complete(started.signal_id, bpmn_id, data)
    assert routekaart.signal_row(started.signal_id).uitkomst == case.path.uitkomst
    assert check_invariants(orch.db, orch.cache) == []
