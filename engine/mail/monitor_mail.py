"""The half-yearly monitoring report mailed to the region's ketenregisseurs, through the outbox.

The mail names the region and the half-year, links to the monitor and carries the report itself:
the PDF and the workbook, made when the row is queued and stored with it (``mail_bijlage``, one
copy per recipient's row). They hold the anonymised, suppressed figures only, the same as the
download (docs/monitor.md). The outbox sends the row on its own — never bundled in the daily digest
— or records why not, and then deletes its files (:mod:`engine.mail.outbox`); queuing it is not
sending it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, String, and_, bindparam, cast, insert, literal, or_, select, true

from ..domain.status import MailStatus
from ..people.access import REPORT_RECIPIENT_ROLE
from ..store.schema import mail_bericht, mail_bijlage, mail_instelling, user, user_role
from .mail import Attachment
from .notify import keyed_insert, once, recipient_key

MONITOR_REPORT = "monitorrapport"


def _recipients(gemeente_ids: list[int], regio_id: int | None):
    """Active users with an address who hold the ketenregisseur role in one of the municipalities,
    for the region, or installation-wide."""
    where_held = [user_role.c.gemeente_id.in_(gemeente_ids),
                  and_(user_role.c.gemeente_id.is_(None), user_role.c.regio_id.is_(None))]
    if regio_id is not None:
        where_held.append(and_(user_role.c.gemeente_id.is_(None), user_role.c.regio_id == regio_id))
    holds = (select(user_role.c.id).where(user_role.c.user_id == user.c.id, user_role.c.rol == REPORT_RECIPIENT_ROLE,
                                          or_(*where_held)).exists())
    return (select(user.c.id).join(mail_instelling, mail_instelling.c.user_id == user.c.id)
            .where(holds, user.c.actief, mail_instelling.c.email.is_not(None)))


_COLUMNS = ["soort", "user_id", "stap", "link", "status", "pogingen", "created_at", "attempt_at", "sleutel"]


def has_recipients(conn: Connection, *, gemeente_ids: list[int], regio_id: int | None) -> bool:
    """Whether the region has a ketenregisseur to mail (see :func:`_recipients`)."""
    return conn.execute(_recipients(gemeente_ids, regio_id).limit(1)).first() is not None


def queue_report(conn: Connection, *, gemeente_ids: list[int], regio_id: int | None, stap: str, link: str,
                 cause: str, now: dt.datetime, attachments: list[Attachment]) -> int:
    """One outbox row per ketenregisseur of the region (see :func:`_recipients`), each with
    ``attachments``; how many were queued.

    :param stap: what the mail names (region and half-year).
    :param cause: unique per request: asking again queues again.
    """
    recipients = [r.id for r in conn.execute(_recipients(gemeente_ids, regio_id)).all()]
    if not recipients:
        return 0
    ids = _recipients(gemeente_ids, regio_id).subquery()
    statement = keyed_insert(lambda make: make(mail_bericht).from_select(_COLUMNS, select(
        literal(MONITOR_REPORT), ids.c.id, cast(bindparam("stap"), String(300)), cast(bindparam("link"), String(500)),
        literal(MailStatus.WAITING.value), literal(0), bindparam("now"), bindparam("now"),
        cast(bindparam("oorzaak"), String(500)) + literal(":u") + cast(ids.c.id, String(20)),
    ).select_from(ids).where(true())))
    conn.execute(once(conn, statement), {"stap": stap, "link": link, "now": now, "oorzaak": cause})
    keys = [recipient_key(cause, user_id) for user_id in recipients]
    row_ids = conn.execute(select(mail_bericht.c.id).where(
        mail_bericht.c.sleutel.in_(keys),
        ~select(mail_bijlage.c.id).where(mail_bijlage.c.mail_bericht_id == mail_bericht.c.id).exists(),
    )).scalars().all()
    if row_ids and attachments:
        conn.execute(insert(mail_bijlage), [
            {"mail_bericht_id": row_id, "bestandsnaam": a.bestandsnaam, "mimetype": a.mimetype, "inhoud": a.inhoud}
            for row_id in row_ids for a in attachments])
    return len(recipients)
