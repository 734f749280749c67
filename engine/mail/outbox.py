"""The outbox: what the clock's mail pass does — scan for passed deadlines, make the daily digests, send.

The pass (:func:`engine.service.passes.mail_pass`) does, each in its own transactions:

1. :func:`engine.mail.notify.queue_overdue` — outbox rows for deadlines passed since last time;
2. :func:`queue_digests` — once a day from :attr:`MailConfig.digest_hour` (Europe/Amsterdam):
   per person whose preference is ``dagelijks`` one mail bundling their waiting rows, and per
   manager with an address a summary of late and nearly late tasks in their municipalities;
3. :func:`claim_due`, :func:`deliver`, :func:`mark` — every waiting row of people who want mail at
   once (and every digest): claimed with a lease (``attempt_at`` moved on) in a short
   transaction, sent outside any transaction, then marked. A process that dies while sending leaves the row to be sent
   again after the lease: a mail may come twice, never not at all. Failures are retried
   with back-off, then marked ``mislukt``. With mail delivery off (no ``MAIL_URL``) rows are
   marked ``niet_bezorgd`` at once, and only their id and kind are logged.

A row with files (``mail_bijlage``: the monitoring report) is always sent on its own, whatever the
recipient's preference: the daily digest is text and carries no files. Its files are loaded with the
claim and deleted when the row is marked for good (sent, failed, not delivered, no address): kept
only while the row may still be sent.

With several clock processes on PostgreSQL, rows are claimed with ``SKIP LOCKED``; on SQLite
the write transactions take turns. The claim always commits with ``synchronous_commit = on``:
the timer pass commits with it off, and a row may only leave the building once the command
that queued it can no longer be lost in a crash — a synchronous commit flushes the write-ahead
log up to itself, so also the earlier commit that wrote the row. Otherwise a timer whose
firing was lost could fire again and mail again (see docs/operations.md).

:func:`undelivered` lists what did not reach anyone, for the beheerder.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, insert, or_, select, update

from ..clock import AMSTERDAM, isoformat
from ..domain.roles import ROLES
from ..errors import Forbidden, NotFound
from ..people.access import may_administer
from ..people.users import load_actor
from ..queries.board import board
from ..store.schema import mail_bericht, mail_bijlage, mail_instelling, mail_stand, user, user_role
from .mail import Attachment, Mail, Mailer, NoDelivery
from .monitor_mail import MONITOR_REPORT
from .notify import (
    ASSIGNED,
    BUNDLED,
    DAILY,
    DIGEST,
    DIRECT,
    FAILED,
    FEEDBACK,
    HANDED_OVER,
    NO_ADDRESS,
    OPENED,
    OVERDUE,
    SENT,
    UNDELIVERED,
    WAITING,
    keyed_insert,
    once,
    recipient_key,
)

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
_DIGEST_MARK = "dagoverzicht"
FOOTER = ("\n\nDeze mail bevat bewust geen gegevens over het signaal of de betrokkenen; die ziet u na "
          "aanmelden. Uw meldingsvoorkeur wijzigt u onder 'Meldingen' in Signaalroute.")


@dataclass
class MailConfig:
    """Where mail goes and what links in it point at.

    :param site_url: the address people open Signaalroute at, for the links in mails.
    :param digest_hour: local hour (Europe/Amsterdam) from which the daily digest goes out.
    :param interval: seconds between two mail passes of the clock.
    """

    mailer: Mailer = field(default_factory=NoDelivery)
    site_url: str = "http://127.0.0.1:5000"
    digest_hour: int = 7
    interval: float = 30.0


_SUBJECTS = {
    OPENED: "Signaalroute: nieuwe taak '{stap}'",
    ASSIGNED: "Signaalroute: taak '{stap}' is aan u toegewezen",
    OVERDUE: "Signaalroute: deadline verstreken voor '{stap}'",
    HANDED_OVER: "Signaalroute: signaal {stap} is aan uw gemeente overgedragen",
    MONITOR_REPORT: "Signaalroute: monitoringsrapport {stap}",
}
_BODIES = {
    OPENED: "Er staat een nieuwe taak klaar voor uw rol: {stap}.\n\nOpenen: {url}",
    ASSIGNED: "Een manager heeft de taak '{stap}' op uw naam gezet.\n\nOpenen: {url}",
    OVERDUE: "De deadline van de taak '{stap}' is verstreken.\n\nOpenen: {url}",
    HANDED_OVER: "Een andere gemeente heeft het signaal {stap} aan uw gemeente overgedragen.\n\nOpenen: {url}",
    MONITOR_REPORT: ("In de bijlagen vindt u het halfjaarlijkse monitoringsrapport mensenhandel {stap}, als PDF "
                     "en als Excel-bestand. Het bevat alleen geanonimiseerde aantallen: geen persoonsgegevens, en "
                     "geen aantal van 1 tot en met 4 (dat staat er als <5).\n\nDe monitor in Signaalroute: {url}"),
}


def compose(row, site_url: str) -> tuple[str, str]:
    """Subject and text of an outbox row: the step and a link, nothing more."""
    site = site_url.rstrip("/")
    if row.soort == DIGEST:
        return "Signaalroute: uw overzicht van vandaag", (row.tekst or "").replace("{site}", site) + FOOTER
    if row.soort == FEEDBACK:
        return (f"Signaalroute: uw melding {row.stap} is afgehandeld",
                f"{row.tekst}\n\nUw meldingen: {site + row.link}" + FOOTER)
    return (_SUBJECTS[row.soort].format(stap=row.stap),
            _BODIES[row.soort].format(stap=row.stap, url=site + row.link) + FOOTER)


# A row with files: sent on its own, never bundled (the digest is text).
_HAS_FILES = exists().where(mail_bijlage.c.mail_bericht_id == mail_bericht.c.id)


def _due_rows(postgres: bool):
    wants_now = or_(mail_bericht.c.soort == DIGEST, mail_bericht.c.spoed,
                    func.coalesce(mail_instelling.c.wijze, DIRECT) == DIRECT, _HAS_FILES)
    stmt = (
        select(mail_bericht, mail_instelling.c.email)
        .outerjoin(mail_instelling, mail_instelling.c.user_id == mail_bericht.c.user_id)
        .where(mail_bericht.c.status == WAITING, mail_bericht.c.attempt_at <= bindparam("now"), wants_now)
        .order_by(mail_bericht.c.attempt_at, mail_bericht.c.id)
        .limit(bindparam("limit"))
    )
    return stmt.with_for_update(of=mail_bericht, skip_locked=True) if postgres else stmt


DELIVERY_OFF = "Maildienst staat uit (MAIL_URL is niet ingesteld): de mail is niet verstuurd."
_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:@]+@[^\s<>()\[\]{}'\",;:]+")


def failure_reason(exc: Exception) -> str:
    """What went wrong, for the row and the log: the error without any mail address in it (a
    refused recipient's error names the address)."""
    return _ADDRESS.sub("<adres>", f"{type(exc).__name__}: {exc}")[:2000]


def claim_due(conn: Connection, *, now: dt.datetime, limit: int = 200, postgres: bool = False) -> list:
    """Claim what is waiting for people who want mail at once, with a lease (``attempt_at`` moved on
    by :data:`LEASE`), in the caller's short transaction; the rows to send."""
    if postgres:  # see the module docstring: send nothing whose cause may still be lost
        conn.exec_driver_sql("SET LOCAL synchronous_commit = on")
    rows = conn.execute(_due_rows(postgres), {"now": now, "limit": limit}).all()
    if rows:
        conn.execute(update(mail_bericht).where(mail_bericht.c.id.in_([r.id for r in rows]))
                     .values(attempt_at=now + LEASE, pogingen=mail_bericht.c.pogingen + 1))
    return rows


def attachments_of(conn: Connection, row_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
    """The files of the claimed rows ``row_ids``, per row (loaded in the claim's transaction)."""
    found: dict[int, list[Attachment]] = {}
    if row_ids:
        for r in conn.execute(select(mail_bijlage).where(mail_bijlage.c.mail_bericht_id.in_(row_ids))
                              .order_by(mail_bijlage.c.id)):
            found.setdefault(r.mail_bericht_id, []).append(Attachment(r.bestandsnaam, r.mimetype, bytes(r.inhoud)))
    return {row_id: tuple(files) for row_id, files in found.items()}


def deliver(row, config: MailConfig, clock, attachments: tuple[Attachment, ...] = ()) -> tuple[str, dict]:
    """Send one claimed row with its files, outside any transaction; ``(outcome, the row's new values)``
    for :func:`mark`."""
    if not row.email:
        return NO_ADDRESS, {"status": NO_ADDRESS}
    if not getattr(config.mailer, "delivers", True):
        # Neither the recipient nor the text: only that a mail of this kind did not go out.
        log.info("mail %s (%s) not delivered: mail delivery is off (MAIL_URL is not set)", row.id, row.soort)
        return UNDELIVERED, {"status": UNDELIVERED, "fout": DELIVERY_OFF}
    subject, text = compose(row, config.site_url)
    try:
        config.mailer.send(Mail(row.email, subject, text, attachments))
        return SENT, {"status": SENT, "sent_at": clock.now(), "fout": None}
    except Exception as exc:  # noqa: BLE001 - one bad address or a hiccup must not stop the pass
        reason = failure_reason(exc)
        log.warning("mail %s (%s) not sent: %s", row.id, row.soort, reason)
        attempts = row.pogingen + 1
        if attempts >= MAX_ATTEMPTS:
            return FAILED, {"status": FAILED, "fout": reason}
        return "opnieuw", {"attempt_at": clock.now() + dt.timedelta(minutes=2 ** attempts), "fout": reason}


def mark(conn: Connection, row_id: int, values: dict) -> None:
    """Write how sending a row went (:func:`deliver`); a row done with for good loses its files."""
    conn.execute(update(mail_bericht).where(mail_bericht.c.id == row_id).values(**values))
    if values.get("status", WAITING) != WAITING:
        conn.execute(delete(mail_bijlage).where(mail_bijlage.c.mail_bericht_id == row_id))


def digest_slot(now: dt.datetime, hour: int) -> dt.datetime:
    """The most recent moment (UTC) the daily digest was due: today's ``hour`` o'clock in
    Amsterdam, or yesterday's if that is still to come."""
    local = now.astimezone(AMSTERDAM)
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > local:
        slot = (local - dt.timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return slot.astimezone(dt.UTC)


def queue_digests(conn: Connection, config: MailConfig, *, now: dt.datetime, postgres: bool = False) -> int:
    """Once per day: one digest row per person who has something in it; returns how many.

    The day's turn is taken by moving the ``mail_stand`` mark in the caller's transaction, the
    one that writes the digests, so of several clock processes only one writes them.
    """
    slot = digest_slot(now, config.digest_hour)
    stmt = select(mail_stand.c.tot).where(mail_stand.c.naam == _DIGEST_MARK)
    last = conn.execute(stmt.with_for_update() if postgres else stmt).scalar_one_or_none()
    if last is not None and _utc(last) >= slot:
        return 0
    if last is None:
        conn.execute(insert(mail_stand).values(naam=_DIGEST_MARK, tot=now))
    else:
        conn.execute(update(mail_stand).where(mail_stand.c.naam == _DIGEST_MARK).values(tot=now))
    texts = _personal_digests(conn)
    for user_id, text in _manager_digests(conn, now).items():
        texts[user_id] = text + ("\n\n" + texts[user_id] if user_id in texts else "")
    if texts:
        day = slot.astimezone(AMSTERDAM).date().isoformat()
        conn.execute(once(conn, _DIGEST_ROW), [
            {"soort": DIGEST, "user_id": user_id, "human_task_id": None, "stap": None, "link": "/",
             "tekst": text, "status": WAITING, "pogingen": 0, "created_at": now, "attempt_at": now,
             "sleutel": recipient_key(f"{DIGEST}:{day}", user_id)}
            for user_id, text in texts.items()
        ])
    return len(texts)


_DIGEST_ROW = keyed_insert(lambda make: make(mail_bericht))


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


_LABEL = {OPENED: "Nieuwe taak", ASSIGNED: "Aan u toegewezen", OVERDUE: "Deadline verstreken",
          FEEDBACK: "Uw melding is afgehandeld", HANDED_OVER: "Signaal overgedragen aan uw gemeente",
          MONITOR_REPORT: "Monitoringsrapport"}


def _personal_digests(conn: Connection) -> dict[int, str]:
    """Bundle the waiting rows of people who chose one mail a day; the rows become ``gebundeld``."""
    rows = conn.execute(
        select(mail_bericht.c.id, mail_bericht.c.user_id, mail_bericht.c.soort, mail_bericht.c.stap,
               mail_bericht.c.link)
        .join(mail_instelling, mail_instelling.c.user_id == mail_bericht.c.user_id)
        .where(mail_bericht.c.status == WAITING, mail_bericht.c.soort != DIGEST, mail_instelling.c.wijze == DAILY,
               mail_bericht.c.spoed.is_(False),  # an acute signal's rows are sent at once, not bundled
               ~_HAS_FILES)  # nor are rows with files (the digest is text)
        .order_by(mail_bericht.c.user_id, mail_bericht.c.id)
    ).all()
    lines: dict[int, list[str]] = {}
    for r in rows:
        lines.setdefault(r.user_id, []).append(f"- {_LABEL[r.soort]}: {r.stap} — {{site}}{r.link}")
    if rows:
        conn.execute(update(mail_bericht).where(mail_bericht.c.id.in_([r.id for r in rows])).values(status=BUNDLED))
    return {user_id: "Sinds het vorige overzicht:\n" + "\n".join(items) for user_id, items in lines.items()}


def _manager_digests(conn: Connection, now: dt.datetime) -> dict[int, str]:
    """Per manager with an address: late and nearly late tasks per step in their municipalities."""
    managers = conn.execute(
        select(user.c.id).distinct()
        .join(user_role, user_role.c.user_id == user.c.id)
        .join(mail_instelling, mail_instelling.c.user_id == user.c.id)
        .where(user_role.c.rol == "manager", user.c.actief, mail_instelling.c.email.is_not(None))
    ).scalars().all()
    texts = {}
    for user_id in managers:
        try:
            overview = board(conn, load_actor(conn, user_id), now, limit=1)
        except Forbidden:
            continue
        lines = [f"{ROLES['manager']}overzicht: {overview['te_laat']} taken over hun deadline, "
                 f"{overview['bijna']} binnen {overview['binnen_uren'] // 24} dagen; "
                 f"{overview['escalaties']['open']} geëscaleerde taken staan nog open."]
        for step in overview["per"]["stap"]:
            lines.append(f"- {step['naam']}: {step['te_laat']} te laat, {step['bijna']} bijna")
        lines.append("Bekijk het overzicht: {site}/overzicht")
        texts[user_id] = "\n".join(lines)
    return texts


# --- what did not reach anyone (the beheerder's page) ----------------------------------------

KINDS = {OPENED: "Nieuwe taak", ASSIGNED: "Taak toegewezen", OVERDUE: "Deadline verstreken",
         FEEDBACK: "Terugkoppeling aan melder", DIGEST: "Dagoverzicht", HANDED_OVER: "Signaal overgedragen",
         MONITOR_REPORT: "Monitoringsrapport"}
STATES = {UNDELIVERED: "Niet bezorgd (maildienst uit)", FAILED: "Mislukt, niet meer geprobeerd",
          WAITING: "Mislukt, wordt opnieuw geprobeerd"}
_NOT_DELIVERED = or_(mail_bericht.c.status.in_([UNDELIVERED, FAILED]),
                     and_(mail_bericht.c.status == WAITING, mail_bericht.c.fout.is_not(None)))


def undelivered(conn: Connection, actor, *, limit: int = 50, offset: int = 0) -> dict:
    """Outbox rows that reached no one, newest first, for a ``beheerder``: when, kind, status and
    reason — never the recipient or the text. Anyone else: NotFound."""
    if not may_administer(actor):
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    total = conn.execute(select(func.count()).select_from(mail_bericht).where(_NOT_DELIVERED)).scalar_one()
    rows = conn.execute(
        select(mail_bericht.c.id, mail_bericht.c.soort, mail_bericht.c.status, mail_bericht.c.fout,
               mail_bericht.c.pogingen, mail_bericht.c.created_at, mail_bericht.c.attempt_at)
        .where(_NOT_DELIVERED).order_by(mail_bericht.c.created_at.desc(), mail_bericht.c.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return {"totaal": total, "berichten": [
        {"id": r.id, "aangemaakt_op": isoformat(r.created_at), "soort": r.soort,
         "soort_tekst": KINDS.get(r.soort, r.soort), "status": r.status, "status_tekst": STATES.get(r.status, r.status),
         "reden": r.fout, "pogingen": r.pogingen,
         "volgende_poging": isoformat(r.attempt_at) if r.status == WAITING else None}
        for r in rows
    ]}
