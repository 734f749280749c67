"""The care trajectory (processes/zorgtraject, issue #18) through the commands, on SQLite and PostgreSQL:
a route that reaches care starts it as a linked instance; COSM starts the reflection period, whose
timers fire on an explicit clock; the server refuses a minor in COSM without guardianship."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.errors import FieldErrors
from engine.spiff.sandbox import datum_plus
from engine.store.schema import human_task, signal
from tests.db_views import audit_events, instance_timers
from tests.engine.care_actions import (
    COMENSHA,
    EINDE,
    ZORGPLAN,
    act,
    add_provider,
    care_row,
    deploy_care,
    intake_zorg,
    monitoring,
    opvang,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def care(route, orchestrator, intake, clock):
    """A signal whose route reached care: its trajectory waits on the intake; a COSM provider exists."""
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "COSM Oost", now=clock.now())
    started = route.report(intake(), proces="zorg-route")
    return started, provider


def test_a_route_reaching_care_starts_a_linked_trajectory_and_keeps_its_own_outcome(route, orchestrator, care):
    started, _provider = care
    task = route.open_task(started.signal_id, "task_intake")
    assert task.rol == "zorgcoordinator" and task.instance_id != started.instance_id
    row = care_row(orchestrator, started.signal_id)
    assert (row.instance_id, row.bron_instance_id, row.beeindigd_op) == (task.instance_id, started.instance_id, None)
    with orchestrator.db.read() as conn:
        sig = conn.execute(select(signal).where(signal.c.id == started.signal_id)).one()
    # The route ended ("passed to a chain partner"); the trajectory does not change the signal's row.
    assert (sig.status, sig.instance_id, sig.terugkoppeling) == ("afgerond", started.instance_id, "ketenpartner")
    assert audit_events(orchestrator, "zorgtraject_gestart", signal_id=started.signal_id)


def test_cosm_starts_the_reflection_period_whose_timers_fire_on_the_clock(route, orchestrator, care, clock):
    started, provider = care
    sid = started.signal_id
    act(route, sid, "task_intake", intake_zorg())
    start = clock.now().astimezone(dt.UTC).date().isoformat()
    act(route, sid, "task_opvang", opvang(provider, start=start))
    instance_id = care_row(orchestrator, sid).instance_id
    waiting = {t.bpmn_id: t for t in instance_timers(route, instance_id) if t.status == "wachtend"}
    assert set(waiting) == {"timer_herinnering_bedenktijd"}
    reminder_due = dt.datetime.fromisoformat(datum_plus(start, maanden=3, dagen=-14))
    assert as_utc(waiting["timer_herinnering_bedenktijd"].due_at) == reminder_due
    row = care_row(orchestrator, sid)
    assert (row.opvang_soort, row.bedenktijd_start, row.opvang_aanbieder) == ("cosm", start, int(provider))
    assert {t.bpmn_id for t in route.open_tasks(sid)} == {"task_zorgplan"}

    clock.set(reminder_due - dt.timedelta(minutes=1))
    assert orchestrator.fire_due_timers() == []
    clock.set(reminder_due + dt.timedelta(minutes=1))
    assert len(orchestrator.fire_due_timers()) == 1
    reminder = next(t for t in route.open_tasks(sid) if t.bpmn_id == "task_besluit_bedenktijd")
    assert (reminder.rol, reminder.signal_id) == ("zorgcoordinator", sid)

    act(route, sid, "task_besluit_bedenktijd", {"bedenktijd_besluit": "aangifte_b8"})
    end_due = dt.datetime.fromisoformat(datum_plus(start, maanden=3))
    assert care_row(orchestrator, sid).bedenktijd_beeindigd_op is None
    clock.set(end_due + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    row = care_row(orchestrator, sid)
    assert (row.bedenktijd_besluit, as_utc(row.bedenktijd_beeindigd_op)) == ("aangifte_b8", clock.now())
    assert {t.bpmn_id for t in route.open_tasks(sid)} == {"task_zorgplan"}  # the care goes on


def test_a_minor_is_not_placed_in_cosm_or_vrouwenopvang_without_guardianship(route, orchestrator, care):
    started, provider = care
    sid = started.signal_id
    act(route, sid, "task_intake", intake_zorg(minderjarig=True, leeftijdscategorie="0_17"))
    for soort in ("cosm", "vrouwenopvang"):
        with pytest.raises(FieldErrors) as refused:
            act(route, sid, "task_opvang", opvang(provider, soort=soort, voogdij="geen"))
        assert "voogdij" in refused.value.fields
        assert [t.bpmn_id for t in route.open_tasks(sid)] == ["task_opvang"]  # nothing changed
    act(route, sid, "task_opvang", opvang(provider, soort="cosm", voogdij="nidos"))
    assert care_row(orchestrator, sid).opvang_soort == "cosm"


def test_the_provider_comes_from_the_chain_partner_directory(route, orchestrator, care, clock):
    started, _provider = care
    sid = started.signal_id
    elsewhere = add_provider(orchestrator, "Opvang elders", gemeente_naam="Doetinchem", now=clock.now())
    act(route, sid, "task_intake", intake_zorg())
    for wrong in (elsewhere, "Opvang De Haven"):
        with pytest.raises(FieldErrors) as refused:
            act(route, sid, "task_opvang", opvang(wrong, soort="maatschappelijke_opvang"))
        assert "opvang_aanbieder" in refused.value.fields


def test_straight_through_monitoring_cycle_comensha_and_end_of_care(route, orchestrator, care, clock):
    started, provider = care
    sid = started.signal_id
    act(route, sid, "task_intake", intake_zorg(nationaliteit_groep="nl", bedenktijd_van_toepassing=False))
    act(route, sid, "task_opvang", opvang(provider, soort="vrouwenopvang"))
    act(route, sid, "task_zorgplan", ZORGPLAN)
    act(route, sid, "task_comensha", COMENSHA)
    row = care_row(orchestrator, sid)
    assert as_utc(row.comensha_gemeld_op) == clock.now()
    assert row.comensha_gegevens["nationaliteit_groep"] == "nl" and row.comensha_gegevens["opvang_soort"] == "vrouwenopvang"
    assert row.bedenktijd_start is None
    assert route.open_tasks(sid) == []  # waiting for the monitoring cycle
    (cycle,) = [t for t in instance_timers(route, row.instance_id) if t.status == "wachtend"]
    assert as_utc(cycle.due_at) == clock.now() + 28 * DAY  # the interval the process owner set

    clock.advance(28 * DAY + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    act(route, sid, "task_monitoring", monitoring(beeindigen=False))
    clock.advance(28 * DAY + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    act(route, sid, "task_monitoring", monitoring(beeindigen=True))
    outcome = act(route, sid, "task_einde", EINDE)
    assert outcome.status == "afgerond"
    row = care_row(orchestrator, sid)
    assert (row.einde_uitkomst, as_utc(row.beeindigd_op)) == ("zelfstandig", clock.now())
    with orchestrator.db.read() as conn:
        sig = conn.execute(select(signal).where(signal.c.id == sid)).one()
        done = conn.execute(select(human_task.c.bpmn_id).where(human_task.c.signal_id == sid,
                                                               human_task.c.status == "voltooid")).scalars().all()
    assert (sig.uitkomst, sig.terugkoppeling) == ("Doorgegeven aan de zorgcoördinator", "ketenpartner")
    assert done.count("task_monitoring") == 2
    assert audit_events(orchestrator, "zorgtraject_afgerond", signal_id=sid)


def test_ending_care_during_the_reflection_period_ends_it_too(route, orchestrator, care, clock):
    started, provider = care
    sid = started.signal_id
    act(route, sid, "task_intake", intake_zorg())
    act(route, sid, "task_opvang", opvang(provider, start=clock.now().date().isoformat()))
    act(route, sid, "task_zorgplan", ZORGPLAN)
    act(route, sid, "task_comensha", COMENSHA)
    clock.advance(28 * DAY + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    act(route, sid, "task_monitoring", monitoring(beeindigen=True))
    act(route, sid, "task_einde", {**EINDE, "einde_uitkomst": "terugkeer"})
    row = care_row(orchestrator, sid)
    assert (row.bedenktijd_besluit, row.einde_uitkomst) == ("zorg_beeindigd", "terugkeer")
    assert as_utc(row.bedenktijd_beeindigd_op) == clock.now()
    assert not [t for t in instance_timers(route, row.instance_id) if t.status == "wachtend"]


def test_a_trajectory_is_not_a_route_for_a_report(route, orchestrator, care, intake):
    with pytest.raises(FieldErrors) as refused:
        route.report(intake(), proces="zorgtraject")
    assert "proces" in refused.value.fields
