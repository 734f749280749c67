"""API tokens: issue, list and revoke them, each change audited.

A token is stored as its SHA-256 hash (:func:`engine.people.users.create_token`) and works until it
expires or is revoked, and only while its owner is active. Its scope: a token made in a
session with a verified second factor may do all its owner's roles allow; one made without
(on the command line, by ``init --demo``, or before two-factor sign-in) may not do what the
``beheerder`` and ``procesbeheerder`` roles add (:func:`engine.people.access.second_factor_missing`).

The owner issues and revokes their own tokens (the account page); the ``beheerder`` sees every
user's tokens and revokes them (user administration); the operator uses ``signaalroute token``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, update

from ..audit.audit import AuditBatch
from ..errors import NotFound
from ..store.schema import api_token, user
from .users import TOKEN_DAYS, create_token, token_hash

TOUCH_EVERY = dt.timedelta(minutes=1)  # ``last_used_at`` is written at most this often per token

# A token's state, as the pages show it.
ACTIEF, VERLOPEN, INGETROKKEN = "actief", "verlopen", "ingetrokken"


def issue_token(conn: Connection, user_id: int, *, now: dt.datetime, door: int | None, days: int = TOKEN_DAYS,
                tweede_factor: bool = False, naam: str | None = None, via: str) -> str:
    """A new token for ``user_id`` (shown once: only its hash is kept), audited.

    :param door: who made it (``None``: the command line).
    :param via: where (``account``, ``commandoregel``, ``demo``).
    """
    token = create_token(conn, user_id, now=now, days=days, tweede_factor=tweede_factor, naam=naam)
    token_id = conn.execute(select(api_token.c.id).where(api_token.c.token_hash == token_hash(token))).scalar_one()
    batch = AuditBatch(at=now)
    batch.add("api_token_aangemaakt", door, gebruiker_id=user_id, token_id=token_id, dagen=days,
              tweede_factor=tweede_factor, via=via)
    batch.write(conn)
    return token


def _state(row, now: dt.datetime) -> str:
    if row.revoked_at is not None:
        return INGETROKKEN
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    return VERLOPEN if expires <= now else ACTIEF


def list_tokens(conn: Connection, *, now: dt.datetime, user_id: int | None = None) -> list[dict]:
    """Tokens, newest first (of ``user_id``, else of everybody), with their state; never the token itself."""
    query = (select(api_token.c.id, api_token.c.user_id, user.c.gebruikersnaam, api_token.c.naam,
                    api_token.c.created_at, api_token.c.expires_at, api_token.c.last_used_at, api_token.c.revoked_at,
                    api_token.c.tweede_factor)
             .join(user, user.c.id == api_token.c.user_id).order_by(api_token.c.id.desc()))
    if user_id is not None:
        query = query.where(api_token.c.user_id == user_id)
    return [{"id": r.id, "user_id": r.user_id, "gebruikersnaam": r.gebruikersnaam, "naam": r.naam,
             "aangemaakt_op": r.created_at, "verloopt_op": r.expires_at, "laatst_gebruikt_op": r.last_used_at,
             "ingetrokken_op": r.revoked_at, "tweede_factor": bool(r.tweede_factor), "status": _state(r, now)}
            for r in conn.execute(query)]


def revoke_token(conn: Connection, token_id: int, *, now: dt.datetime, door: int | None,
                 owner: int | None = None) -> bool:
    """Revoke one token (of ``owner`` only, when given); whether it was live. Audited.

    :raises NotFound: no such token (of ``owner``).
    """
    query = select(api_token.c.user_id, api_token.c.revoked_at).where(api_token.c.id == token_id)
    if owner is not None:
        query = query.where(api_token.c.user_id == owner)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound("Dit API-token bestaat niet.")
    if row.revoked_at is not None:
        return False
    conn.execute(update(api_token).where(api_token.c.id == token_id).values(revoked_at=now))
    batch = AuditBatch(at=now)
    batch.add("api_token_ingetrokken", door, gebruiker_id=row.user_id, token_id=token_id)
    batch.write(conn)
    return True


def revoke_user_tokens(conn: Connection, user_id: int, *, now: dt.datetime, door: int | None, reden: str) -> int:
    """Revoke every live token of ``user_id`` (audited when there were any); how many."""
    ids = list(conn.execute(select(api_token.c.id).where(api_token.c.user_id == user_id,
                                                         api_token.c.revoked_at.is_(None),
                                                         api_token.c.expires_at > now)).scalars())
    if not ids:
        return 0
    conn.execute(update(api_token).where(api_token.c.id.in_(ids)).values(revoked_at=now))
    batch = AuditBatch(at=now)
    batch.add("api_tokens_ingetrokken", door, gebruiker_id=user_id, token_ids=ids, reden=reden)
    batch.write(conn)
    return len(ids)


def touch_token(conn: Connection, token_id: int, *, now: dt.datetime) -> None:
    """Note a token's use (the signin desk does this at most once per :data:`TOUCH_EVERY`)."""
    conn.execute(update(api_token).where(api_token.c.id == token_id).values(last_used_at=now))
