"""Case tables: the chair opens a meeting before its planned time so its decisions can be recorded;
a meeting reads 'Gepland', then 'Geopend', then 'Gehouden'; a table task knows its agenda item."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden
from tests.engine.route_actions import VERRIJKT, beoordeeld, besluit


@pytest.fixture
def on_agenda(route, orchestrator, users):
    """A RIEC table decision on the agenda of a meeting three days ahead."""
    started = route.report({"gemeente": "Nijmegen", "omschrijving": "Nagelsalon met slapende medewerkers.",
                            "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"})
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT),
                                   ("task_beoordelen", beoordeeld(ondermijnend=True, tafel=True))])
    task = route.open_task(started.signal_id, "task_tafel_riec")
    overleg_id = route.plan_meeting("riec_tafel", task.gemeente_id, days=3)
    item_id = orchestrator.bring_to_table(users.aandachtsfunctionaris, task.id, overleg_id)
    return task, overleg_id, item_id


def test_the_chair_opens_the_meeting_early_and_then_the_decision_can_be_recorded(orchestrator, users, on_agenda):
    task, overleg_id, item_id = on_agenda
    before = orchestrator.meeting(users.riec, overleg_id)

    orchestrator.open_meeting(users.riec, overleg_id)  # the RIEC chairs its table
    opened = orchestrator.meeting(users.riec, overleg_id)
    orchestrator.record_decision(users.riec, item_id, besluit("bevestigd"))
    decided = orchestrator.meeting(users.riec, overleg_id)
    orchestrator.record_minutes(users.riec, overleg_id, "Aanwezig: RIEC, aandachtsfunctionaris.")

    assert (before["stand"], before["datum_bereikt"]) == ("Gepland", False)
    assert (opened["stand"], opened["datum_bereikt"]) == ("Geopend", True)
    assert decided["stand"] == "Geopend"  # no longer "Gepland" once decided, "Gehouden" with the minutes
    assert orchestrator.meeting(users.riec, overleg_id)["stand"] == "Gehouden"
    assert [m["stand"] for m in orchestrator.meetings(users.riec)["geweest"]] == ["Gehouden"]


def test_only_the_chair_opens_a_meeting(orchestrator, users, on_agenda):
    _task, overleg_id, _item_id = on_agenda
    with pytest.raises(Forbidden, match="voorzitter"):
        orchestrator.open_meeting(users.aandachtsfunctionaris, overleg_id)  # sits at the table, does not chair it
    assert orchestrator.meeting(users.riec, overleg_id)["stand"] == "Gepland"


def test_a_table_task_names_its_meeting_and_agenda_item(orchestrator, users, on_agenda):
    task, overleg_id, item_id = on_agenda

    shown = orchestrator.agenda_item_of_task(users.riec, task.id)

    assert (shown["overleg_id"], shown["agendapunt_id"], shown["tafel_naam"]) == (overleg_id, item_id, "RIEC-casustafel")
    assert orchestrator.agenda_item_of_task(users.zorgcoordinator, task.id) is None  # not at that table
