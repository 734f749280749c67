"""The regional monitor's desk (``Orchestrator.monitor``): the figures, the half-yearly report, mailing it.

Figures only, anonymised (:mod:`engine.queries.monitor`); who sees which region is decided in
:mod:`engine.people.access` (:func:`~engine.people.access.monitor_held`). Downloading the report and
mailing it are written to the processing log, in the transaction that produced them.
"""
from __future__ import annotations

from collections.abc import Callable

from ..audit.audit import AuditBatch
from ..clock import AMSTERDAM, isoformat
from ..domain.categories import GEMEENTELIJKE_TAAK
from ..errors import Forbidden
from ..mail.mail import Attachment
from ..mail.monitor_mail import has_recipients, queue_report
from ..people.access import MONITOR_ROLES
from ..people.users import Actor
from ..queries import monitor
from ..queries.monitor_report import SECTIONS, accounting, report_xlsx
from ..store.db import Database

REPORT_FORMATS = ("pdf", "xlsx")
MIMETYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MONITOR_LINK = "/overzicht/monitor"


def report_filename(jaar: int, halfjaar: int, soort: str) -> str:
    """The report's file name, for the download and the mail's attachment."""
    return f"monitoring-mensenhandel-{jaar}-H{halfjaar}.{soort}"


def _pdf_data(data: dict) -> dict:
    return {**data, "secties": SECTIONS, "verantwoording": accounting(data)}


def _acting_role(actor: Actor) -> str | None:
    """The monitor role ``actor`` acts in, for the log: the ketenregisseur's first, then a manager's."""
    held = actor.role_keys()
    return next((rol for rol in ("ketenregisseur", "manager", *MONITOR_ROLES) if rol in held), None)


class MonitorDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def current_half_year(self) -> tuple[int, int]:
        """The year and half-year (1 or 2) of today, in Europe/Amsterdam."""
        today = self.clock.now().astimezone(AMSTERDAM).date()
        return today.year, 1 if today.month <= 6 else 2

    def figures(self, actor: Actor, *, jaar: int, halfjaar: int, regio_id: int | None = None) -> dict:
        """The monitor of a region and half-year (see :func:`engine.queries.monitor.monitor`)."""
        with self.db.read() as conn:
            return monitor.monitor(conn, actor, jaar=jaar, halfjaar=halfjaar, regio_id=regio_id)

    def report(self, actor: Actor, soort: str, *, jaar: int, halfjaar: int, regio_id: int | None = None):
        """The report for download: ``xlsx`` as bytes, ``pdf`` as the data the web draws it from; logged.

        :raises Forbidden: an unknown format (and as :meth:`figures`).
        """
        if soort not in REPORT_FORMATS:
            raise Forbidden("Kies PDF of Excel.")
        with self.db.write() as conn:
            data = monitor.monitor(conn, actor, jaar=jaar, halfjaar=halfjaar, regio_id=regio_id)
            self._log(conn, actor, "monitorrapport_gedownload", data, bestand=soort)
        if soort == "xlsx":
            return report_xlsx(data)
        return _pdf_data(data)

    def mail_report(self, actor: Actor, *, jaar: int, halfjaar: int, render_pdf: Callable[[dict], bytes],
                    regio_id: int | None = None) -> int:
        """Queue the report's mail, with the PDF and the workbook attached, for the region's
        ketenregisseurs (:mod:`engine.mail.monitor_mail`); how many. Queued is not sent: the outbox
        sends it, or records why not.

        :param render_pdf: draws the PDF from the report data (the web's WeasyPrint template, as for
            the download; the engine draws no HTML). Called outside any transaction, and only when
            there is someone to mail.
        """
        with self.db.read() as conn:
            data = monitor.monitor(conn, actor, jaar=jaar, halfjaar=halfjaar, regio_id=regio_id)
            chosen = monitor.choose_region(monitor.monitor_regions(conn, actor), data["regio"]["id"])
            anyone = has_recipients(conn, gemeente_ids=sorted(chosen["gemeenten"]), regio_id=chosen["id"] or None)
        attachments = []
        if anyone:  # drawn before the write transaction: it takes a while, and holds no lock meanwhile
            attachments = [Attachment(report_filename(jaar, halfjaar, "pdf"), MIMETYPES["pdf"], render_pdf(_pdf_data(data))),
                           Attachment(report_filename(jaar, halfjaar, "xlsx"), MIMETYPES["xlsx"], report_xlsx(data))]
        now = self.clock.now()
        with self.db.write() as conn:
            chosen = monitor.choose_region(monitor.monitor_regions(conn, actor), chosen["id"])
            query = f"?regio={chosen['id']}&jaar={jaar}&halfjaar={halfjaar}&periode=h"
            queued = 0
            if attachments:  # a ketenregisseur who set an address only just now: asked again, mailed then
                queued = queue_report(conn, gemeente_ids=sorted(chosen["gemeenten"]), regio_id=chosen["id"] or None,
                                      stap=f"{chosen['naam']}, {halfjaar}e halfjaar {jaar}", link=MONITOR_LINK + query,
                                      cause=f"monitor:{chosen['id']}:{jaar}-{halfjaar}:{isoformat(now)}:a{actor.id}",
                                      now=now, attachments=attachments)
            self._log(conn, actor, "monitorrapport_gemaild", {"regio": chosen, "jaar": jaar, "halfjaar": halfjaar},
                      ontvangers=queued)
        return queued

    def _log(self, conn, actor: Actor, actie: str, data: dict, **detail) -> None:
        log = AuditBatch(self.clock.now(), rol=_acting_role(actor), grondslag=GEMEENTELIJKE_TAAK)
        log.add(actie, actor.id, regio_id=data["regio"]["id"], periode=f"{data['jaar']}-H{data['halfjaar']}", **detail)
        log.write(conn)
