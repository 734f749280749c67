"""What templates can use besides their context: filters and globals, registered once by :func:`init_app`.

Filters format (times in Europe/Amsterdam, durations, percentages); globals answer questions the
navigation asks on every page (open tasks, which menus the user has).
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, g

from engine import (
    AMSTERDAM,
    MeetingStatus,
    SignalStatus,
    TaskStatus,
    code_label,
    may_administer,
    may_change_processes,
    may_export_care_registrations,
    may_read_audit,
    may_see_monitor,
)
from engine.service.cases import works_cases

from .extensions import orchestrator


def init_app(app: Flask) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    for name, function in GLOBALS.items():
        app.add_template_global(function, name)
    app.context_processor(_single_sign_on)


# --- filters -------------------------------------------------------------------------------------------

def lokaal(value, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """An ISO 8601 UTC time (or datetime) as Europe/Amsterdam local time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(AMSTERDAM).strftime(fmt)


def datum(value) -> str:
    """A date (or ISO ``jjjj-mm-dd`` text, or a datetime: its local day) as dd-mm-jjjj."""
    if not value:
        return ""
    if isinstance(value, dt.datetime) or (isinstance(value, str) and "T" in value):
        return lokaal(value, "%d-%m-%Y")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d-%m-%Y")


def label(code, kind: str) -> str:
    """The label of a stored code (``{{ t.rol | label('rol') }}``); see :mod:`engine.domain.labels`."""
    return code_label(kind, code)


def labels(codes, kind: str) -> str:
    """Several codes' labels, comma-separated (``{{ s.indicatoren | labels('indicator') }}``)."""
    return ", ".join(code_label(kind, c) for c in codes or ())


def duur(seconds, leeg: str = "—") -> str:
    """A duration in Dutch: '3 d 4 u', '5 u 10 min', '12 min'."""
    if seconds is None:
        return leeg
    seconds = abs(float(seconds))
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} d {hours} u"
    if hours:
        return f"{hours} u {rest // 60} min"
    return f"{max(rest // 60, 0)} min"


def uren(seconds) -> float | None:
    """Seconds as hours with one decimal, for the charts."""
    return None if seconds is None else round(seconds / 3600, 1)


def procent(value, leeg: str = "—") -> str:
    """A fraction as a Dutch percentage: ``0.125`` → '12,5%'."""
    return leeg if value is None else f"{value * 100:.1f}%".replace(".", ",")


# --- globals -------------------------------------------------------------------------------------------

def nav_counts() -> dict | None:
    """Open tasks for the navigation, once per request."""
    if g.get("actor") is None:
        return None
    if "nav_counts" not in g:
        g.nav_counts = orchestrator().inbox_counts(g.actor)
    return g.nav_counts


def is_manager() -> bool:
    """Whether the signed-in user oversees a municipality (the navigation shows 'Overzicht')."""
    actor = g.get("actor")
    return actor is not None and "manager" in actor.role_keys()


def _single_sign_on() -> dict:
    """The provider's name for the sign-in button; ``None`` when single sign-on is off."""
    settings = current_app.extensions.get("signaalroute.oidc")
    return {"oidc_provider_name": settings.provider_name if settings else None}


FILTERS = {"lokaal": lokaal, "datum": datum, "label": label, "labels": labels, "duur": duur, "uren": uren, "procent": procent}
GLOBALS = {"nav_counts": nav_counts, "is_manager": is_manager, "may_administer": may_administer,
           "may_change_processes": may_change_processes,
           "may_read_audit": may_read_audit,  # the navigation shows the audit page to who may read it
           "may_export_care_registrations": may_export_care_registrations,  # the zorgcoördinator's CoMensha page
           "may_see_monitor": may_see_monitor,  # the regional monitor
           "works_cases": works_cases,  # the navigation shows the Signalen list to who works cases
           # templates compare statuses with these, never with literals
           "TaskStatus": TaskStatus, "SignalStatus": SignalStatus, "MeetingStatus": MeetingStatus}
