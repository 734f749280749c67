"""Invalid form data is refused per field, and the refused command changes nothing."""
from __future__ import annotations

import pytest

from engine.errors import FieldErrors
from engine.store.schema import audit_event, human_task, process_instance, signal
from tests.engine.route_actions import VERRIJKT, beoordeeld

TABLES = (signal, process_instance, human_task, audit_event)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"omschrijving": None}, "omschrijving", "is verplicht"),
    ({"omschrijving": "   "}, "omschrijving", "is verplicht"),
    ({"uitbuitingsvormen": []}, "uitbuitingsvormen", "is verplicht"),
    ({"uitbuitingsvormen": ["arbeid", "piraterij"]}, "uitbuitingsvormen", "'piraterij' is geen toegestane waarde"),
    ({"gemeente": "Atlantis"}, "gemeente", "onbekende gemeente 'Atlantis'"),
    ({"gemeente": "Arnhem"}, "gemeente", "alleen melden voor een gemeente waar u werkt"),
    ({"minderjarige": "misschien"}, "minderjarige", "'misschien' is geen toegestane waarde"),
    ({"acute_nood": "soms"}, "acute_nood", "ja of nee"),
    ({"ontvangen_op": "2026-01-05 09:00"}, "ontvangen_op", "tijdzone"),
    ({"geheime_vlag": True}, "geheime_vlag", "onbekend veld"),
    ({"melder": {"naam": "Mila", "bsn": "123456782"}}, "melder.bsn", "onbekend veld"),
])
def test_invalid_intake_names_the_field_and_writes_nothing(route, users, intake, overrides, field, message):
    with route.orchestrator.db.write() as conn:  # Arnhem exists, but the melder does not work there
        from engine.people.users import ensure_gemeente

        ensure_gemeente(conn, "Arnhem")
    before = route.counts(*TABLES)

    with pytest.raises(FieldErrors) as caught:
        route.report(intake(**overrides))

    assert message in caught.value.fields[field]
    assert route.counts(*TABLES) == before


def test_every_intake_problem_is_reported_at_once(route, intake):
    with pytest.raises(FieldErrors) as caught:
        route.report(intake(omschrijving=None, gemeente="Atlantis", uitbuitingsvormen=["vis"], minderjarige=None))

    assert set(caught.value.fields) == {"omschrijving", "gemeente", "uitbuitingsvormen", "minderjarige"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"toelichting": "Niets gevonden."}, "vermoeden_versterkt", "is verplicht"),
    ({**VERRIJKT, "vermoeden_versterkt": "misschien"}, "vermoeden_versterkt", "'misschien' is geen toegestane waarde"),
    ({**VERRIJKT, "vermoeden_versterkt": 1}, "vermoeden_versterkt", "geen toegestane waarde"),
    ({**VERRIJKT, "toelichting": 42}, "toelichting", "moet tekst zijn"),
    ({**VERRIJKT, "adresgegevens": ["Waalkade 1"]}, "adresgegevens", "moet tekst zijn"),
    ({**VERRIJKT, "route": "riec"}, "route", "onbekend veld"),
    ({**VERRIJKT, "politie_ingeschakeld": {"via": "112"}}, "politie_ingeschakeld.via", "onbekend veld"),
])
def test_invalid_task_data_names_the_field_and_changes_nothing(route, users, intake, data, field, message):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    version = route.instance(started.instance_id).version
    before = route.counts(*TABLES)

    with pytest.raises(FieldErrors) as caught:
        route.orchestrator.complete_task(users.analist, task.id, data)

    assert message in caught.value.fields[field]
    assert route.open_task(started.signal_id).id == task.id
    assert route.instance(started.instance_id).version == version
    assert route.counts(*TABLES) == before


@pytest.mark.parametrize(("data", "field", "message"), [
    ({**beoordeeld(), "geraadpleegde_ketenpartners": ["avim", "interpol"]}, "geraadpleegde_ketenpartners",
     "'interpol' is geen toegestane waarde"),
    ({**beoordeeld(), "geraadpleegde_ketenpartners": "avim"}, "geraadpleegde_ketenpartners", "moet een lijst zijn"),
    ({**beoordeeld(), "strafrechtelijk_traject": "wellicht"}, "strafrechtelijk_traject", "ja of nee"),
])
def test_invalid_choices_are_refused(route, users, intake, data, field, message):
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    task = route.open_task(started.signal_id, "task_beoordelen")

    with pytest.raises(FieldErrors) as caught:
        route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, data)

    assert message in caught.value.fields[field]
    assert route.open_task(started.signal_id).id == task.id


def test_required_checkbox_must_be_ticked(route, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True))])
    task = route.open_task(started.signal_id, "task_regie_riec")

    with pytest.raises(FieldErrors) as caught:
        route.orchestrator.complete_task(users.riec, task.id, {"regie_opgepakt": False, "covenant": "xyz"})

    assert caught.value.fields == {"regie_opgepakt": "moet aangevinkt zijn",
                                   "covenant": "'xyz' is geen toegestane waarde (kies uit: riec, zvh, geen)"}


def test_form_strings_are_accepted_for_booleans(route, users, intake):
    """HTML forms post strings: 'true' for the radio's True is the same answer."""
    started = route.report(intake(acute_nood="on"))
    task = route.open_task(started.signal_id, "task_verrijken")

    route.orchestrator.complete_task(users.analist, task.id, {"vermoeden_versterkt": "true"})

    assert route.open_task(started.signal_id).bpmn_id == "task_beoordelen"
    assert route.signal_row(started.signal_id).acute_nood is True
