"""A process owner changes the care trajectory (the monitoring interval) and moves a running trajectory
to the new version: its tasks stay the signal's, the signal's own row is untouched, the care row kept."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.clock import as_utc
from engine.definitions.package import ProcessPackage
from engine.store.schema import signal
from tests.db_views import instance_timers
from tests.engine.care_actions import (
    CARE_PROCESS,
    COMENSHA,
    ZORGPLAN,
    act,
    add_provider,
    care_row,
    deploy_care,
    intake_zorg,
    monitoring,
    opvang,
)
from tests.engine.route_actions import package_with

DAY = dt.timedelta(days=1)


def test_a_running_trajectory_moves_to_a_new_monitoring_interval(route, orchestrator, users, intake, clock):
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Oost", now=clock.now())
    sid = route.report(intake(), proces="zorg-route").signal_id
    act(route, sid, "task_intake", intake_zorg(nationaliteit_groep="eu", bedenktijd_van_toepassing=False))
    act(route, sid, "task_opvang", opvang(provider, soort="maatschappelijke_opvang"))
    act(route, sid, "task_zorgplan", ZORGPLAN)
    with orchestrator.db.read() as conn:
        before = conn.execute(select(signal).where(signal.c.id == sid)).one()

    orchestrator.deploy(package_with(ProcessPackage.from_folder(CARE_PROCESS),
                                     **{"zorgtraject.bpmn": lambda t: t.replace('"P28D"', '"P14D"')}))
    instance_id = care_row(orchestrator, sid).instance_id
    (result,) = orchestrator.owners.migrate_instances(users.procesbeheerder, "zorgtraject", 1, 2, [instance_id])
    assert result["gemigreerd"] is True, result

    act(route, sid, "task_comensha", COMENSHA)  # the open task stayed the signal's
    (cycle,) = [t for t in instance_timers(route, instance_id) if t.status == "wachtend"]
    assert as_utc(cycle.due_at) == clock.now() + 14 * DAY  # the new version's interval
    clock.advance(14 * DAY + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    act(route, sid, "task_monitoring", monitoring(beeindigen=False))
    with orchestrator.db.read() as conn:
        after = conn.execute(select(signal).where(signal.c.id == sid)).one()
    assert (after.status, after.uitkomst, after.route, after.terugkoppeling) == (
        before.status, before.uitkomst, before.route, before.terugkoppeling)
    assert care_row(orchestrator, sid).comensha_gemeld_op is not None
