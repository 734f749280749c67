"""The managers' desk (``Orchestrator.managers``): the board, workload, figures, heat map, reassigning.

Each query reads in one transaction, :meth:`ManagersDesk.reassign` writes in one. Who may
see what is decided below (:mod:`engine.queries.oversight`, :mod:`engine.people.access`).
"""
from __future__ import annotations

import datetime as dt

from ..definitions.definitions import DefinitionCache
from ..ops import metrics
from ..people.users import Actor
from ..queries import board, figures, heatmap, workload
from ..queries.figures_export import figures_csv, figures_xlsx
from ..queries.oversight import scope_names, scope_of
from ..runtime.reassign import UNSET, hand_back_task, reassign_task
from ..store.db import Database


class ManagersDesk:
    """What managers (and the beheerder) see of the work in their municipalities.

    :param db: the database.
    :param clock: where ``now`` comes from.
    :param cache: the compiled definitions (the heat map draws on them).
    """

    def __init__(self, db: Database, clock, cache: DefinitionCache):
        self.db = db
        self.clock = clock
        self.cache = cache

    # --- queries -------------------------------------------------------------------------
    def supervised(self, actor: Actor) -> dict[int, str]:
        """The municipalities ``actor`` oversees, by id (raises Forbidden for non-managers)."""
        scope = scope_of(actor)
        with self.db.read() as conn:
            return scope_names(conn, scope)

    def board(self, actor: Actor, **filters) -> dict:
        """Late and nearly late tasks, totals and escalations (see :func:`engine.queries.board.board`)."""
        with self.db.read() as conn:
            return board.board(conn, actor, self.clock.now(), **filters)

    def workload(self, actor: Actor, gemeente_id: int | None = None) -> dict:
        with self.db.read() as conn:
            return workload.workload(conn, actor, self.clock.now(), gemeente_id=gemeente_id)

    def figures(self, actor: Actor, *, van: dt.date, tot: dt.date, gemeente_id: int | None = None) -> dict:
        with self.db.read() as conn:
            return figures.figures(conn, actor, van=van, tot=tot, gemeente_id=gemeente_id)

    def figures_file(self, actor: Actor, soort: str, **period) -> bytes:
        """The figures as ``csv`` or ``xlsx``."""
        data = self.figures(actor, **period)
        return figures_csv(data) if soort == "csv" else figures_xlsx(data)

    def heatmap(self, actor: Actor, sleutel: str, gemeente_id: int | None = None) -> dict:
        with self.db.read() as conn:
            return heatmap.heatmap(conn, self.cache, actor, self.clock.now(), sleutel=sleutel, gemeente_id=gemeente_id)

    def heatmap_processes(self, actor: Actor) -> list[dict]:
        scope_of(actor)
        with self.db.read() as conn:
            return heatmap.processes(conn)

    def process_diagram(self, actor: Actor, sleutel: str) -> bytes:
        """The newest version's BPMN (process data only) for a manager's heat map."""
        scope_of(actor)
        with self.db.read() as conn:
            return heatmap.diagram_xml(conn, sleutel)

    # --- commands ------------------------------------------------------------------------
    @metrics.command("reassign")
    def hand_back(self, actor: Actor, task_id: int, seen=UNSET) -> dict:
        """Put an open task back in its role's queue (see :func:`engine.runtime.reassign.hand_back_task`)."""
        with self.db.write() as conn:
            return hand_back_task(conn, actor, task_id, now=self.clock.now(), seen=seen)

    def reassign(self, actor: Actor, task_id: int, to_user_id: int, seen=UNSET) -> dict:
        """Put an open task on another person's name (see :mod:`engine.runtime.reassign`)."""
        with self.db.write() as conn:
            return reassign_task(conn, actor, task_id, to_user_id, now=self.clock.now(), seen=seen)
