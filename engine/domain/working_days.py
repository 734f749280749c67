"""Working days ("werkdagen"): a deadline that skips weekends and Dutch public holidays.

A process owner may set a task's deadline in working days. The model stores it as
``werkdagen(N)``: on an escalation timer as its ``timeDuration`` expression (run in the
sandbox, :func:`engine.spiff.sandbox.werkdagen`), or as the task's ``deadline`` property
(parsed here by :func:`parse_working_days`, never evaluated).

How a term is counted (:func:`add_working_days`): from the moment the task opens, in
Europe/Amsterdam wall time, step one calendar day at a time and count each day that is a
working day; the deadline is the same time of day on the N-th counted day. So a task opened
on Friday at 17:00 with 1 working day is due on Monday at 17:00, and one opened on Saturday
is due on Monday (its time of day kept) too. A day is no working day on Saturday, Sunday and
on the public holidays of the Algemene termijnenwet (art. 3): Nieuwjaarsdag, Tweede Paasdag,
Koningsdag (27 April, or 26 April when the 27th is a Sunday), 5 mei (Bevrijdingsdag, every
year), Hemelvaartsdag, Tweede Pinksterdag, Eerste and Tweede Kerstdag. Goede Vrijdag is not
one of them. Easter is computed (Gregorian calendar), so no list needs updating.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_WORKING_DAYS = 9999  # as the editor's number field allows

# The term as the model stores it: `werkdagen(5)`.
_TERM = re.compile(r"\s*werkdagen\(\s*(\d{1,4})\s*\)\s*")


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


@functools.lru_cache(maxsize=64)
def dutch_holidays(year: int) -> frozenset[dt.date]:
    """The public holidays of the Algemene termijnenwet in ``year`` (some fall on a weekend)."""
    easter = easter_sunday(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it is celebrated the day before
        kings_day = dt.date(year, 4, 26)
    return frozenset({
        dt.date(year, 1, 1),
        easter + dt.timedelta(days=1),   # Tweede Paasdag
        kings_day,
        dt.date(year, 5, 5),
        easter + dt.timedelta(days=39),  # Hemelvaartsdag
        easter + dt.timedelta(days=50),  # Tweede Pinksterdag
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    })


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in dutch_holidays(day.year)


def add_working_days(start: dt.datetime, count: int) -> dt.datetime:
    """The moment ``count`` working days after ``start`` (aware), in UTC; see the module's rule."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_WORKING_DAYS:
        raise ValueError(f"werkdagen: een heel aantal van 1 tot en met {MAX_WORKING_DAYS}")
    if start.tzinfo is None:
        raise ValueError("werkdagen: de begintijd heeft een tijdzone nodig")
    local = start.astimezone(AMSTERDAM)
    day, counted = local.date(), 0
    while counted < count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    # Wall time on that day: a daylight-saving change in between keeps the time of day.
    due = dt.datetime.combine(day, local.time().replace(tzinfo=None), AMSTERDAM)
    return due.astimezone(dt.UTC)


def parse_working_days(text: str | None) -> int | None:
    """N for a term written ``werkdagen(N)`` (1 ≤ N ≤ 9999), else ``None``. Parsed, never evaluated."""
    match = _TERM.fullmatch(text or "")
    if match is None:
        return None
    count = int(match.group(1))
    return count if 1 <= count <= MAX_WORKING_DAYS else None
