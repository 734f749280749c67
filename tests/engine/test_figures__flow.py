"""Flow figures over a generated history of 50,000 signals, against expectations computed here.

The expectations come from the generator's own Python records with the standard library
(``statistics``), not from the SQL under test; the periods are turned into instants with
``zoneinfo`` here too.
"""
from __future__ import annotations

import collections
import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

import pytest

from engine.errors import FieldErrors, Forbidden
from tests.engine.history import GEMEENTEN, make_history, write_history

SEED = 20260105
N = 50_000
AMS = ZoneInfo("Europe/Amsterdam")
PERIODS = [(dt.date(2025, 3, 1), dt.date(2025, 8, 31)), (dt.date(2025, 10, 26), dt.date(2025, 10, 26)),
           (dt.date(2024, 1, 1), dt.date(2026, 12, 31))]


def _bounds(van: dt.date, tot: dt.date):
    start = dt.datetime(van.year, van.month, van.day, tzinfo=AMS)
    end = dt.datetime(tot.year, tot.month, tot.day, tzinfo=AMS) + dt.timedelta(days=1)
    # a day in Amsterdam is 23, 24 or 25 hours: re-anchor the end to local midnight
    end = dt.datetime(end.year, end.month, end.day, tzinfo=AMS)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=10, method="inclusive")[8]


def expected(history, scope: set[str], van: dt.date, tot: dt.date) -> dict:
    start, end = _bounds(van, tot)
    received = [s for s in history if s.gemeente in scope and start <= s.ontvangen_op < end]
    closed = [s for s in history if s.gemeente in scope and s.closed_at and start <= s.closed_at < end]
    tasks = [t for s in history if s.gemeente in scope for t in s.tasks
             if t.completed_at and start <= t.completed_at < end]
    done = [t for t in tasks if t.status == "voltooid"]
    per_step = collections.defaultdict(list)
    for t in done:
        per_step[t.bpmn_id].append((t.completed_at - t.created_at).total_seconds())
    with_deadline = [t for t in done if t.due_at is not None]
    return {
        "ontvangen": len(received),
        "afgerond": sum(s.status == "afgerond" for s in received),
        "lopend": sum(s.status == "lopend" for s in received),
        "acute_nood": sum(s.acute_nood for s in received),
        "met_minderjarige": sum(s.minderjarige == "ja" for s in received),
        "uitkomsten": collections.Counter(s.uitkomst for s in received if s.status == "afgerond"),
        "routes": collections.Counter(s.route for s in received),
        "vormen": collections.Counter(v for s in received for v in s.vormen),
        "sectoren": collections.Counter(s.sector for s in received),
        "minderjarig": collections.Counter(s.minderjarige for s in received),
        "stappen": {k: (len(v), *_quantiles(sorted(v))) for k, v in per_step.items()},
        "e2e": _quantiles(sorted((s.closed_at - s.ontvangen_op).total_seconds() for s in closed)) if closed else None,
        "e2e_n": len(closed),
        "met_deadline": len(with_deadline),
        "binnen": sum(t.completed_at <= t.due_at for t in with_deadline),
        "vervallen": sum(t.status == "vervallen" for t in tasks),
        "zonder_deadline": len(done) - len(with_deadline),
    }


def _counter(items: list[dict]) -> collections.Counter:
    return collections.Counter({item["waarde"]: item["aantal"] for item in items})


@pytest.fixture
def history(orchestrator):
    records = make_history(N, SEED)
    started = time.perf_counter()
    with orchestrator.db.write() as conn:
        ids = write_history(conn, records)
    print(f"wrote {N} signals, {sum(len(s.tasks) for s in records)} tasks in {time.perf_counter() - started:.1f} s")
    return records, ids


def test_generated_history_is_deterministic_and_varied():
    first, again = make_history(2_000, SEED), make_history(2_000, SEED)
    assert [(s.ontvangen_op, s.uitkomst, len(s.tasks)) for s in first] == \
        [(s.ontvangen_op, s.uitkomst, len(s.tasks)) for s in again]
    assert {s.status for s in first} == {"lopend", "afgerond"}
    assert len({s.uitkomst for s in first}) == 6  # five outcomes and None (running)
    tasks = [t for s in first for t in s.tasks]
    assert any(t.due_at is None for t in tasks) and any(t.status == "vervallen" for t in tasks)
    late = [t for t in tasks if t.completed_at and t.due_at and t.completed_at > t.due_at]
    assert 0.1 < len(late) / len(tasks) < 0.6


