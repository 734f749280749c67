"""Acute danger: when a signal is urgent (DOMAIN.md, "Acute nood?").

The intake asks whether someone is in acute danger (``acute_nood``) and, if so, whether 112
has been called (``al_112_gebeld``). Acute danger without a call is the urgent case: the
signal is marked ``acuut`` in lists and counts, mails about its tasks go out at once (never in
a daily digest), and the aandachtsfunctionaris gets 'Acute situatie opvolgen' within 4 hours.
A call is never assumed: no answer counts as not called.
"""
from __future__ import annotations


def is_acute(data: dict) -> bool:
    """Acute danger and 112 not (yet) called, from a signal's process data."""
    return data.get("acute_nood") is True and data.get("al_112_gebeld") is not True
