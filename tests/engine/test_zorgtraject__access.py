"""Care data is special-category: only the zorgcoördinator sees it (and the ZVH for a ZVH case). The signal
view shows the trajectory, its steps and deadlines (``termijnen``, the reflection period among them) to
them only; the aandachtsfunctionaris who follows the case, the analist and the manager see the route."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.people.access import may_see_care_data
from engine.spiff.sandbox import datum_plus
from tests.db_views import audit_events
from tests.engine.care_actions import act, add_provider, deploy_care, deploy_zvh_care_route, intake_zorg, opvang

CARE_STEPS = {"task_intake", "task_opvang", "task_zorgplan"}


@pytest.fixture
def placed(route, orchestrator, intake, clock):
    """Two signals whose route reached care, each with a COSM placement: one on the zorgtraject route,
    one a ZVH case (zorg_en_strafrecht)."""
    deploy_care(orchestrator)
    deploy_zvh_care_route(orchestrator)
    provider = add_provider(orchestrator, "COSM Oost", now=clock.now())
    start = clock.now().date().isoformat()
    ids = {}
    for proces in ("zorg-route", "zorg-route-zvh"):
        sid = route.report(intake(), proces=proces).signal_id
        act(route, sid, "task_intake", intake_zorg())
        act(route, sid, "task_opvang", opvang(provider, start=start))
        ids[proces] = sid
    return ids, start


def _view(orchestrator, actor, sid):
    return orchestrator.signal(actor, sid, via="api")


def test_the_zorgcoordinator_sees_the_trajectory_and_its_deadlines(orchestrator, users, placed):
    ids, start = placed
    view = _view(orchestrator, users.zorgcoordinator, ids["zorg-route"])
    (traject,) = view["zorgtraject"]
    assert (traject["opvang_soort"], traject["opvang_aanbieder"], traject["bedenktijd_start"]) == ("cosm", "COSM Oost", start)
    assert {s["bpmn_id"] for s in view["stappen"]} >= CARE_STEPS
    assert view["termijnen"] == [{"naam": "Twee weken voor het einde van de bedenktijd",
                                  "vervalt_op": datum_plus(start, maanden=3, dagen=-14).replace("+00:00", "Z")}]
    (read,) = [e for e in audit_events(orchestrator, "signaal_ingezien", signal_id=ids["zorg-route"])]
    assert "zorggegevens" in read.categorieen
    opvang_stap = [e for e in view["dossier"] if e["bpmn_id"] == "task_opvang"]  # the case file keeps the step
    assert opvang_stap and opvang_stap[0]["gegevens"]["opvang_soort"] == "cosm"


@pytest.mark.parametrize("who", ["aandachtsfunctionaris", "analist"])
def test_others_who_see_the_signal_see_nothing_of_the_care(orchestrator, users, placed, who):
    ids, _start = placed
    view = _view(orchestrator, getattr(users, who), ids["zorg-route"])
    assert "zorgtraject" not in view and view["termijnen"] == []
    assert not {s["bpmn_id"] for s in view["stappen"]} & CARE_STEPS
    assert not {t["bpmn_id"] for t in view.get("taken", [])} & CARE_STEPS
    assert all(e.get("stap") not in ("Intake zorgcoördinatie", "Opvang regelen") for e in view["historie"])
    assert not {e["bpmn_id"] for e in view["dossier"]} & CARE_STEPS  # nor in the case file
    assert view["dossier"][0]["soort"] == "intake"  # which still shows the route's own entries


def test_the_manager_sees_counts_only(orchestrator, placed, manager_factory):
    ids, _start = placed
    manager = manager_factory("manager", ["Nijmegen"])
    view = _view(orchestrator, manager, ids["zorg-route"])
    assert "zorgtraject" not in view and view["termijnen"] == []
    assert not {s["bpmn_id"] for s in view["stappen"]} & CARE_STEPS


def test_the_zvh_sees_the_care_of_a_zvh_case_only(orchestrator, users, placed):
    ids, _start = placed
    view = _view(orchestrator, users.zvh, ids["zorg-route-zvh"])
    assert view["zorgtraject"][0]["opvang_soort"] == "cosm"
    assert [t["naam"] for t in view["termijnen"]] == ["Twee weken voor het einde van de bedenktijd"]
    with orchestrator.db.read() as conn:
        from sqlalchemy import select

        from engine.store.schema import signal
        row = conn.execute(select(signal).where(signal.c.id == ids["zorg-route"])).one()
    assert not may_see_care_data(users.zvh, row)  # a zorgtraject-route case is not the ZVH's


def test_the_route_deadlines_show_to_everyone_who_sees_the_process(route, orchestrator, users, intake, clock):
    started = route.report(intake())  # the default route: 'Signaal verrijken' with its escalation timer
    view = _view(orchestrator, users.analist, started.signal_id)
    assert view["termijnen"] and all(set(t) == {"naam", "vervalt_op"} for t in view["termijnen"])
    assert [dt.datetime.fromisoformat(t["vervalt_op"].replace("Z", "+00:00")) for t in view["termijnen"]] == sorted(
        dt.datetime.fromisoformat(t["vervalt_op"].replace("Z", "+00:00")) for t in view["termijnen"])


def test_retention_waits_for_the_trajectory_and_strips_its_data(route, orchestrator, intake, clock):
    """The route closed when care started; the signal is kept while the trajectory runs, and when it is
    anonymised the trajectory's workflow loses its data too (its row keeps the counted categories)."""
    from sqlalchemy import select

    from engine.store.schema import process_instance
    from tests.engine.care_actions import COMENSHA, EINDE, ZORGPLAN, care_row, monitoring

    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "COSM Oost", now=clock.now())
    sid = route.report(intake(), proces="zorg-route").signal_id
    act(route, sid, "task_intake", intake_zorg())
    act(route, sid, "task_opvang", opvang(provider, soort="gespecialiseerd"))
    clock.advance(dt.timedelta(days=6 * 366))  # longer than any period after the route closed
    orchestrator.fire_due_timers()
    assert orchestrator.run_retention(dry_run=True).signalen == []  # the trajectory still runs

    act(route, sid, "task_zorgplan", ZORGPLAN)
    act(route, sid, "task_comensha", COMENSHA)
    clock.advance(dt.timedelta(days=29))
    orchestrator.fire_due_timers()
    act(route, sid, "task_monitoring", monitoring(beeindigen=True))
    act(route, sid, "task_einde", EINDE)
    assert orchestrator.run_retention(dry_run=True).signalen == []  # counted from the end of care
    clock.advance(dt.timedelta(days=5 * 366))
    assert [e.signal_id for e in orchestrator.run_retention().signalen] == [sid]
    row = care_row(orchestrator, sid)
    with orchestrator.db.read() as conn:
        state = conn.execute(select(process_instance.c.state).where(process_instance.c.id == row.instance_id)).scalar_one()
    assert "gespecialiseerd" not in state and "COSM Oost" not in state
    assert row.opvang_soort == "gespecialiseerd" and row.einde_uitkomst == "zelfstandig"
