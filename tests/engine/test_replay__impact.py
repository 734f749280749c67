"""'Wat verandert er?': history replayed against a draft (engine.service.impact, engine.runtime.replay).

Signals go through the default route with the engine's own commands, so the case file holds what a
real run records; the draft is a changed copy of the deployed package.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.definitions.definitions import load_package
from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import Forbidden
from engine.queries.replay_history import replay_history
from engine.runtime.impact import ImpactTally, replay_all
from engine.runtime.impact_pool import replay_in_workers
from tests.db_views import audit_events
from tests.engine.replay_actions import SECRETS, walk_history, zorg_to_zvh
from tests.engine.route_actions import DEFAULT_PROCESS, package_with, replace_once


def _run(orchestrator, package: ProcessPackage, **kwargs) -> tuple[list[dict], dict]:
    reports = list(orchestrator.impact.of_package(package, **kwargs))
    return reports[:-1], reports[-1]["resultaat"]


@pytest.fixture
def history(route, intake, clock) -> list[str]:
    return walk_history(route, intake, clock)


def test_unchanged_draft_changes_nothing(orchestrator, history):
    progress, result = _run(orchestrator, ProcessPackage.from_folder(DEFAULT_PROCESS))
    assert result["nagespeeld"] == len(history) == progress[-1]["klaar"] == progress[-1]["totaal"]
    assert (result["gewijzigd"], result["onbeslist"], result["groepen"], result["termijnen"]) == (0, 0, [], [])
    assert result["ongewijzigd"] == len(history)


def test_a_replay_that_matches_the_record_needs_no_second_replay(orchestrator, history):
    """The draft's replay of every signal equals where the signal stands (its projections): the replay
    reproduces what the engine did, so the signal's own version need not be replayed as well."""
    now = orchestrator.clock.now()
    with orchestrator.db.read() as conn:
        recorded = replay_history(conn, "signaal-naar-casus", now - dt.timedelta(days=365))
        versions = {r.definition_id: orchestrator.cache.get(conn, r.definition_id) for r in recorded}
    tally = ImpactTally()
    draft = compile_package(ProcessPackage.from_folder(DEFAULT_PROCESS))
    assert list(replay_all(recorded, versions.__getitem__, draft, now, tally))[-1] == len(history)
    assert (tally.replayed, tally.rerun, tally.changed) == (len(history), 0, 0)


def test_zorg_nodig_to_the_zvh_changes_exactly_the_zorgtraject_signals(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"routering.dmn": zorg_to_zvh})
    _progress, result = _run(orchestrator, draft)
    assert (result["gewijzigd"], result["onbeslist"]) == (6, 0)
    [group] = result["groepen"]
    assert (group["van"], group["naar"], group["aantal"]) == ("Zorgtraject", "Zorg- en strafrechtelijk traject", 6)
    assert "Beslistabel 'Routering', regel 4" in group["verschil"] and "geeft route = zorg_en_strafrecht" in group["verschil"]


def test_a_new_required_field_leaves_those_signals_undecided(orchestrator, history):
    def add_field(text: str) -> str:
        form = json.loads(text)
        form["components"].append({"type": "textfield", "key": "tolk_nodig", "label": "Tolk nodig",
                                   "validate": {"required": True}})
        return json.dumps(form)

    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS),
                         **{"formulieren/afstemmen-beoordelen.form.json": add_field})
    _progress, result = _run(orchestrator, draft)
    assessed = sum(kind not in ("geen", "open") for kind in history)
    assert (result["onbeslist"], result["gewijzigd"]) == (assessed, 0)
    [reason] = result["onbeslist_redenen"]
    assert reason["aantal"] == assessed
    assert "Afstemmen en beoordelen" in reason["reden"] and "Tolk nodig" in reason["reden"]


def test_shorter_deadline_reports_deadlines_now_missed(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{
        "signaal-naar-casus.bpmn": lambda t: replace_once(t, '"P1D" if minderjarige == "ja" else "P5D"',
                                                          '"P1D" if minderjarige == "ja" else "P1D"')})
    _progress, result = _run(orchestrator, draft)
    assert result["gewijzigd"] == 0
    verrijken = next(t for t in result["termijnen"] if t["stap"] == "Signaal verrijken")
    # Eleven enrichments were done after two days (in time for 5 days, late for 1); the open one is late now too.
    assert verrijken["nu_gemist"] == 11 and verrijken["verschoven"] == 12


