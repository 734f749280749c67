"""Dates and durations a person types into a filter or field, parsed within bounds.

Whatever the code later adds to or subtracts from such a value must stay inside what
``datetime`` can hold: ``9999-12-31`` plus one day, ``0001-01-01`` in Europe/Amsterdam
as UTC, or now plus 99 999 999 days all overflow. These parsers refuse a value outside
sensible bounds as a :class:`~engine.errors.FieldErrors` that names the field, so no
handler has to think about it (and none answers 500).
"""
from __future__ import annotations

import datetime as dt

import isodate

from ..errors import FieldErrors

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
LONGEST_DURATION = dt.timedelta(days=36_600)  # about a hundred years
_LONGEST_TEXT = 64  # no date or duration is longer; a megabyte of text is refused before parsing


def parse_date(name: str, raw: str | None, *, earliest: dt.date = EARLIEST_DATE,
               latest: dt.date = LATEST_DATE) -> dt.date | None:
    """``raw`` (``jjjj-mm-dd``) as a date, ``None`` when empty.

    :raises FieldErrors: ``{name: ...}`` when it is no date or lies outside ``earliest`` … ``latest``.
    """
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) > _LONGEST_TEXT:
            raise ValueError(text[:20])
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldErrors({name: "geen geldige datum (jjjj-mm-dd)"}) from None
    if not earliest <= value <= latest:
        raise FieldErrors({name: f"moet tussen {earliest.isoformat()} en {latest.isoformat()} liggen"})
    return value


def parse_duration(name: str, raw: str | None, *, longest: dt.timedelta = LONGEST_DURATION) -> dt.timedelta | None:
    """``raw`` as an ISO 8601 duration in weeks, days, hours, minutes or seconds (``P2D``, ``PT12H``);
    ``None`` when empty. Years and months have no fixed length and are refused.

    :raises FieldErrors: ``{name: ...}`` when it is no such duration, negative, or longer than ``longest``.
    """
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) > _LONGEST_TEXT:
            raise ValueError(text[:20])
        value = isodate.parse_duration(text)
    except (ValueError, OverflowError, isodate.ISO8601Error):
        value = None
    if not isinstance(value, dt.timedelta):
        raise FieldErrors({name: "moet een ISO 8601-duur in dagen/uren zijn, bv. P2D of PT12H"})
    if value < dt.timedelta(0):
        raise FieldErrors({name: "mag niet negatief zijn"})
    if value > longest:
        raise FieldErrors({name: f"mag hoogstens {longest.days} dagen zijn"})
    return value
