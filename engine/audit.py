"""The one place that writes the audit log. Every command records what it did here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert

from .schema import audit_event

_INSERT = insert(audit_event)


@dataclass
class AuditBatch:
    """The events of one command, written together in the command's transaction.

    :param at: when the command ran (the command's ``now``).
    :param instance_id: the process instance the events are about, if any.
    :param signal_id: the signal the events are about, if any.
    """

    at: dt.datetime
    instance_id: int | None = None
    signal_id: int | None = None
    events: list[dict] = field(default_factory=list)

    def add(self, actie: str, user_id: int | None = None, **detail) -> None:
        """Record one event.

        :param actie: what happened, a Dutch snake_case verb in the past tense
            (``signaal_gemeld``, ``taak_voltooid``).
        :param detail: JSON-serialisable facts about it (step, fields changed); never
            the content of personal data itself.
        """
        self.events.append({"actie": actie, "user_id": user_id, "detail": detail})

    def write(self, conn: Connection) -> None:
        if not self.events:
            return
        conn.execute(_INSERT, [
            {"at": self.at, "signal_id": self.signal_id, "instance_id": self.instance_id, **event}
            for event in self.events
        ])
        self.events.clear()


def record(conn: Connection, *, at: dt.datetime, actie: str, user_id: int | None = None,
           signal_id: int | None = None, instance_id: int | None = None, **detail) -> None:
    """Append a single event (for commands that write only one)."""
    batch = AuditBatch(at, instance_id, signal_id)
    batch.add(actie, user_id, **detail)
    batch.write(conn)
