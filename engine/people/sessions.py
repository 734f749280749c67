"""Browser sessions, kept server-side so that they can be ended.

The browser's cookie carries only a random session id; the ``user_session`` row (keyed by the
id's SHA-256 hash) decides whether the session is live. A session ends

* at sign-out (:func:`end_session`);
* after ``idle`` without a request, and at the latest ``lifetime`` after sign-in;
* when the user's password, roles or two-factor set-up change, or the account is switched
  off (:func:`end_sessions`, called by the commands that change them) — a copied cookie
  stops working at once, in every web process.

Resuming costs one indexed read per request; ``last_seen_at`` is written at most once per
:data:`TOUCH_EVERY` per session, so pages are not serialised on a write (idle time is
measured to within that step).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..store.schema import user, user_session

TOUCH_EVERY = dt.timedelta(minutes=1)
KEEP_ENDED = dt.timedelta(days=1)  # rows past their absolute expiry are deleted at a later sign-in

# Why a session no longer works (the sign-in page tells the user which).
IDLE, EXPIRED, ENDED = "inactief", "maximale_duur", "beeindigd"


@dataclass(frozen=True)
class LiveSession:
    """A session that works: its row, its user, and whether a second factor was verified in it."""

    id: int
    user_id: int
    tweede_factor: bool
    last_seen_at: dt.datetime


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


_RESUME = (
    select(user_session.c.id, user_session.c.user_id, user_session.c.tweede_factor, user_session.c.last_seen_at,
           user_session.c.expires_at, user_session.c.revoked_at, user.c.actief)
    .join(user, user.c.id == user_session.c.user_id)
    .where(user_session.c.id_hash == bindparam("id_hash"))
)


def start_session(conn: Connection, user_id: int, *, now: dt.datetime, lifetime: dt.timedelta,
                  tweede_factor: bool) -> str:
    """A new session for ``user_id``; returns its id (for the cookie; only its hash is stored)."""
    conn.execute(delete(user_session).where(user_session.c.expires_at < now - KEEP_ENDED))
    session_id = secrets.token_urlsafe(32)
    conn.execute(insert(user_session).values(id_hash=_hash(session_id), user_id=user_id, created_at=now,
                                             last_seen_at=now, expires_at=now + lifetime, tweede_factor=tweede_factor))
    return session_id


def resume(conn: Connection, session_id: str, *, now: dt.datetime, idle: dt.timedelta) -> LiveSession | str:
    """The live session ``session_id``, or why it does not work (:data:`IDLE`, :data:`EXPIRED`, :data:`ENDED`)."""
    row = conn.execute(_RESUME, {"id_hash": _hash(session_id)}).first()
    if row is None or row.revoked_at is not None or not row.actief:
        return ENDED
    if now >= _utc(row.expires_at):
        return EXPIRED
    if now - _utc(row.last_seen_at) > idle:
        return IDLE
    return LiveSession(row.id, row.user_id, bool(row.tweede_factor), _utc(row.last_seen_at))


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def session_user(conn: Connection, session_id: str) -> int | None:
    """Whose session ``session_id`` is (live or ended); ``None`` if there is no such session."""
    return conn.execute(select(user_session.c.user_id).where(user_session.c.id_hash == _hash(session_id))).scalar()


def touch(conn: Connection, session_row: int, *, now: dt.datetime) -> None:
    """Note a request in the session (idle time counts from here)."""
    conn.execute(update(user_session).where(user_session.c.id == session_row).values(last_seen_at=now))


def end_session(conn: Connection, session_id: str, *, now: dt.datetime, reden: str = "afgemeld") -> None:
    """End one session (sign-out, or a new one replaces it): it stops working, here and in every
    copy of its cookie. Audited with ``reden``."""
    row = conn.execute(
        update(user_session).where(user_session.c.id_hash == _hash(session_id), user_session.c.revoked_at.is_(None))
        .values(revoked_at=now).returning(user_session.c.user_id)
    ).first()
    if row is not None:
        batch = AuditBatch(at=now)
        batch.add("sessie_beeindigd", row.user_id, reden=reden)
        batch.write(conn)


def end_sessions(conn: Connection, user_id: int, *, now: dt.datetime, reden: str, door: int | None) -> int:
    """End every live session of ``user_id`` (audited with ``reden`` when there were any); how many.

    :param reden: why, a snake_case word (``wachtwoord_gewijzigd``, ``uitgeschakeld``, ``rollen_gewijzigd``).
    :param door: who caused it (``None``: the system or the command line).
    """
    ended = conn.execute(
        update(user_session)
        .where(user_session.c.user_id == user_id, user_session.c.revoked_at.is_(None),
               user_session.c.expires_at > now)
        .values(revoked_at=now)
    ).rowcount
    if ended:
        batch = AuditBatch(at=now)
        batch.add("sessies_beeindigd", door, gebruiker_id=user_id, reden=reden, aantal=ended)
        batch.write(conn)
    return ended


def set_second_factor(conn: Connection, session_id: str, tweede_factor: bool) -> None:
    """Record that a second factor was (or, switched off, is no longer) verified in the session."""
    conn.execute(update(user_session).where(user_session.c.id_hash == _hash(session_id))
                 .values(tweede_factor=tweede_factor))
