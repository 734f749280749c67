"""Every status value the engine stores, in one place: one ``StrEnum`` per kind of row.

The values are the words stored in the ``status`` columns (and shown in the API), so they
are stable. A member *is* its string (``TaskStatus.OPEN == "open"``), so rows, JSON and
templates compare with members, never with literals.
"""
from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """``human_task.status``: open until completed, or cancelled with its path."""

    OPEN = "open"
    DONE = "voltooid"
    CANCELLED = "vervallen"


class SignalStatus(StrEnum):
    """``signal.status`` and ``process_instance.status``: running until an end event."""

    RUNNING = "lopend"
    FINISHED = "afgerond"
    # process_instance only: an instance the signal moved away from (another process).
    CANCELLED = "geannuleerd"


class TimerStatus(StrEnum):
    """``timer.status``: waiting until fired, or cancelled with its task."""

    WAITING = "wachtend"
    FIRED = "afgevuurd"
    CANCELLED = "vervallen"


class MailStatus(StrEnum):
    """``mail_bericht.status``: the outbox's life of one mail."""

    WAITING = "wachtend"
    SENT = "verzonden"
    BUNDLED = "gebundeld"  # taken into a daily digest
    FAILED = "mislukt"
    NO_ADDRESS = "geen_adres"
    UNDELIVERED = "niet_bezorgd"  # mail delivery is off (no MAIL_URL): nothing left this machine


class IncidentStatus(StrEnum):
    """An incident as shown: open until ``resolved_at`` is set (the table has no status column)."""

    OPEN = "open"
    RESOLVED = "opgelost"


class MeetingStatus(StrEnum):
    """``overleg.status``: planned, then held once the minutes are recorded."""

    PLANNED = "gepland"
    HELD = "gehouden"
