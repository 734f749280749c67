"""The partners desk (``Orchestrator.partners``): the chain partner directory for the ``beheerder``.

Each method one transaction; the rules (which regions, which fields, the audit) are in
:mod:`engine.people.partners`.
"""
from __future__ import annotations

from ..people import partners
from ..people.users import Actor
from ..store.db import Database

FIELDS = partners.FIELDS  # the fields of an entry, in form order
SOORTEN = partners.SOORTEN  # the kinds of partner, by key


class PartnersDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def regions(self, actor: Actor) -> dict[int, str]:
        """The regions ``actor`` keeps the directory of (none: not a ``beheerder``)."""
        with self.db.read() as conn:
            return partners.managed_regions(conn, actor)

    def list(self, actor: Actor, regio_id: int) -> list[dict]:
        """A region's entries by kind and name, with who last changed each."""
        with self.db.read() as conn:
            return partners.list_entries(conn, actor, regio_id)

    def entry(self, actor: Actor, partner_id: int) -> dict:
        with self.db.read() as conn:
            return partners.entry(conn, actor, partner_id)

    def add(self, actor: Actor, regio_id: int, values: dict) -> int:
        """Add an entry to region ``regio_id``; returns its id."""
        with self.db.write() as conn:
            return partners.add_entry(conn, actor, regio_id, values, now=self.clock.now())

    def update(self, actor: Actor, partner_id: int, values: dict) -> None:
        """Change an entry; the audit event names the fields that changed."""
        with self.db.write() as conn:
            partners.update_entry(conn, actor, partner_id, values, now=self.clock.now())

    def remove(self, actor: Actor, partner_id: int) -> None:
        with self.db.write() as conn:
            partners.remove_entry(conn, actor, partner_id, now=self.clock.now())
