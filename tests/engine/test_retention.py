"""Retention: expired closed signals become tombstones; monitoring counts stay; dry run lists and changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.errors import FieldErrors, NotFound
from engine.queries.figures import figures
from engine.runtime.retention import RetentionPolicy
from engine.store.schema import audit_event, human_task, incident, process_instance, signal
from tests.db_views import audit_events
from tests.engine.route_actions import NIET_VERRIJKT, REGIE, REGULIERE_HULP, VERRIJKT, beoordeeld

SECRET = "Kamer boven snackbar De Gouden Draak"  # personal data that must go, everywhere


@pytest.fixture
def closed(route, users, intake):
    """One signal per outcome category, closed on 2026-01-05, and one still running."""
    walks = {
        "geen_vermoeden": [("task_verrijken", NIET_VERRIJKT)],
        "gemeentelijk": [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
                         ("task_gemeentelijke_opvolging", REGULIERE_HULP)],
        "gerouteerd": [("task_verrijken", {**VERRIJKT, "overige_informatie": SECRET}),
                       ("task_beoordelen", beoordeeld(ondermijnend=True)), ("task_regie_riec", REGIE)],
        "lopend": [("task_verrijken", VERRIJKT)],
    }
    ids = {}
    for name, walk in walks.items():
        ids[name] = route.report(intake(locatie=SECRET, melder={"naam": "Mila Melder", "contact": "06-12345678"},
                                        omschrijving=f"{SECRET}: vier mensen in één kamer.")).signal_id
        route.walk(ids[name], walk)
    return ids


def _at(clock, **delta):
    clock.set(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC) + dt.timedelta(**delta))


def _monitoring(route, manager):
    with route.orchestrator.db.read() as conn:
        result = figures(conn, manager, van=dt.date(2026, 1, 1), tot=dt.date(2026, 1, 31))
    result.pop("geanonimiseerd")
    return result


def _dump(route, signal_id) -> str:
    """Everything stored about one signal, as text."""
    with route.orchestrator.db.read() as conn:
        row = conn.execute(select(signal).where(signal.c.id == signal_id)).one()
        state = conn.execute(select(process_instance.c.state).where(process_instance.c.id == row.instance_id)).scalar_one()
        tasks = conn.execute(select(human_task).where(human_task.c.signal_id == signal_id)).all()
        events = conn.execute(select(audit_event).where(audit_event.c.signal_id == signal_id)).all()
        incidents = conn.execute(select(incident).where(incident.c.instance_id == row.instance_id)).all()
    return "\n".join(str(x) for x in (row, state, tasks, events, incidents))


def test_a_dry_run_lists_what_has_expired_and_changes_nothing(route, closed, clock):
    _at(clock, days=200)  # past half a year, not yet two years
    before = _dump(route, closed["geen_vermoeden"])
    events = route.count(audit_event)

    run = route.orchestrator.run_retention(dry_run=True)

    assert [(item.signal_id, item.categorie) for item in run.signalen] == [(closed["geen_vermoeden"], "geen_vermoeden")]
    assert run.signalen[0].verloopt_op == dt.datetime(2026, 7, 5, 9, 0, tzinfo=dt.UTC)
    assert _dump(route, closed["geen_vermoeden"]) == before
    assert route.count(audit_event) == events


@pytest.mark.parametrize(("days", "expected"), [
    (150, set()),
    (200, {"geen_vermoeden"}),
    (800, {"geen_vermoeden", "gemeentelijk"}),
    (5 * 366, {"geen_vermoeden", "gemeentelijk", "gerouteerd"}),
])
def test_each_outcome_keeps_its_own_period(route, closed, clock, days, expected):
    _at(clock, days=days)

    run = route.orchestrator.run_retention(dry_run=True)

    assert {item.signal_id for item in run.signalen} == {closed[name] for name in expected}


def test_the_run_strips_personal_data_everywhere_and_keeps_a_tombstone(route, users, closed, clock):
    manager = route.add_user("manager", "Maaike Manager", "manager", "Nijmegen")
    counts = _monitoring(route, manager)
    assert SECRET in _dump(route, closed["gerouteerd"]) and "06-12345678" in _dump(route, closed["gerouteerd"])
    _at(clock, days=5 * 366)

    run = route.orchestrator.run_retention()

    gone = {closed[name] for name in ("geen_vermoeden", "gemeentelijk", "gerouteerd")}
    assert {item.signal_id for item in run.signalen} == gone and run.mislukt == []
    for signal_id in gone:
        dump = _dump(route, signal_id)
        assert SECRET not in dump and "06-12345678" not in dump and "Mila Melder" not in dump
        assert "J. de Vries" not in dump and "Waalkade" not in dump  # what the steps' forms recorded
        row = route.signal_row(signal_id)
        assert row.geanonimiseerd_op is not None and row.gemeld_door is None
        assert (row.omschrijving, row.locatie, row.melder, row.indicatoren) == ("", None, {}, [])
        assert row.uitbuitingsvormen == ["arbeid"] and row.sector == "logistiek" and row.status == "afgerond"
    assert SECRET in _dump(route, closed["lopend"])  # a running signal is never touched
    assert _monitoring(route, manager) == counts
    with route.orchestrator.db.read() as conn:
        assert figures(conn, manager, van=dt.date(2026, 1, 1), tot=dt.date(2026, 1, 31))["geanonimiseerd"] == 3
    assert route.signal_row(closed["gerouteerd"]).convenant == "riec"


def test_the_run_is_logged_and_the_chain_still_verifies(route, closed, clock):
    _at(clock, days=200)

    route.orchestrator.run_retention()

    events = route.audit(closed["geen_vermoeden"], "signaal_geanonimiseerd")
    assert len(events) == 1
    assert (events[0].soort, events[0].user_id, events[0].detail["categorie"]) == ("vernietigen", None, "geen_vermoeden")
    [summary] = audit_events(route, "bewaartermijn_uitgevoerd")
    assert summary.detail == {"aantal": 1, "per_categorie": {"geen_vermoeden": 1}, "mislukt": 0}
    assert route.orchestrator.verify_audit().ok


def test_a_second_run_does_nothing_and_a_tombstone_still_shows_its_outline(route, users, closed, clock):
    _at(clock, days=200)
    route.orchestrator.run_retention()

    assert route.orchestrator.run_retention().signalen == []
    view = route.orchestrator.signal(users.analist, closed["geen_vermoeden"])
    assert view["geanonimiseerd_op"] and view["gegevens"]["omschrijving"] == "" and "melder" in view["gegevens"]
    assert route.audit(closed["geen_vermoeden"])[-1].actie == "signaal_geanonimiseerd"  # viewing a tombstone logs nothing
    with pytest.raises(NotFound):
        route.orchestrator.signal(users.melder, closed["geen_vermoeden"])  # the reporter's link went too


def test_an_outcome_the_policy_does_not_know_keeps_the_longest_period(route, closed, clock):
    route.orchestrator.retention = RetentionPolicy(uitkomsten={})
    _at(clock, days=800)

    run = route.orchestrator.run_retention(dry_run=True)

    assert run.signalen == []  # both unrouted outcomes are 'onbekend' now: five years


def test_the_policy_names_a_wrong_setting():
    with pytest.raises(FieldErrors) as error:
        RetentionPolicy(gemeentelijk="twee jaar")
    assert "retentie_gemeentelijk" in error.value.fields
    with pytest.raises(FieldErrors):
        RetentionPolicy(gerouteerd="P0D")
    with pytest.raises(FieldErrors) as error:
        RetentionPolicy(uitkomsten={"Gemeentelijk oppakken": "altijd"})
    assert "altijd" in error.value.fields["retentie_uitkomsten"]


def test_the_policy_from_settings(monkeypatch):
    policy = RetentionPolicy.from_settings({"RETENTIE_GEEN_VERMOEDEN": "P3M", "RETENTIE_UITKOMSTEN": {"Elders": "gerouteerd"}})

    assert (policy.geen_vermoeden, policy.gemeentelijk, policy.gerouteerd) == ("P3M", "P2Y", "P5Y")
    assert policy.category(None, "Elders") == "gerouteerd"
    assert policy.category(None, "Gemeentelijk oppakken") == "gemeentelijk"
