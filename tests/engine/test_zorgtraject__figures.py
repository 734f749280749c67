"""The managers' care figures (engine/queries/figures_care.py): counts only, 1 to 4 as "<5", durations
only over five or more; the care trajectory's steps stay out of the lead times per step."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.queries.figures_export import figures_csv
from tests.engine.care_actions import COMENSHA, EINDE, ZORGPLAN, act, add_provider, deploy_care, intake_zorg, monitoring, opvang

DAY = dt.timedelta(days=1)


@pytest.fixture
def manager(manager_factory):
    return manager_factory("manager", ["Nijmegen"])


def _start(route, intake, provider, soort: str, clock) -> int:
    sid = route.report(intake(), proces="zorg-route").signal_id
    act(route, sid, "task_intake", intake_zorg())
    act(route, sid, "task_opvang", opvang(provider, soort=soort, start=clock.now().date().isoformat()))
    act(route, sid, "task_zorgplan", ZORGPLAN)
    act(route, sid, "task_comensha", COMENSHA)
    return sid


def _end(route, orchestrator, sid, clock):
    act(route, sid, "task_monitoring", monitoring(beeindigen=True))
    act(route, sid, "task_einde", EINDE)


def _figures(orchestrator, manager, clock):
    today = clock.now().date()
    return orchestrator.managers.figures(manager, van=today - 60 * DAY, tot=today)


def test_small_counts_are_shown_as_less_than_five(route, orchestrator, intake, clock, manager):
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Oost", now=clock.now())
    signals = [_start(route, intake, provider, "cosm" if i < 2 else "vrouwenopvang", clock) for i in range(6)]
    clock.advance(28 * DAY + dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()
    for sid in signals[:3]:
        _end(route, orchestrator, sid, clock)

    care = _figures(orchestrator, manager, clock)["zorg"]
    assert care["gestart"] == 6 and care["comensha_gemeld"] == 6
    assert care["beeindigd"] == "<5" and care["duur"] == {"aantal": "<5", "mediaan_s": None, "p90_s": None}
    assert {r["naam"]: r["aantal"] for r in care["opvang"]} == {"Vrouwenopvang": "<5",
                                                               "COSM (Categorale Opvang Slachtoffers Mensenhandel)": "<5"}
    assert care["bedenktijd_gestart"] == "<5"
    # one of the COSM trajectories ended during its reflection period
    assert care["bedenktijd_beeindigd"] == "<5"
    assert [r["naam"] for r in care["bedenktijd_afloop"]] == ["Zorg beëindigd tijdens de bedenktijd"]
    text = figures_csv(_figures(orchestrator, manager, clock)).decode("utf-8-sig")
    assert "zorgtraject,beëindigd,<5" in text and "zorgtraject,gestart,6" in text
    for count in ("1", "2", "3", "4"):
        assert f"opvang,Vrouwenopvang,{count}\r\n" not in text

    for sid in signals[3:]:
        _end(route, orchestrator, sid, clock)
    care = _figures(orchestrator, manager, clock)["zorg"]
    assert care["beeindigd"] == 6 and care["duur"]["mediaan_s"] == pytest.approx(28 * 86400 + 60)
    assert care["duur"]["p90_s"] == pytest.approx(28 * 86400 + 60)


def test_the_steps_of_a_trajectory_stay_out_of_the_lead_times(route, orchestrator, intake, clock, manager):
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Oost", now=clock.now())
    _start(route, intake, provider, "cosm", clock)
    steps = {s["bpmn_id"] for s in _figures(orchestrator, manager, clock)["stappen"]}
    assert not steps & {"task_intake", "task_opvang", "task_zorgplan", "task_comensha"}


def test_the_heat_map_of_the_trajectory_hides_small_cells(route, orchestrator, intake, clock, manager):
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Oost", now=clock.now())
    sid = route.report(intake(), proces="zorg-route").signal_id
    act(route, sid, "task_intake", intake_zorg())
    act(route, sid, "task_opvang", opvang(provider, soort="vrouwenopvang"))
    kaart = orchestrator.managers.heatmap(manager, "zorgtraject")
    steps = {s["bpmn_id"]: s for s in kaart["stappen"]}
    assert steps["task_zorgplan"]["wachtend"] == "<5" and steps["task_zorgplan"]["wacht_mediaan_s"] is None
    assert steps["task_intake"]["afgerond"] == "<5" and steps["task_intake"]["doorloop_mediaan_s"] is None
    assert steps["task_monitoring"]["wachtend"] == 0
    assert all(s["intensiteit"] == 0.0 for s in kaart["stappen"])
