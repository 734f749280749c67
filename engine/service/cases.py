"""The cases desk (``Orchestrator.cases``): the Signalen list and handing a signal over to another municipality.

Each method is one transaction; who sees what is :mod:`engine.people.access`, the list is
:mod:`engine.queries.signal_list`, the handover :mod:`engine.runtime.handover`.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import Conflict
from ..ops import metrics
from ..people.access import works_cases  # noqa: F401  (re-exported: the navigation asks it)
from ..people.users import Actor
from ..queries import handovers, queries, signal_list
from ..runtime import handover
from ..runtime.instances import StaleInstance
from ..store.db import Database

STATUSES = signal_list.STATUSES  # the status filter's values and labels
ROUTES = signal_list.ROUTES  # the routes' labels
MINDERJARIG = signal_list.MINDERJARIG
HANDED_OVER = signal_list.HANDED_OVER


class CasesDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    @staticmethod
    def parse_filter(raw: Mapping[str, str]) -> signal_list.SignalFilter:
        """The list's filter from query-string values; :class:`~engine.errors.FieldErrors` per field."""
        return signal_list.parse_filter(raw)

    def signals(self, actor: Actor, flt: signal_list.SignalFilter, *, limit: int = 50, offset: int = 0) -> dict:
        """A page of the signals ``actor`` may see (or, ``status='overgedragen'``, those their municipality
        handed over), newest received first, each with its phase, owner and next deadline.

        :returns: ``{"signalen": [...], "totaal": n, "limit": l, "offset": o}``.
        :raises FieldErrors: an unknown municipality, process or route.
        """
        with self.db.read() as conn:
            return signal_list.signal_list(conn, actor, flt, now=self.clock.now(), limit=limit, offset=offset)

    def filter_choices(self, actor: Actor) -> dict:
        """What the list page offers in its selects: the phases and routes in ``actor``'s signals, and
        the municipalities they are a member of."""
        with self.db.read() as conn:
            return {"fases": signal_list.phase_choices(conn, actor), "routes": signal_list.route_choices(conn, actor),
                    "processen": signal_list.process_choices(conn),
                    "gemeenten": queries.gemeente_names(conn, actor.gemeenten())}

    @metrics.command("hand_over")
    def hand_over(self, actor: Actor, signal_id: int, gemeente: str, reden: str) -> handover.Handover:
        """Hand a signal over to the municipality where the victim lives or was found (its
        aandachtsfunctionaris; reason required); audited, in one transaction."""
        try:
            with self.db.write() as conn:
                return handover.hand_over(conn, actor, signal_id, gemeente, reden, now=self.clock.now())
        except StaleInstance:
            raise Conflict("Het dossier is intussen door iemand anders gewijzigd; probeer het opnieuw.") from None

    def handover_targets(self, actor: Actor, signal_id: int) -> list[dict]:
        """The municipalities ``actor`` may hand the signal over to (none if they may not)."""
        with self.db.read() as conn:
            return handover.targets(conn, actor, signal_id)

    def handed_over_view(self, actor: Actor, signal_id: int) -> dict:
        """What ``actor``'s municipality keeps of a signal it handed over; NotFound otherwise."""
        with self.db.read() as conn:
            return handovers.handed_over_view(conn, actor, signal_id)
