"""The one place that writes the audit log. Every command records what it did here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from .schema import audit_event


def record(conn: Connection, *, at: dt.datetime, actie: str, user_id: int | None = None,
           signal_id: int | None = None, instance_id: int | None = None, **detail) -> None:
    """Append one audit event in the command's own transaction.

    :param actie: what happened, a Dutch snake_case verb in the past tense
        (``signaal_gemeld``, ``taak_voltooid``).
    :param detail: JSON-serialisable facts about it (step, fields changed); never
        the content of personal data itself.
    """
    conn.execute(
        insert(audit_event).values(
            at=at, user_id=user_id, actie=actie, signal_id=signal_id, instance_id=instance_id, detail=detail
        )
    )
