"""Time is explicit (invariant 8): every timestamp a command writes is the clock's, in UTC."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.clock import UTC, FixedClock, as_utc, isoformat
from tests.engine.route_actions import VERRIJKT

CET = dt.timezone(dt.timedelta(hours=1))


def test_commands_take_now_from_the_clock(route, users, intake, clock):
    reported_at = clock.now()
    started = route.report(intake())
    done_at = clock.advance(dt.timedelta(days=2, hours=3))

    route.complete(started.signal_id, "task_verrijken", VERRIJKT)

    verrijken = route.orchestrator.task(users.analist, route.audit(started.signal_id, "taak_voltooid")[0].detail["taak_id"])
    assert verrijken["aangemaakt_op"] == isoformat(reported_at) == "2026-01-05T09:00:00Z"
    assert verrijken["deadline"] == "2026-01-10T09:00:00Z"  # P5D from when the task became ready
    assert verrijken["voltooid_op"] == isoformat(done_at) == "2026-01-07T12:00:00Z"
    beoordelen = route.orchestrator.inbox(users.aandachtsfunctionaris)["taken"][0]
    assert (beoordelen["aangemaakt_op"], beoordelen["deadline"]) == ("2026-01-07T12:00:00Z", "2026-01-17T12:00:00Z")
    assert [h["wanneer"] for h in route.orchestrator.signal(users.analist, started.signal_id)["historie"]] == [
        "2026-01-05T09:00:00Z", "2026-01-05T09:00:00Z", "2026-01-07T12:00:00Z", "2026-01-07T12:00:00Z"]
    instance = route.instance(started.instance_id)
    assert (as_utc(instance.created_at), as_utc(instance.updated_at)) == (reported_at, done_at)


def test_timestamps_read_back_as_the_same_utc_instant(route, users, intake, clock):
    clock.set(dt.datetime(2026, 7, 1, 23, 30, tzinfo=CET))
    started = route.report(intake(ontvangen_op="2026-07-01T22:15:00+02:00"))

    row = route.signal_row(started.signal_id)

    assert as_utc(row.created_at) == dt.datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert as_utc(row.ontvangen_op) == dt.datetime(2026, 7, 1, 20, 15, tzinfo=UTC)
    assert route.orchestrator.signal(users.analist, started.signal_id)["ontvangen_op"] == "2026-07-01T20:15:00Z"


def test_the_reference_carries_the_clocks_year(route, intake, clock):
    clock.set(dt.datetime(2027, 3, 1, tzinfo=UTC))
    assert route.report(intake()).referentie.startswith("MH-2027-")


def test_a_fixed_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock().set(dt.datetime(2026, 1, 1))


def test_a_fixed_clock_stores_utc():
    clock = FixedClock()
    clock.set(dt.datetime(2026, 1, 5, 10, 0, tzinfo=CET))
    assert clock.now() == dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC) and clock.now().tzinfo is UTC
