"""The region desk (``Orchestrator.region``): the region as configuration (issue #17).

The catalog — roles, case tables, chain-partner kinds, covenants — for the ``beheerder``
(:mod:`engine.people.catalog_admin`), and each municipality's route set-up for process owners
(:mod:`engine.runtime.route_setup`). Each method one transaction.
"""
from __future__ import annotations

from ..domain.labels import ROUTES
from ..errors import NotFound
from ..people import catalog_admin
from ..people.access import may_manage_catalog
from ..people.regions import find_regio
from ..people.users import Actor, find_gemeente
from ..runtime import route_setup
from ..store import catalog_rows
from ..store.db import Database

KINDS = catalog_admin.SOORTEN_CATALOGUS  # the kinds of catalog entry, by key, with their Dutch names
LEVELS = catalog_admin.NIVEAUS  # a case table's level (gemeente, regio)
ROUTE_MODES = route_setup.MODI  # how a set-up chooses (proces, beslistabel)
ROUTE_NAMES = ROUTES  # the routes a covenant can cover, with their Dutch names


class RegionDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def refresh(self) -> None:
        """Follow a catalog change made by another process (one indexed read when nothing changed)."""
        with self.db.read() as conn:
            catalog_rows.refresh(conn)

    def may_manage(self, actor: Actor | None) -> bool:
        return may_manage_catalog(actor)

    def entries(self, soort: str) -> list[dict]:
        """The entries of one kind (``rol``, ``casustafel``, ``partnersoort``, ``convenant``)."""
        with self.db.read() as conn:
            return catalog_admin.entries(conn, soort)

    def entry(self, soort: str, sleutel: str) -> dict:
        with self.db.read() as conn:
            return catalog_admin.entry(conn, soort, sleutel)

    def save(self, actor: Actor | None, soort: str, values: dict, sleutel: str | None = None) -> str:
        """Add (``sleutel`` ``None``) or change an entry; returns its key."""
        with self.db.write() as conn:
            return catalog_admin.save(conn, actor, soort, values, now=self.clock.now(), sleutel=sleutel)

    def remove(self, actor: Actor | None, soort: str, sleutel: str) -> None:
        with self.db.write() as conn:
            catalog_admin.remove(conn, actor, soort, sleutel, now=self.clock.now())

    def place_id(self, scope: str, naam: str) -> int:
        """The id of the municipality (``gemeente``) or region (``regio``) called ``naam``.

        :raises NotFound: no such place.
        """
        with self.db.read() as conn:
            found = (find_gemeente if scope == "gemeente" else find_regio)(conn, naam)
        if found is None:
            raise NotFound(f"{scope} '{naam}' bestaat niet")
        return found

    def route_overview(self, actor: Actor) -> dict:
        """The regions and municipalities ``actor`` may set up, with their set-ups."""
        with self.db.read() as conn:
            return route_setup.overview(conn, actor)

    def set_route(self, actor: Actor | None, scope: str, scope_id: int, values: dict) -> None:
        """Set or clear the route set-up of a municipality (``gemeente``) or region (``regio``);
        ``actor`` ``None`` is the operator (command line, ``init --demo``)."""
        with self.db.write() as conn:
            route_setup.set_up(conn, actor, scope, scope_id, values, now=self.clock.now())
