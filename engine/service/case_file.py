"""The case-file desk (``Orchestrator.dossier``): notes, progress reports, drafts and the export.

Each method one transaction; the rules are in :mod:`engine.runtime.dossier` (writing) and
:mod:`engine.queries.dossier` with :func:`engine.people.access.case_file_access` (reading).
"""
from __future__ import annotations

from sqlalchemy import select

from ..audit.audit import record_read
from ..clock import isoformat
from ..definitions.definitions import DefinitionCache
from ..domain.categories import PROCESGEGEVENS
from ..errors import NotFound
from ..ops import metrics
from ..people.users import Actor, user_names
from ..queries import queries
from ..runtime import dossier
from ..store.db import Database
from ..store.schema import human_task, process_instance


class CaseFileDesk:
    """:param db: the database. :param clock: where ``now`` comes from. :param cache: parsed versions."""

    def __init__(self, db: Database, clock, cache: DefinitionCache):
        self.db = db
        self.clock = clock
        self.cache = cache

    @metrics.command("add_note")
    def add_note(self, actor: Actor, signal_id: int, tekst, corrigeert=None) -> dict:
        """Add a dated note to a case (``corrigeert``: the id of the note it corrects); returns it."""
        now = self.clock.now()
        with self.db.write() as conn:
            note_id = dossier.add_note(conn, actor, signal_id, tekst, corrigeert, now=now)
            name = user_names(conn, {actor.id}).get(actor.id)
        return {"id": note_id, "door": name, "op": isoformat(now), "tekst": tekst.strip(),
                "corrigeert": int(corrigeert) if corrigeert not in (None, "") else None}

    @metrics.command("save_progress")
    def save_progress(self, actor: Actor, task_id: int, data: dict) -> int:
        """Keep a progress report of an open regie or follow-up task; the task stays open."""
        with self.db.write() as conn:
            return dossier.save_progress(conn, actor, task_id, self._form(conn, task_id), data,
                                         now=self.clock.now())

    def takes_progress_reports(self, task: dict) -> bool:
        """Whether a task (as :meth:`Orchestrator.task` gives it) can be saved as a progress report."""
        return dossier.takes_progress_reports(_Task(task["rol"], task["naam"]))

    def save_draft(self, actor: Actor, task_id: int, data) -> None:
        """Keep ``actor``'s half-filled form of an open task; only they see it, until the task ends."""
        with self.db.write() as conn:
            dossier.save_draft(conn, actor, task_id, data, now=self.clock.now())

    def draft(self, actor: Actor, task_id: int) -> dict | None:
        """``actor``'s own draft of a task, if any."""
        with self.db.read() as conn:
            draft = dossier.draft_of(conn, actor, task_id)
        return None if draft is None else {**draft, "opgeslagen_op": isoformat(draft["opgeslagen_op"])}

    def export(self, actor: Actor, signal_id: int) -> dict:
        """The signal with its case file as ``actor`` may see it, for the PDF; the export is logged.

        :returns: the view of :meth:`Orchestrator.signal` plus ``gemaakt_door`` and ``gemaakt_op``.
        :raises NotFound: ``actor`` may not see the case (a reporter sees only its status: no export).
        """
        now = self.clock.now()
        with self.db.read() as conn:
            read = queries.signal_read(conn, actor, signal_id)
            name = user_names(conn, {actor.id}).get(actor.id)
        if "dossier" not in read.view:
            raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
        with self.db.write() as conn:
            record_read(conn, at=now, user_id=actor.id, rol=read.rol, signal_id=signal_id,
                        categorieen=read.categorieen or (PROCESGEGEVENS,), actie="dossier_geexporteerd", via="pdf")
        return {**read.view, "gemaakt_door": name, "gemaakt_op": isoformat(now)}

    def _form(self, conn, task_id: int):
        row = conn.execute(select(human_task.c.formulier, process_instance.c.definition_id)
                           .join(process_instance, process_instance.c.id == human_task.c.instance_id)
                           .where(human_task.c.id == task_id)).first()
        if row is None:
            return None
        return self.cache.get(conn, row.definition_id).forms.get(row.formulier or "")


class _Task:
    __slots__ = ("rol", "naam")

    def __init__(self, rol, naam):
        self.rol, self.naam = rol, naam
