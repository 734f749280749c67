"""Deadlines in working days ("werkdagen"): weekends and Dutch public holidays do not count.

``tests/data/timer-werkdagen``: 'Behandelen' escalates after 3 working days (its escalation
timer's expression is ``werkdagen(3)``, run in the sandbox); 'Afronden' then has a deadline of
2 working days (its ``deadline`` property ``werkdagen(2)``, parsed, never evaluated). The clock
is fixed; times are Europe/Amsterdam wall time (engine.domain.working_days).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from engine.clock import UTC, as_utc
from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.domain.working_days import add_working_days, dutch_holidays, easter_sunday, parse_working_days
from engine.errors import DeployRejected
from engine.spiff.sandbox import werkdagen
from engine.spiff.spiff_compat import engine_time
from tests.db_views import instance_timers
from tests.engine.route_actions import TEST_DATA, small_intake

AMS = ZoneInfo("Europe/Amsterdam")
FOLDER = TEST_DATA / "timer-werkdagen"


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS).astimezone(UTC)


@pytest.fixture
def werkdagen_proces(orchestrator):
    orchestrator.deploy_folder(FOLDER)


def test_easter_and_the_public_holidays_of_the_algemene_termijnenwet():
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        dt.date(2024, 3, 31), dt.date(2025, 4, 20), dt.date(2026, 4, 5), dt.date(2027, 3, 28)]
    assert sorted(dutch_holidays(2026)) == [
        dt.date(2026, 1, 1), dt.date(2026, 4, 6), dt.date(2026, 4, 27), dt.date(2026, 5, 5),
        dt.date(2026, 5, 14), dt.date(2026, 5, 25), dt.date(2026, 12, 25), dt.date(2026, 12, 26)]
    assert dt.date(2025, 4, 26) in dutch_holidays(2025)  # 27 April 2025 is a Sunday: Koningsdag on the 26th
    assert dt.date(2026, 4, 3) not in dutch_holidays(2026)  # Goede Vrijdag is no holiday in the Atw


@pytest.mark.parametrize(("start", "count", "due"), [
    (local(2026, 1, 7, 10, 0), 2, local(2026, 1, 9, 10, 0)),     # Wednesday → Friday
    (local(2026, 1, 9, 17, 0), 1, local(2026, 1, 12, 17, 0)),    # Friday → Monday: the weekend skipped
    (local(2026, 1, 10, 11, 0), 1, local(2026, 1, 12, 11, 0)),   # Saturday → Monday
    (local(2026, 1, 9, 17, 0), 5, local(2026, 1, 16, 17, 0)),    # 5 working days: a week
    (local(2026, 4, 24, 17, 0), 3, local(2026, 4, 30, 17, 0)),   # Friday, Koningsdag on Monday → Thursday
    (local(2026, 12, 24, 9, 0), 1, local(2026, 12, 28, 9, 0)),   # Christmas and a weekend
    (local(2026, 3, 27, 9, 0), 1, local(2026, 3, 30, 9, 0)),     # over the change to summer time: 09:00 stays 09:00
])
def test_working_days_skip_weekends_and_holidays_in_wall_time(start, count, due):
    assert add_working_days(start, count) == due


@pytest.mark.parametrize("bad", [0, -1, 10_000, 1.5, True, "5"])
def test_a_count_of_working_days_is_a_whole_number_from_1(bad):
    with pytest.raises(ValueError, match="werkdagen"):
        add_working_days(local(2026, 1, 7, 10, 0), bad)


def test_the_term_is_parsed_never_evaluated():
    assert [parse_working_days(t) for t in ("werkdagen(5)", " werkdagen( 12 ) ", "werkdagen(0)", "P5D",
                                           "werkdagen(5) + 1", "werkdagen(x)", "", None)] == [
        5, 12, None, None, None, None, None, None]


def test_the_sandbox_helper_gives_the_duration_to_the_deadline_from_the_commands_time():
    friday = local(2026, 1, 9, 17, 0)
    with engine_time(friday):
        assert werkdagen(1) == f"PT{3 * 24 * 3600}S"


def test_an_escalation_after_working_days_is_due_after_the_weekend_and_fires_then(
        route, werkdagen_proces, clock, users):
    friday = local(2026, 4, 24, 17, 0)  # Monday 27 April 2026 is Koningsdag
    clock.set(friday)
    started = route.report(small_intake(), proces="timer-werkdagen")

    task = route.open_task(started.signal_id, "task_behandelen")
    (row,) = instance_timers(route, started.instance_id)
    thursday = local(2026, 4, 30, 17, 0)
    assert as_utc(row.due_at) == as_utc(task.due_at) == thursday
    assert (row.bpmn_id, row.actie, row.human_task_id) == ("deadline_behandelen", "escalatie", task.id)

    clock.set(thursday - dt.timedelta(seconds=1))
    assert route.orchestrator.fire_due_timers() == []
    clock.set(thursday + dt.timedelta(seconds=1))
    assert [f.timer_id for f in route.orchestrator.fire_due_timers()] == [row.id]
    assert route.orchestrator.task(users.analist, task.id)["geescaleerd_op"] is not None


def test_a_deadline_property_in_working_days_sets_the_due_date(route, werkdagen_proces, clock, users):
    clock.set(local(2026, 1, 8, 12, 0))  # Thursday
    started = route.report(small_intake(), proces="timer-werkdagen")
    clock.set(local(2026, 1, 9, 16, 30))  # Friday afternoon
    route.complete(started.signal_id, "task_behandelen", {"gezien": True})

    task = route.open_task(started.signal_id, "task_afronden")
    assert as_utc(task.due_at) == local(2026, 1, 13, 16, 30)  # Tuesday: Monday and Tuesday count
    assert route.orchestrator.task(users.analist, task.id)["deadline"] == "2026-01-13T15:30:00Z"


@pytest.mark.parametrize(("expression", "message"), [
    ("werkdagen(0)", "werkdagen(0): het aantal moet een heel getal van 1 tot en met 9999 zijn"),
    ("werkdagen(2.5)", "werkdagen(2.5): het aantal moet een heel getal"),
    ("werkdagen(3, 4)", "werkdagen(...) krijgt één aantal"),
])
def test_a_wrong_count_of_working_days_is_refused_at_deploy(expression, message):
    files = {name: (FOLDER / name).read_bytes() for name in ("proces.json", "timer-werkdagen.bpmn",
                                                               "formulieren/melden.form.json",
                                                               "formulieren/afhandelen.form.json")}
    files["timer-werkdagen.bpmn"] = files["timer-werkdagen.bpmn"].replace(b">werkdagen(3)<", f">{expression}<".encode())
    with pytest.raises(DeployRejected) as caught:
        compile_package(ProcessPackage(files))
    assert [p.element_id for p in caught.value.problems] == ["deadline_behandelen"]
    assert message in str(caught.value)


def test_a_wrong_deadline_property_in_working_days_is_refused_at_deploy():
    files = {name: (FOLDER / name).read_bytes() for name in ("proces.json", "timer-werkdagen.bpmn",
                                                               "formulieren/melden.form.json",
                                                               "formulieren/afhandelen.form.json")}
    files["timer-werkdagen.bpmn"] = files["timer-werkdagen.bpmn"].replace(b'"werkdagen(2)"', b'"werkdagen(twee)"')
    with pytest.raises(DeployRejected) as caught:
        compile_package(ProcessPackage(files))
    assert "ongeldige deadline 'werkdagen(twee)'" in str(caught.value)
