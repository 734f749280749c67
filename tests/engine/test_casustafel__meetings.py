"""Case tables: a decision waits for a meeting of its table, is put on the agenda by the
aandachtsfunctionaris, and is recorded from the meeting once its day came; only the table's
participants see its meetings."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.errors import Conflict, FieldErrors, Forbidden, NotFound
from engine.store.schema import agendapunt
from tests.engine.route_actions import LOCATIE, LOCATION_PROCESS, REGIE, REGULIERE_HULP, VERRIJKT, beoordeeld, besluit, race


@pytest.fixture
def at_table(route, orchestrator):
    """A signal waiting at the RIEC table (routed by the decision table, to be confirmed there)."""
    started = route.report({"gemeente": "Nijmegen", "omschrijving": "Nagelsalon met slapende medewerkers.",
                            "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"})
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT),
                                   ("task_beoordelen", beoordeeld(ondermijnend=True, tafel=True))])
    return started.signal_id, route.open_task(started.signal_id, "task_tafel_riec")


def test_the_decision_waits_for_the_meeting_of_its_table(route, orchestrator, users, at_table):
    signal_id, task = at_table
    assert (task.rol, task.casustafel) == ("riec", "riec_tafel")
    assert route.signal_row(signal_id).route == "riec"  # shared with the table under the RIEC covenant

    with pytest.raises(Forbidden, match="casustafel"):
        orchestrator.complete_task(users.riec, task.id, besluit("bevestigd"))

    overleg_id = route.plan_meeting("riec_tafel", task.gemeente_id, days=3)
    item_id = orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, overleg_id)
    with pytest.raises(Conflict, match="nog niet geweest"):
        orchestrator.record_decision(users.riec, item_id, besluit("bevestigd"))
    assert route.open_task(signal_id).id == task.id

    orchestrator.clock.advance(dt.timedelta(days=3))
    outcome = orchestrator.record_decision(users.riec, item_id, besluit("bevestigd"))

    assert [t["bpmn_id"] for t in outcome.nieuwe_taken] == ["task_regie_riec"]
    meeting = orchestrator.meeting(users.riec, overleg_id)
    [punt] = meeting["agenda"]
    assert (punt["besluit"], punt["besluit_label"], punt["vastgelegd_door"]) == (
        "bevestigd", "Casus: regie zoals voorgesteld", "Rik RIEC")
    with pytest.raises(Conflict, match="al vastgelegd"):
        orchestrator.record_decision(users.riec, item_id, besluit("geen_casus"))


def test_only_the_tables_participants_see_its_meetings(route, orchestrator, users, at_table):
    _signal_id, task = at_table
    overleg_id = route.plan_meeting("riec_tafel", task.gemeente_id)
    orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, overleg_id)

    for outsider in (users.zorgcoordinator, users.analist, users.melder, users.procesbeheerder):
        with pytest.raises(NotFound):
            orchestrator.meeting(outsider, overleg_id)
        assert orchestrator.meetings(outsider)["komend"] == []
    for participant in (users.riec, users.aandachtsfunctionaris):
        [shown] = orchestrator.meetings(participant)["komend"]
        assert (shown["id"], shown["agendapunten"]) == (overleg_id, 1)
        assert orchestrator.meeting(participant, overleg_id)["agenda"][0]["referentie"].startswith("MH-")


def test_a_local_signal_meeting_is_for_its_own_municipality_only(route, orchestrator, users):
    nijmegen = orchestrator.gemeente_id("Nijmegen")
    overleg_id = route.plan_meeting("signalenoverleg", nijmegen)

    assert orchestrator.meeting(users.analist, overleg_id)["tafel"] == "signalenoverleg"
    with pytest.raises(NotFound):
        orchestrator.meeting(users.analist_elders, overleg_id)  # Arnhem's analist
    with pytest.raises(NotFound):
        orchestrator.meeting(users.riec, overleg_id)  # the RIEC does not sit at the local meeting here
    with pytest.raises(Forbidden):
        orchestrator.plan_meeting(users.analist, tafel="signalenoverleg", gemeente_id=nijmegen, regio_id=None,
                                  datum="2026-02-01T10:00")


def test_bringing_a_case_to_a_table_is_for_the_aandachtsfunctionaris_and_the_right_table(
        route, orchestrator, users, at_table):
    _signal_id, task = at_table
    mdo = route.plan_meeting("mdo_zvh", task.gemeente_id)
    riec = route.plan_meeting("riec_tafel", task.gemeente_id)

    with pytest.raises(NotFound):
        orchestrator.bring_to_table(users.riec, task.id, riec)  # the chair does not bring cases in
    with pytest.raises(FieldErrors) as wrong:
        orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, mdo)
    assert "RIEC-casustafel" in wrong.value.fields["overleg_id"]
    assert orchestrator.agenda_options(users.aandachtsfunctionaris, task.signal_id)[0]["overleggen"][0]["id"] == riec
    assert orchestrator.agenda_options(users.riec, task.signal_id) == []


def test_an_undecided_case_moves_to_the_next_meeting(route, orchestrator, users, at_table):
    _signal_id, task = at_table
    first = route.plan_meeting("riec_tafel", task.gemeente_id, days=1)
    second = route.plan_meeting("riec_tafel", task.gemeente_id, days=14)
    item_id = orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, first)
    assert orchestrator.meeting(users.aandachtsfunctionaris, first)["te_agenderen"] == []

    assert orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, second) == item_id

    with orchestrator.db.read() as conn:
        assert conn.execute(select(agendapunt.c.overleg_id)).scalars().all() == [second]
    assert orchestrator.meeting(users.riec, first)["agenda"] == []
    assert [e.actie for e in route.audit(task.signal_id, "geagendeerd")] == ["geagendeerd", "geagendeerd"]


def test_the_meeting_page_offers_the_cases_waiting_for_the_table(route, orchestrator, users, at_table):
    _signal_id, task = at_table
    overleg_id = route.plan_meeting("riec_tafel", task.gemeente_id)

    [waiting] = orchestrator.meeting(users.aandachtsfunctionaris, overleg_id)["te_agenderen"]

    assert waiting["taak_id"] == task.id
    assert orchestrator.meeting(users.riec, overleg_id)["te_agenderen"] == []  # the chair does not bring cases in


def test_minutes_are_recorded_by_the_chair_once_the_meeting_came(route, orchestrator, users):
    overleg_id = route.plan_meeting("signalenoverleg", orchestrator.gemeente_id("Nijmegen"), days=2)
    with pytest.raises(Conflict):
        orchestrator.record_minutes(users.aandachtsfunctionaris, overleg_id, "Aanwezig: politie, ODWH.")
    orchestrator.clock.advance(dt.timedelta(days=2))
    with pytest.raises(Forbidden):
        orchestrator.record_minutes(users.analist, overleg_id, "Aanwezig: politie, ODWH.")

    orchestrator.record_minutes(users.aandachtsfunctionaris, overleg_id, "Aanwezig: politie, ODWH.")

    meeting = orchestrator.meeting(users.analist, overleg_id)
    assert (meeting["status"], meeting["notulen"]) == ("gehouden", "Aanwezig: politie, ODWH.")
    assert orchestrator.meetings(users.analist)["geweest"][0]["id"] == overleg_id


def test_meetings_list_the_next_one_first(route, orchestrator, users):
    nijmegen = orchestrator.gemeente_id("Nijmegen")
    later = route.plan_meeting("signalenoverleg", nijmegen, days=30)
    sooner = route.plan_meeting("signalenoverleg", nijmegen, days=2)

    assert [m["id"] for m in orchestrator.meetings(users.aandachtsfunctionaris)["komend"]] == [sooner, later]


def test_the_local_signal_meeting_decides_on_a_location(route, orchestrator, users, intake):
    orchestrator.deploy_folder(LOCATION_PROCESS)
    started = route.report(intake(), proces="locatie-in-beeld")
    route.complete(started.signal_id, "task_locatie_vastleggen", LOCATIE)
    task = route.open_task(started.signal_id, "task_signalenoverleg")
    overleg_id = route.plan_meeting("signalenoverleg", task.gemeente_id)
    item_id = orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, overleg_id)
    orchestrator.clock.advance(dt.timedelta(days=1))

    orchestrator.record_decision(users.aandachtsfunctionaris, item_id, {"besluit_casustafel": "integrale_controle"})

    referral = route.open_task(started.signal_id, "task_integrale_controle")
    assert referral.rol == "aandachtsfunctionaris"
    route.complete(started.signal_id, "task_integrale_controle", {"doorverwezen": True})
    assert route.signal_row(started.signal_id).uitkomst == "Integrale controle ingezet"
    assert orchestrator.meeting(users.analist, overleg_id)["agenda"][0]["besluit_label"] == \
        "Integrale controle (handhaving)"


def test_a_table_that_sees_no_case_sends_it_back_to_the_municipality(route, orchestrator, users, at_table):
    signal_id, task = at_table
    route.decide_at_table(signal_id, "task_tafel_riec", besluit("geen_casus"))

    row = route.signal_row(signal_id)
    assert (row.status, row.route, row.convenant, row.terugkoppeling) == ("lopend", None, None, None)
    assert route.open_task(signal_id).bpmn_id == "task_gemeentelijke_opvolging"  # the municipality holds it
    route.complete(signal_id, "task_gemeentelijke_opvolging", REGULIERE_HULP)
    row = route.signal_row(signal_id)
    assert (row.status, row.terugkoppeling, row.uitkomst) == ("afgerond", "gemeente",
                                                              "Gemeentelijk opgepakt – reguliere hulp")


def test_a_table_can_choose_another_route(route, orchestrator, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(tafel=True)),
                                   ("task_tafel_mdo", besluit("andere_route", "zorg_en_strafrecht"))])

    assert {t.bpmn_id for t in route.open_tasks(started.signal_id)} == {"task_regie_zvh", "task_intake"}
    route.complete(started.signal_id, "task_regie_zvh", REGIE)
    assert route.signal_row(started.signal_id).route == "zorg_en_strafrecht"


def test_two_people_recording_the_same_decision_one_wins(route, orchestrator, users, at_table, person_factory):
    signal_id, task = at_table
    other_riec = person_factory("riec-2", "riec", None, "Roos RIEC")
    overleg_id = route.plan_meeting("riec_tafel", task.gemeente_id)
    item_id = orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, overleg_id)
    orchestrator.clock.advance(dt.timedelta(days=1))

    outcomes = race(lambda: orchestrator.record_decision(users.riec, item_id, besluit("bevestigd")),
                    lambda: orchestrator.record_decision(other_riec, item_id, besluit("geen_casus")))

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    [error] = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, Conflict)
    assert len(route.audit(signal_id, "besluit_vastgelegd")) == 1
    [punt] = orchestrator.meeting(users.riec, overleg_id)["agenda"]
    expected = {"bevestigd": ["task_regie_riec"],  # the winner's decision holds
                "geen_casus": ["task_gemeentelijke_opvolging"]}[punt["besluit"]]
    assert [t.bpmn_id for t in route.open_tasks(signal_id)] == expected
