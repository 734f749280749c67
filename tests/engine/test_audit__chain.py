"""The processing log is a hash chain: verify finds an edited, a re-hashed, a deleted and a cut-off event."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from engine.audit.audit import AuditBatch, PersonalDataInLog
from engine.audit.audit_chain import GENESIS, AuditChainBroken, event_hash
from engine.store.schema import audit_chain_head, audit_event
from tests.engine.route_actions import VERRIJKT, race


@pytest.fixture
def logged(route, users, intake):
    """Two signals reported and one enriched: a dozen events in the chain."""
    first = route.report(intake()).signal_id
    route.report(intake())
    route.walk(first, [("task_verrijken", VERRIJKT)])
    route.orchestrator.signal(users.aandachtsfunctionaris, first)
    return route


def _events(route):
    with route.orchestrator.db.read() as conn:
        return conn.execute(select(audit_event).order_by(audit_event.c.volgnummer)).all()


def _sql(route, statement):
    with route.orchestrator.db.write() as conn:
        conn.execute(statement)


def test_the_chain_of_a_working_system_verifies(logged):
    events = _events(logged)
    report = logged.orchestrator.verify_audit()

    assert report.ok, report.problems
    assert report.events == len(events) >= 7
    assert [e.volgnummer for e in events] == list(range(1, len(events) + 1))
    assert events[0].vorige_hash == GENESIS
    assert all(later.vorige_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    assert (report.head_volgnummer, report.head_hash) == (events[-1].volgnummer, events[-1].hash)


def test_verify_finds_an_edited_event(logged):
    victim = _events(logged)[3]
    _sql(logged, update(audit_event).where(audit_event.c.id == victim.id).values(rol="riec"))  # "it was not me"

    report = logged.orchestrator.verify_audit()

    assert not report.ok
    assert report.problems == [f"gebeurtenis 4 (id {victim.id}, {victim.actie}) is gewijzigd: de inhoud past niet bij de hash"]


def test_verify_finds_an_edited_detail(logged):
    victim = _events(logged)[0]
    _sql(logged, update(audit_event).where(audit_event.c.id == victim.id).values(detail={**victim.detail, "x": 1}))

    assert "gebeurtenis 1" in logged.orchestrator.verify_audit().problems[0]


def test_verify_finds_an_edited_event_that_was_rehashed(logged):
    events = _events(logged)
    victim = events[2]
    forged = {**victim._mapping, "actie": "taak_vervallen"}
    _sql(logged, update(audit_event).where(audit_event.c.id == victim.id)
         .values(actie="taak_vervallen", hash=event_hash(forged)))

    problems = logged.orchestrator.verify_audit().problems

    assert problems == ["gebeurtenis 4: de verwijzing naar de vorige klopt niet "
                        "(gebeurtenis 3 is gewijzigd en opnieuw gehasht?)"]


def test_verify_finds_a_deleted_event(logged):
    victim = _events(logged)[4]
    _sql(logged, delete(audit_event).where(audit_event.c.id == victim.id))

    report = logged.orchestrator.verify_audit()

    assert not report.ok
    assert report.problems == ["gebeurtenis 5 ontbreekt (verwijderd?)"]


def test_verify_finds_deleted_last_events(logged):
    events = _events(logged)
    _sql(logged, delete(audit_event).where(audit_event.c.volgnummer >= events[-2].volgnummer))

    report = logged.orchestrator.verify_audit()

    assert report.problems == [f"gebeurtenis {len(events) - 1} t/m {len(events)} ontbreekt aan het einde (verwijderd?)"]


def test_a_missing_head_stops_further_writes_instead_of_starting_a_new_chain(logged, users, intake):
    _sql(logged, delete(audit_chain_head))

    assert "kop van de keten" in logged.orchestrator.verify_audit().problems[0]
    with pytest.raises(AuditChainBroken):
        logged.report(intake())


def test_the_log_refuses_the_content_of_personal_data(route, clock):
    batch = AuditBatch(clock.now())
    with pytest.raises(PersonalDataInLog, match="omschrijving"):
        batch.add("signaal_gewijzigd", None, omschrijving="Drie mensen in een loods")
    assert batch.events == []


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_concurrent_commands_keep_one_unbroken_chain(route, users, intake):
    """Eight reports at once on PostgreSQL: the head lock serialises the appends."""
    outcomes = race(*[lambda: route.report(intake()) for _ in range(8)])

    assert [kind for kind, _ in outcomes] == ["ok"] * 8
    report = route.orchestrator.verify_audit()
    assert report.ok, report.problems
    with route.orchestrator.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(audit_event)).scalar_one() == report.events
