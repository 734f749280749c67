"""Is it working? The database, the clocks' last passes, and the figures /metrics reads at scrape.

Each clock (one per worker process) records when it last completed a timer pass in
``klok_stand`` — one row per process (host and pid), written at most every
:data:`RECORD_EVERY` seconds, so a pass that fires nothing stays one indexed read. The
installation is unhealthy when the database does not answer, or when timers are due and
no clock has completed a pass within the window (``HEALTH_CLOCK_WINDOW``): then nothing
would fire them. No clock and nothing due is healthy: a web-only machine need not run one.

``mail`` says whether this process delivers mail (``bezorging``: ``aan`` with ``MAIL_URL``,
``uit`` without) and how many outbox rows reached no one. Delivery off does not make the
installation unhealthy: a load balancer must not take a development machine (``make start``,
no mail server) or a site that chose not to mail out of service for it; monitoring that
cares alerts on ``mail.bezorging == "uit"`` or on ``mislukt`` rising.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..clock import as_utc, isoformat
from ..domain.status import MailStatus, TaskStatus, TimerStatus
from ..store.schema import human_task, incident, klok_stand, mail_bericht, timer

RECORD_EVERY = 15.0  # seconds between a clock's klok_stand writes (the window must be well above it)
DEFAULT_WINDOW = dt.timedelta(seconds=120)
FORGET_AFTER = dt.timedelta(days=7)  # rows of clocks that stopped (a restarted process has a new pid)

# Due and ready to fire: waiting rows whose next attempt has passed (the clock's own index).
# A timer in back-off after a failure is not counted here: it is an open incident.
_DUE = select(func.count(), func.min(timer.c.due_at)).where(timer.c.status == TimerStatus.WAITING,
                                                            timer.c.attempt_at < bindparam("now"))
_OPEN_TASKS = select(human_task.c.bpmn_id, func.count()).where(human_task.c.status == TaskStatus.OPEN) \
    .group_by(human_task.c.bpmn_id)
_OPEN_INCIDENTS = select(func.count(func.distinct(func.coalesce(incident.c.timer_id, -incident.c.instance_id)))).where(
    incident.c.resolved_at.is_(None))
_LAST_PASS = select(func.max(klok_stand.c.laatste_pass))
# Outbox rows that reached no one: not delivered (delivery off) and failed for good (engine.mail.outbox).
_MAIL_NOT_DELIVERED = (MailStatus.UNDELIVERED, MailStatus.FAILED)
_MAIL_COUNTS = (select(mail_bericht.c.status, func.count()).where(mail_bericht.c.status.in_(_MAIL_NOT_DELIVERED))
                .group_by(mail_bericht.c.status))


def clock_name() -> str:
    """This process's name in ``klok_stand``: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record_pass(conn: Connection, naam: str, now: dt.datetime) -> None:
    """Record that the clock ``naam`` completed a pass at ``now`` (an upsert); forget clocks long gone."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(klok_stand).values(naam=naam, laatste_pass=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=[klok_stand.c.naam], set_={"laatste_pass": now}))
    conn.execute(delete(klok_stand).where(klok_stand.c.laatste_pass < now - FORGET_AFTER))


@dataclass(frozen=True)
class Health:
    """The answer of /health."""

    database: bool
    last_pass: dt.datetime | None = None
    timers_due: int = 0
    oldest_due: dt.datetime | None = None
    window: dt.timedelta = DEFAULT_WINDOW
    now: dt.datetime | None = None
    mail_delivery: bool | None = None  # None: not asked (no mail configuration in this process)
    mail_counts: dict[str, int] | None = None

    @property
    def clock_stalled(self) -> bool:
        """Timers are due and no clock completed a pass within the window."""
        if not self.database or self.timers_due == 0:
            return False
        return self.last_pass is None or self.now - self.last_pass > self.window

    @property
    def ok(self) -> bool:
        return self.database and not self.clock_stalled

    def reason(self) -> str | None:
        if not self.database:
            return "De database is niet bereikbaar."
        if self.clock_stalled:
            since = "nooit" if self.last_pass is None else f"{int((self.now - self.last_pass).total_seconds())} s geleden"
            return (f"{self.timers_due} timer(s) staan klaar, maar geen klok heeft binnen "
                    f"{int(self.window.total_seconds())} s een ronde gemaakt (laatste: {since}). "
                    "Draait 'signaalroute worker'?")
        return None

    def as_json(self) -> dict:
        body = {"status": "ok" if self.ok else "fout", "database": "ok" if self.database else "onbereikbaar"}
        if self.database:
            body["klok"] = {
                "laatste_ronde": isoformat(self.last_pass),
                "seconden_geleden": None if self.last_pass is None else round((self.now - self.last_pass).total_seconds()),
                "venster_s": int(self.window.total_seconds()),
                "status": "vastgelopen" if self.clock_stalled else "ok",
            }
            body["timers_klaar"] = self.timers_due
            body["oudste_klaar_sinds"] = isoformat(self.oldest_due)
            if self.mail_delivery is not None:
                body["mail"] = self.mail_json()
        if (reason := self.reason()) is not None:
            body["reden"] = reason
        return body


    def mail_json(self) -> dict:
        counts = self.mail_counts or {}
        body = {"bezorging": "aan" if self.mail_delivery else "uit",
                **{status: counts.get(status, 0) for status in _MAIL_NOT_DELIVERED}}
        if not self.mail_delivery:
            body["toelichting"] = ("MAIL_URL is niet ingesteld: er wordt geen mail bezorgd. Wat niet bezorgd is, "
                                   "staat onder Beheer > Mail.")
        return body


def check(conn: Connection, now: dt.datetime, window: dt.timedelta = DEFAULT_WINDOW, *,
          mail_delivery: bool | None = None) -> Health:
    """Read what /health needs (three indexed reads).

    :param mail_delivery: whether this process delivers mail (``MAIL_URL`` set); None leaves
        ``mail`` out of the answer.
    """
    due, oldest = conn.execute(_DUE, {"now": now}).one()
    counts = dict(conn.execute(_MAIL_COUNTS).all()) if mail_delivery is not None else None
    return Health(True, as_utc(conn.execute(_LAST_PASS).scalar()), due, as_utc(oldest), window, now,
                  mail_delivery, counts)


def gauges(conn: Connection, now: dt.datetime) -> dict:
    """The state /metrics reports as gauges, read at scrape (see :class:`engine.ops.metrics.DatabaseCollector`)."""
    due, oldest = conn.execute(_DUE, {"now": now}).one()
    last = as_utc(conn.execute(_LAST_PASS).scalar())
    return {
        "timers_due": due,
        "timers_due_oldest_s": max((now - as_utc(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0,
        "incidents_open": conn.execute(_OPEN_INCIDENTS).scalar_one(),
        "open_tasks": dict(conn.execute(_OPEN_TASKS).all()),
        "clock_last_pass_age_s": None if last is None else max((now - last).total_seconds(), 0.0),
    }
