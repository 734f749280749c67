"""The zorgcoördinator's desk (``Orchestrator.care``): the CoMensha registrations of a period.

A care trajectory itself runs through the ordinary commands (its tasks are tasks); what is
here is what the zorgcoördinator does across trajectories. Access: :mod:`engine.people.access`.
"""
from __future__ import annotations

import datetime as dt

from ..domain.care import COMENSHA_LABELS
from ..people.users import Actor
from ..queries import comensha
from ..store.db import Database


class CareDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def registrations(self, actor: Actor, *, van: dt.date, tot: dt.date) -> list[dict]:
        """The period's registrations (categories only), as the page shows them before an export."""
        with self.db.read() as conn:
            return comensha.registrations(conn, actor, van=van, tot=tot)

    @staticmethod
    def labels() -> dict[str, dict]:
        """The Dutch names of the registration categories (by column)."""
        return COMENSHA_LABELS

    def export(self, actor: Actor, soort: str, *, van: dt.date, tot: dt.date) -> bytes:
        """The period's registrations as ``csv`` or ``json``; the export is written to the processing log."""
        with self.db.write() as conn:
            return comensha.export(conn, actor, soort, van=van, tot=tot, now=self.clock.now())
