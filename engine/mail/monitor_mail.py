"""The half-yearly monitoring report mailed to the region's ketenregisseurs, through the outbox.

The mail names the region and the half-year and links to the monitor, where the report is
downloaded as PDF or Excel after signing in (and the download is logged): like every mail of
Signaalroute it carries no figures and no attachment (docs/monitor.md says why). The row is
sent, bundled or marked not delivered by the outbox like any other (:mod:`engine.mail.outbox`);
queuing it is not sending it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, String, and_, bindparam, cast, literal, or_, select, true

from ..domain.status import MailStatus
from ..people.access import REPORT_RECIPIENT_ROLE
from ..store.schema import mail_bericht, mail_instelling, user, user_role
from .notify import keyed_insert, once

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


def queue_report(conn: Connection, *, gemeente_ids: list[int], regio_id: int | None, stap: str, link: str,
                 cause: str, now: dt.datetime) -> int:
    """One outbox row per ketenregisseur of the region (see :func:`_recipients`); how many were queued.

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
    return len(recipients)
