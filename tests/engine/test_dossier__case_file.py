"""The case file: each step keeps its own answers, notes are append-only, progress reports keep a
task open, drafts are per user and end with their task; each role sees only what the policy allows."""
from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from engine.errors import FieldErrors, NotFound
from engine.store.schema import aantekening, dossier_stap, taak_concept
from tests.engine.route_actions import NIET_VERRIJKT, REGIE, VERRIJKT, beoordeeld

MELDER = {"naam": "Rita Rapport", "afdeling": "Burgerzaken", "contact": "06-12345678"}


def _routed_to_zvh(route, intake):
    """A signal at the ZVH's regie (beside it, the care trajectory's intake for the zorgcoördinator)."""
    signal_id = route.report(intake(melder=MELDER)).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True))])
    return signal_id


def test_every_step_keeps_its_own_toelichting(route, users, intake):
    signal_id = _routed_to_zvh(route, intake)

    dossier = route.orchestrator.signal(users.aandachtsfunctionaris, signal_id)["dossier"]

    assert [e["stap"] for e in dossier] == ["Signaal gemeld", "Signaal verrijken", "Afstemmen en beoordelen"]
    assert dossier[1]["gegevens"]["toelichting"] == "Bevestigd."
    assert dossier[2]["gegevens"]["toelichting"] == "Afgestemd met AVIM."
    assert dossier[1]["door"] == users.analist.naam and dossier[1]["rol"] == "analist"
    assert dossier[1]["bpmn_id"] == "task_verrijken" and dossier[1]["voltooid_op"]
    # Shown with the asking form's labels and readable values.
    weergave = {w["label"]: w["waarde"] for w in dossier[1]["weergave"]}
    assert weergave["Is het vermoeden van mensenhandel versterkt?"] == "Ja"
    assert weergave["Adresgegevens"] == VERRIJKT["adresgegevens"]


def test_the_regie_party_sees_the_assessment_but_not_who_reported(route, users, intake):
    signal_id = _routed_to_zvh(route, intake)

    zvh = route.orchestrator.signal(users.zvh, signal_id)
    af = route.orchestrator.signal(users.aandachtsfunctionaris, signal_id)

    assert zvh["dossier"][2]["gegevens"]["toelichting"] == "Afgestemd met AVIM."
    assert "melder" not in zvh["dossier"][0]["gegevens"] and zvh["dossier"][0]["door"] is None
    assert "Rita Rapport" not in repr(zvh)
    assert af["dossier"][0]["gegevens"]["melder"]["naam"] == "Rita Rapport"


def test_manager_sees_the_steps_without_answers_and_the_reporter_only_the_status(route, users, intake):
    signal_id = _routed_to_zvh(route, intake)
    route.orchestrator.dossier.add_note(users.aandachtsfunctionaris, signal_id, "Moeder belde terug.")
    manager_actor = route.add_user("manager", "Mees Manager", "manager", "Nijmegen")

    manager = route.orchestrator.signal(manager_actor, signal_id)
    melder = route.orchestrator.signal(users.melder, signal_id)

    assert [e["stap"] for e in manager["dossier"]][1:] == ["Signaal verrijken", "Afstemmen en beoordelen"]
    assert all(e["gegevens"] == {} and e["weergave"] == [] for e in manager["dossier"])
    assert manager["aantekeningen"] == []
    assert "dossier" not in melder and "aantekeningen" not in melder


def test_viewing_the_case_file_is_logged_with_the_task_data_category(route, users, intake):
    signal_id = _routed_to_zvh(route, intake)

    route.orchestrator.signal(users.zvh, signal_id)

    viewed = route.audit(signal_id, "signaal_ingezien")[-1]
    assert "taakgegevens" in viewed.categorieen and viewed.rol == "zvh"


def test_a_note_cannot_be_changed_a_correction_is_a_new_note(route, users, intake, orchestrator):
    signal_id = route.report(intake()).signal_id
    first = orchestrator.dossier.add_note(users.analist, signal_id, "Buurman zag vier busjes.")["id"]
    second = orchestrator.dossier.add_note(users.analist, signal_id, "Het waren drie busjes.", corrigeert=first)["id"]

    with pytest.raises(DBAPIError):
        with orchestrator.db.write() as conn:
            conn.execute(update(aantekening).where(aantekening.c.id == first).values(tekst="weg"))
    with pytest.raises(DBAPIError):
        with orchestrator.db.write() as conn:
            conn.execute(update(dossier_stap).where(dossier_stap.c.signal_id == signal_id).values(gegevens={}))

    notes = orchestrator.signal(users.analist, signal_id)["aantekeningen"]
    assert [(n["id"], n["tekst"], n["corrigeert"]) for n in notes] == [
        (first, "Buurman zag vier busjes.", None), (second, "Het waren drie busjes.", first)]
    assert notes[0]["gecorrigeerd_door"] == second and notes[0]["door"] == users.analist.naam
    assert route.audit(signal_id, "aantekening_gemaakt")[-1].detail == {"aantekening_id": second, "corrigeert": first}


@pytest.mark.parametrize("tekst, corrigeert, veld", [
    ("", None, "tekst"), ("   ", None, "tekst"), ("x" * 4001, None, "tekst"), ("Goed", 9999, "corrigeert"),
    ("Goed", "abc", "corrigeert")])