def test_no_personal_data_in_the_answer(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"routering.dmn": zorg_to_zvh})
    progress, result = _run(orchestrator, draft)
    text = json.dumps([progress, result], ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text
    assert "MH-" not in text  # no references either: the procesbeheerder sees no cases


def test_small_groups_are_shown_as_fewer_than_five(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{
        "routering.dmn": lambda t: replace_once(t, '<text>"riec"</text>', '<text>"zorg_en_strafrecht"</text>')})
    _progress, result = _run(orchestrator, draft)
    [group] = result["groepen"]
    assert (group["van"], group["aantal"]) == ("Ondermijnende criminaliteit (RIEC)", "<5")
    changed = result["gewijzigd"]  # the CLI (the database's own rights) gets exact totals for its RESULT line
    assert 0 < changed < 5


def test_the_owners_screen_shows_small_totals_as_fewer_than_five_too(orchestrator, users, history):
    """A total beside its groups would give a hidden group away (one group of 3 under a total of 3)."""
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{
        "routering.dmn": lambda t: replace_once(t, '<text>"riec"</text>', '<text>"zorg_en_strafrecht"</text>')})
    exact = _run(orchestrator, draft)[1]["gewijzigd"]
    orchestrator.owners.save_draft(users.procesbeheerder, "signaal-naar-casus",
                                   {name: content.decode() for name, content in draft.files.items()})
    result = list(orchestrator.impact.of_draft(users.procesbeheerder, "signaal-naar-casus"))[-1]["resultaat"]
    assert 0 < exact < 5 and (result["gewijzigd"], result["onbeslist"]) == ("<5", 0)
    assert [g["aantal"] for g in result["groepen"]] == ["<5"]
    # replayed = changed + undecided + unchanged: with the unchanged shown, the changed could be worked out
    assert result["ongewijzigd"] == "x" and result["nagespeeld"] in (len(history), "x")


def test_only_process_owners_may_replay_a_draft(orchestrator, users, history):
    with pytest.raises(Forbidden):
        orchestrator.impact.of_draft(users.analist, "signaal-naar-casus")
    owner = orchestrator.impact.of_draft(users.procesbeheerder, "signaal-naar-casus")
    assert list(owner)[-1]["resultaat"]["gewijzigd"] == 0
    [logged] = audit_events(orchestrator, "historie_nagespeeld")  # reading the case files is in the log
    assert (logged.user_id, logged.signal_id) == (users.procesbeheerder.id, None)


def test_worker_processes_count_as_one_process_does(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"routering.dmn": zorg_to_zvh})
    now = orchestrator.clock.now()
    with orchestrator.db.read() as conn:
        recorded = replay_history(conn, "signaal-naar-casus", now - dt.timedelta(days=365))
        ids = {r.definition_id for r in recorded}
        versions = {d: orchestrator.cache.get(conn, d) for d in ids}
        files = {d: load_package(conn, d).files for d in ids}
    inline, pooled = ImpactTally(), ImpactTally()
    list(replay_all(recorded, versions.__getitem__, compile_package(draft), now, inline))
    assert list(replay_in_workers(recorded, draft.files, files, now, pooled, processes=2))[-1] == len(history)
    assert pooled.result() == inline.result() and pooled.changed == 6


def test_a_decision_on_data_nobody_recorded_leaves_those_signals_undecided(orchestrator, history):
    draft = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"routering.dmn": lambda t: replace_once(
        t, "<text>zorg_nodig</text>", "<text>zorg_nodig_volgens_tafel</text>")})
    _progress, result = _run(orchestrator, draft)
    routed = sum(kind not in ("geen", "open") for kind in history)
    assert (result["onbeslist"], result["gewijzigd"]) == (routed, 0)
    [reason] = result["onbeslist_redenen"]
    assert "Routering bepalen" in reason["reden"] and "zorg_nodig_volgens_tafel" in reason["reden"]