def test_figures_match_independent_expectations(orchestrator, history, manager_factory):
    records, ids = history
    region = manager_factory("regio-manager", list(GEMEENTEN))
    nijmegen = manager_factory("manager-nijmegen", ["Nijmegen"])
    cases = [(region, None, set(GEMEENTEN)), (region, ids["Arnhem"], {"Arnhem"}), (nijmegen, None, {"Nijmegen"})]
    for van, tot in PERIODS:
        for actor, gemeente_id, scope in cases:
            got = orchestrator.managers.figures(actor, van=van, tot=tot, gemeente_id=gemeente_id)
            want = expected(records, scope, van, tot)
            where = f"{van}..{tot} {sorted(scope)}"
            assert got["ontvangen"] == want["ontvangen"], where
            assert got["status"] == {"afgerond": want["afgerond"], "lopend": want["lopend"]}, where
            assert (got["acute_nood"], got["met_minderjarige"]) == (want["acute_nood"], want["met_minderjarige"])
            assert _counter(got["uitkomsten"]) == want["uitkomsten"], where
            assert _counter(got["routes"]) == want["routes"], where
            assert _counter(got["vormen"]) == want["vormen"], where
            assert _counter(got["sectoren"]) == want["sectoren"], where
            assert _counter(got["minderjarig"]) == want["minderjarig"], where
            steps = {s["bpmn_id"]: s for s in got["stappen"]}
            assert set(steps) == set(want["stappen"]), where
            for bpmn_id, (n, median, p90) in want["stappen"].items():
                assert steps[bpmn_id]["aantal"] == n, (where, bpmn_id)
                assert steps[bpmn_id]["mediaan_s"] == pytest.approx(median, abs=1.0), (where, bpmn_id)
                assert steps[bpmn_id]["p90_s"] == pytest.approx(p90, abs=1.0), (where, bpmn_id)
            assert got["doorlooptijd"]["aantal"] == want["e2e_n"], where
            if want["e2e"]:
                assert got["doorlooptijd"]["mediaan_s"] == pytest.approx(want["e2e"][0], abs=1.0), where
                assert got["doorlooptijd"]["p90_s"] == pytest.approx(want["e2e"][1], abs=1.0), where
            share = got["binnen_deadline"]
            assert (share["met_deadline"], share["binnen"]) == (want["met_deadline"], want["binnen"]), where
            if want["met_deadline"]:
                assert share["aandeel"] == pytest.approx(want["binnen"] / want["met_deadline"])
            assert got["uitgesloten"] == {"vervallen_taken": want["vervallen"],
                                          "taken_zonder_deadline": want["zonder_deadline"],
                                          "lopende_signalen": want["lopend"]}, where
    # the widest period holds everything: nothing fell between the cracks
    everything = orchestrator.managers.figures(region, van=dt.date(2024, 1, 1), tot=dt.date(2026, 12, 31))
    assert everything["ontvangen"] == N


def test_a_period_in_the_wrong_order_names_the_field(orchestrator, manager_factory):
    manager = manager_factory("mgr", ["Nijmegen"])
    with pytest.raises(FieldErrors) as error:
        orchestrator.managers.figures(manager, van=dt.date(2025, 5, 1), tot=dt.date(2025, 4, 1))
    assert "tot" in error.value.fields


def test_only_managers_and_only_their_municipalities(orchestrator, users, manager_factory):
    manager = manager_factory("mgr", ["Nijmegen"])
    arnhem = orchestrator.gemeente_id("Arnhem") or _make(orchestrator, "Arnhem")
    with pytest.raises(Forbidden):
        orchestrator.managers.figures(users.analist, van=dt.date(2025, 1, 1), tot=dt.date(2025, 1, 31))
    with pytest.raises(Forbidden):
        orchestrator.managers.figures(manager, van=dt.date(2025, 1, 1), tot=dt.date(2025, 1, 31), gemeente_id=arnhem)


def _make(orchestrator, naam):
    from engine.people.users import ensure_gemeente

    with orchestrator.db.write() as conn:
        return ensure_gemeente(conn, naam)
