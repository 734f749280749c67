"""The one source of 'now' for every command (ARCHITECTURE invariant 8).

Production code uses :class:`SystemClock`; tests use :class:`FixedClock` and move it.
All datetimes are timezone-aware UTC.
"""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

UTC = dt.UTC
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # how times are shown to people


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: dt.datetime | None = None):
        self._now = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        with self._lock:
            self._now = self._now + delta
            return self._now


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Make a datetime read back from the database timezone-aware UTC.

    SQLite returns naive datetimes; we only ever store UTC, so naive means UTC.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def isoformat(value: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a trailing ``Z``, as the API writes datetimes."""
    value = as_utc(value)
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")
