"""The managers' part of the engine's front door, mixed into :class:`~engine.service.orchestrator.Orchestrator`.

Queries (board, workload, figures, heat map) read in one transaction; commands
(reassign, mail settings) write in one; :meth:`mail_pass` is the clock's mail job.
"""
from __future__ import annotations

import datetime as dt
import re

from ..errors import FieldErrors
from ..mail import notify, outbox
from ..people.users import Actor
from ..queries import board, figures, heatmap, workload
from ..queries.figures_export import figures_csv, figures_xlsx
from ..queries.oversight import scope_names, scope_of
from ..runtime.reassign import UNSET, reassign_task

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ManagerOverview:
    """Needs ``self.db``, ``self.clock`` and ``self.cache`` (the orchestrator has them)."""

    mail: outbox.MailConfig

    def configure_mail(self, config: outbox.MailConfig) -> None:
        self.mail = config

    def mail_config(self) -> outbox.MailConfig:
        if getattr(self, "mail", None) is None:
            self.mail = outbox.MailConfig()
        return self.mail

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
    def reassign(self, actor: Actor, task_id: int, to_user_id: int, seen=UNSET) -> dict:
        """Put an open task on another person's name (see :mod:`engine.runtime.reassign`)."""
        with self.db.write() as conn:
            return reassign_task(conn, actor, task_id, to_user_id, now=self.clock.now(), seen=seen)

    def mail_settings(self, actor: Actor) -> dict:
        with self.db.read() as conn:
            return notify.settings(conn, actor.id)

    def save_mail_settings(self, actor: Actor, *, email: str | None, wijze: str) -> None:
        """Store ``actor``'s own address and preference; empty address: no mail at all."""
        email = (email or "").strip() or None
        errors = {}
        if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
            errors["email"] = "is geen geldig e-mailadres"
        if wijze not in notify.PREFERENCES:
            errors["wijze"] = f"kies uit: {', '.join(notify.PREFERENCES)}"
        if errors:
            raise FieldErrors(errors)
        with self.db.write() as conn:
            notify.save_settings(conn, actor.id, email=email, wijze=wijze, now=self.clock.now())

    def mail_delivery_on(self) -> bool:
        """Whether this process delivers mail (``MAIL_URL`` set) or only records it as not delivered."""
        return getattr(self.mail_config().mailer, "delivers", True)

    def undelivered_mail(self, actor: Actor, **page) -> dict:
        """Outbox rows that reached no one, for a beheerder (:func:`engine.mail.outbox.undelivered`)."""
        with self.db.read() as conn:
            return outbox.undelivered(conn, actor, **page)

    def mail_pass(self) -> dict[str, int]:
        """The clock's mail job: passed deadlines, the daily digests, sending (:mod:`engine.mail.outbox`)."""
        return outbox.mail_pass(self.db, self.mail_config(), self.clock)