def test_a_bad_note_is_refused_naming_the_field(route, users, intake, orchestrator, tekst, corrigeert, veld):
    signal_id = route.report(intake()).signal_id
    with pytest.raises(FieldErrors) as exc:
        orchestrator.dossier.add_note(users.analist, signal_id, tekst, corrigeert=corrigeert)
    assert veld in exc.value.fields
    assert route.count(aantekening) == 0


def test_only_those_working_the_case_may_add_a_note(route, users, intake, orchestrator):
    signal_id = route.report(intake()).signal_id
    manager = route.add_user("manager", "Mees Manager", "manager", "Nijmegen")
    for outsider in (manager, users.melder, users.zvh, users.procesbeheerder, users.analist_elders):
        with pytest.raises(NotFound):
            orchestrator.dossier.add_note(outsider, signal_id, "Mag niet.")


def test_a_progress_report_keeps_the_regie_task_open(route, users, intake, orchestrator):
    signal_id = _routed_to_zvh(route, intake)
    task = route.open_task(signal_id, "task_regie_zvh")
    assert task.rol == "zvh"

    orchestrator.dossier.save_progress(users.zvh, task.id, {"toelichting": "Eerste gesprek gevoerd."})

    assert route.open_task(signal_id, "task_regie_zvh").id == task.id
    dossier = orchestrator.signal(users.zvh, signal_id)["dossier"]
    assert (dossier[-1]["soort"], dossier[-1]["stap"]) == ("voortgang", task.naam)
    assert dossier[-1]["gegevens"] == {"toelichting": "Eerste gesprek gevoerd."}

    route.complete(signal_id, task.bpmn_id, REGIE)  # closing is its own, explicit step

    dossier = orchestrator.signal(users.zvh, signal_id)["dossier"]
    assert [e["soort"] for e in dossier][-2:] == ["voortgang", "stap"]
    assert dossier[-2]["gegevens"]["toelichting"] == "Eerste gesprek gevoerd."  # kept, not overwritten
    assert dossier[-1]["gegevens"]["toelichting"] == REGIE["toelichting"]


def test_a_progress_report_needs_an_answer_and_a_follow_up_task(route, users, intake, orchestrator):
    signal_id = _routed_to_zvh(route, intake)
    task = route.open_task(signal_id, "task_regie_zvh")
    with pytest.raises(FieldErrors) as exc:
        orchestrator.dossier.save_progress(users.zvh, task.id, {"toelichting": ""})
    assert "data" in exc.value.fields
    other = route.report(intake()).signal_id
    verrijken = route.open_task(other, "task_verrijken")
    with pytest.raises(FieldErrors) as exc:
        orchestrator.dossier.save_progress(users.analist, verrijken.id, {"toelichting": "Half"})
    assert "taak" in exc.value.fields


def test_a_draft_is_resumed_by_its_author_only_and_gone_when_the_task_completes(route, users, intake, orchestrator):
    signal_id = route.report(intake()).signal_id
    task = route.open_task(signal_id, "task_verrijken")
    colleague = route.add_user("analist2", "Ayla Analist", "analist", "Nijmegen")

    orchestrator.dossier.save_draft(users.analist, task.id, {"adresgegevens": "Eerste"})
    orchestrator.dossier.save_draft(users.analist, task.id, {"adresgegevens": "Waalkade 1"})
    orchestrator.dossier.save_draft(colleague, task.id, {"adresgegevens": "Van de collega"})

    assert orchestrator.dossier.draft(users.analist, task.id)["gegevens"] == {"adresgegevens": "Waalkade 1"}
    assert orchestrator.dossier.draft(colleague, task.id)["gegevens"] == {"adresgegevens": "Van de collega"}
    assert orchestrator.dossier.draft(users.aandachtsfunctionaris, task.id) is None

    route.complete(signal_id, "task_verrijken", VERRIJKT)

    assert route.count(taak_concept) == 0
    with pytest.raises(FieldErrors):
        orchestrator.dossier.save_draft(users.analist, task.id, {"adresgegevens": "Te laat"})


def test_the_export_is_logged_and_follows_the_policy(route, users, intake, orchestrator):
    signal_id = _routed_to_zvh(route, intake)

    export = orchestrator.dossier.export(users.zvh, signal_id)

    assert export["gemaakt_door"] == users.zvh.naam and export["dossier"][2]["gegevens"]
    assert "Rita Rapport" not in repr(export)
    assert route.audit(signal_id, "dossier_geexporteerd")[-1].detail == {"via": "pdf"}
    with pytest.raises(NotFound):
        orchestrator.dossier.export(users.melder, signal_id)


def test_retention_deletes_the_case_file(route, users, intake, orchestrator, clock):
    import datetime as dt

    signal_id = route.report(intake()).signal_id
    orchestrator.dossier.add_note(users.analist, signal_id, "Eerste aantekening.")
    first = orchestrator.signal(users.analist, signal_id)["aantekeningen"][0]["id"]
    orchestrator.dossier.add_note(users.analist, signal_id, "Correctie.", corrigeert=first)
    route.walk(signal_id, [("task_verrijken", NIET_VERRIJKT)])
    clock.advance(dt.timedelta(days=3 * 366))

    orchestrator.run_retention()

    assert route.counts(dossier_stap, aantekening) == {"dossier_stap": 0, "aantekening": 0}
