"""The analist corrects the intake's choice: the signal moves to another process in one command."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict, FieldErrors, Forbidden, NotFound
from engine.runtime.invariants import check_invariants
from engine.store.schema import human_task, proceswissel, taak_concept, timer
from tests.engine.route_actions import NIET_VERRIJKT, ROOT, VERRIJKT, use_intake_table


@pytest.fixture
def routes(route):
    for folder in ("slachtoffer-in-beeld", "meldcode"):
        route.orchestrator.deploy_folder(ROOT / "processes" / folder)
    use_intake_table(route.orchestrator)  # Nijmegen's intake chooses by the table (issue #17's route set-up)
    return route


def _tasks(route, instance_id):
    with route.orchestrator.db.read() as conn:
        return conn.execute(select(human_task.c.bpmn_id, human_task.c.status)
                            .where(human_task.c.instance_id == instance_id)).all()


@pytest.mark.parametrize("who", ["analist", "aandachtsfunctionaris"])
def test_the_municipality_moves_a_signal_to_another_process(routes, users, intake, who):
    orch = routes.orchestrator
    started = routes.report(intake(identificeerbaar_slachtoffer=True, slachtoffer_wil_steun=True), proces=None)
    assert started.proces == "slachtoffer-in-beeld"
    before = routes.signal_row(started.signal_id)

    moved = orch.change_process(getattr(users, who), started.signal_id, "signaal-naar-casus",
                                "Het slachtoffer is nog niet in beeld; eerst verrijken.")

    assert moved.proces == "signaal-naar-casus"
    assert [t["bpmn_id"] for t in moved.nieuwe_taken] == ["task_verrijken"]
    old = routes.instance(started.instance_id)
    assert old.status == "geannuleerd"  # cancelled, not deleted
    assert _tasks(routes, started.instance_id) == [("task_zorgcoordinator", "vervallen")]
    assert [t.bpmn_id for t in routes.open_tasks(started.signal_id)] == ["task_verrijken"]
    after = routes.signal_row(started.signal_id)
    assert (after.referentie, after.omschrijving, after.gemeld_door) == (before.referentie, before.omschrijving,
                                                                          before.gemeld_door)
    assert after.instance_id == moved.instance_id != started.instance_id
    view = orch.signal(users.aandachtsfunctionaris, started.signal_id)
    assert view["proces"]["sleutel"] == "signaal-naar-casus"
    assert [(st["bpmn_id"], st["status"], st["huidig_proces"]) for st in view["stappen"]] == [
        ("task_zorgcoordinator", "vervallen", False), ("task_verrijken", "open", True)]
    [event] = routes.audit(started.signal_id, "proces_gewijzigd")
    assert event.user_id == getattr(users, who).id
    assert event.detail["van"] == "slachtoffer-in-beeld" and event.detail["naar"] == "signaal-naar-casus"
    assert event.detail["reden"] == "Het slachtoffer is nog niet in beeld; eerst verrijken."
    assert event.detail["vervallen"] == ["Doorverwijzen naar zorgcoördinator"]
    with orch.db.read() as conn:
        [wissel] = conn.execute(select(proceswissel)).all()
    assert (wissel.van_instance_id, wissel.naar_instance_id) == (started.instance_id, moved.instance_id)
    assert check_invariants(orch.db, orch.cache) == []


def test_the_new_process_runs_on_with_the_report_and_its_timers_are_new(routes, users, intake):
    orch = routes.orchestrator
    started = routes.report(intake(acute_nood=True))
    routes.complete(started.signal_id, "task_verrijken", VERRIJKT)  # on to 'beoordelen', with its timer

    moved = orch.change_process(users.aandachtsfunctionaris, started.signal_id, "meldcode", "Melding van een leerkracht.")

    with orch.db.read() as conn:
        old_timers = conn.execute(select(timer.c.status).where(timer.c.instance_id == started.instance_id)).scalars().all()
    assert set(old_timers) <= {"vervallen", "afgevuurd"} and "vervallen" in old_timers
    assert [t["bpmn_id"] for t in moved.nieuwe_taken] == ["task_melden_vt"]
    routes.complete(started.signal_id, "task_melden_vt", {"doorverwezen_op": "2026-01-05", "doorverwezen_aan": "VT",
                                                         "wijze": "telefonisch"})
    assert routes.signal_row(started.signal_id).route == "veilig_thuis"
    assert check_invariants(orch.db, orch.cache) == []


@pytest.mark.parametrize("who", ["melder", "zorgcoordinator", "zvh", "riec", "procesbeheerder", "analist_elders"])
def test_others_may_not_move_a_signal(routes, users, intake, who):
    started = routes.report(intake())

    with pytest.raises((Forbidden, NotFound)):
        routes.orchestrator.change_process(getattr(users, who), started.signal_id, "meldcode", "Andere route.")

    assert routes.instance(started.instance_id).status == "lopend"
    assert routes.orchestrator.process_choices(getattr(users, who), started.signal_id) == []


def test_a_move_needs_a_reason_and_a_deployed_other_process(routes, users, intake):
    started = routes.report(intake())
    orch = routes.orchestrator

    with pytest.raises(FieldErrors) as caught:
        orch.change_process(users.analist, started.signal_id, "locatie-onbekend", "  ")
    assert set(caught.value.fields) == {"reden", "proces"}
    with pytest.raises(FieldErrors) as caught:
        orch.change_process(users.analist, started.signal_id, "signaal-naar-casus", "Zelfde.")
    assert set(caught.value.fields) == {"proces"}
    assert routes.instance(started.instance_id).status == "lopend"
    assert [c["sleutel"] for c in orch.process_choices(users.analist, started.signal_id)] == [
        "meldcode", "slachtoffer-in-beeld"]


def test_a_closed_signal_stays_where_it_ended(routes, users, intake):
    started = routes.report(intake())
    routes.complete(started.signal_id, "task_verrijken", NIET_VERRIJKT)

    with pytest.raises(Conflict):
        routes.orchestrator.change_process(users.aandachtsfunctionaris, started.signal_id, "meldcode", "Te laat.")


def test_retention_strips_the_instance_a_signal_moved_away_from(routes, users, intake, clock):
    import datetime as dt

    from engine.store.schema import process_instance

    secret = "Kamer boven snackbar De Gouden Draak"
    started = routes.report(intake(omschrijving=f"{secret}: twee mensen.", locatie=secret))
    routes.orchestrator.change_process(users.aandachtsfunctionaris, started.signal_id, "meldcode", "Via de school.")
    routes.complete(started.signal_id, "task_melden_vt", {"doorverwezen_op": "2026-01-05", "doorverwezen_aan": "VT",
                                                         "wijze": "email"})
    routes.complete(started.signal_id, "task_uitkomst_vt", {"vt_uitkomst": "geen_mensenhandel",
                                                           "vt_uitkomst_op": "2026-01-06"})
    clock.set(clock.now() + dt.timedelta(days=5 * 366))

    run = routes.orchestrator.run_retention()

    assert [item.signal_id for item in run.signalen] == [started.signal_id] and run.mislukt == []
    with routes.orchestrator.db.read() as conn:
        states = conn.execute(select(process_instance.c.state)).scalars().all()
        [reden] = conn.execute(select(proceswissel.c.reden)).scalars().all()
    assert len(states) == 2 and not any(secret in state for state in states)
    assert reden is None


def test_a_move_racing_a_completion_never_half_happens(routes, users, intake):
    from engine.service.orchestrator import Orchestrator
    from engine.store.db import Database
    from tests.engine.route_actions import race

    orch = routes.orchestrator
    other = Orchestrator(Database(orch.db.engine), orch.clock)  # another orchestrator (its own spec cache)
    for _ in range(5):
        started = routes.report(intake())
        task = routes.open_task(started.signal_id, "task_verrijken")

        outcomes = race(
            lambda: orch.complete_task(users.analist, task.id, VERRIJKT),
            lambda: other.change_process(users.aandachtsfunctionaris, started.signal_id, "meldcode", "Leerkracht."),
        )

        (completed, completion), (moved, move) = outcomes
        # Serially both may succeed (completed, then moved); a command that lost the race gets a
        # conflict, never a half-done move or a completion on a cancelled instance.
        assert "ok" in (completed, moved), outcomes
        assert all(kind == "ok" or isinstance(value, Conflict) for kind, value in outcomes), outcomes
        expected = ["task_melden_vt"] if moved == "ok" else ["task_beoordelen"]
        done = len(routes.audit(started.signal_id, "taak_voltooid"))
        assert done == (1 if completed == "ok" else 0)
        assert [t.bpmn_id for t in routes.open_tasks(started.signal_id)] == expected
    assert check_invariants(orch.db, orch.cache) == []


def test_drafts_of_the_tasks_a_move_cancels_are_deleted(routes, users, intake):
    orch = routes.orchestrator
    started = routes.report(intake())
    task = routes.open_task(started.signal_id, "task_verrijken")
    orch.dossier.save_draft(users.analist, task.id, {"adresgegevens": "Waalkade 1"})

    orch.change_process(users.analist, started.signal_id, "meldcode", "Melding van een leerkracht.")

    assert routes.count(taak_concept) == 0  # a draft holds personal data and ends with its task
    assert orch.dossier.draft(users.analist, task.id) is None
