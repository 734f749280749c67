"""User administration for the ``beheerder``: list, create, switch off and on, roles per
municipality, per region or installation-wide (:mod:`engine.people.user_grants`), a new password,
and resetting two-factor sign-in.

Every change is one transaction that writes its audit event (:class:`~engine.audit.audit.AuditBatch`)
naming who changed whom and what; never a password or a name. A new password, a change of
roles, a two-factor reset and switching off end the user's browser sessions
(:func:`engine.people.sessions.end_sessions`); switching off revokes their API tokens as well. Guards keep the region
administrable: nobody switches themselves off or drops their own ``beheerder`` role, and
the last active ``beheerder`` stays.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, insert, select, update

from ..audit.audit import AuditBatch
from ..errors import FieldErrors, NotFound
from ..store.schema import user, user_role, user_totp
from . import twofactor
from .access import ADMIN_ROLE, may_administer
from .sessions import end_sessions
from .tokens import revoke_user_tokens
from .user_grants import (
    Grant,
    add_grants,
    audit_codes,
    check_scopes,
    describe,
    grant_value,
    municipalities,
    parse_grants,
    regions,
    remove_grants,
    user_grants,
)
from .users import Actor, set_password

__all__ = ["Grant", "NewUser", "may_administer", "parse_grants"]  # may_administer lives in engine.people.access

_USERNAME = re.compile(r"[A-Za-z0-9._@-]{2,100}")


def require_admin(actor: Actor) -> None:
    if not may_administer(actor):
        # Deny without telling what is behind the door.
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")


@dataclass(frozen=True)
class NewUser:
    """What the create form asks."""

    gebruikersnaam: str
    naam: str
    wachtwoord: str
    rollen: frozenset[Grant]


# --- reading ---------------------------------------------------------------------------------

def list_users(conn: Connection, *, rol: str | None = None, actief: bool | None = None,
               limit: int = 50, offset: int = 0) -> dict:
    """Users by name with their roles (per municipality, region or installation-wide) and
    two-factor state; ``rol`` and ``actief`` filter."""
    query = select(user.c.id, user.c.gebruikersnaam, user.c.naam, user.c.actief,
                   user_totp.c.confirmed_at).outerjoin(user_totp, user_totp.c.user_id == user.c.id)
    count = select(func.count()).select_from(user)
    conditions = []
    if rol is not None:
        conditions.append(user.c.id.in_(select(user_role.c.user_id).where(user_role.c.rol == rol)))
    if actief is not None:
        conditions.append(user.c.actief.is_(actief))
    if conditions:
        query, count = query.where(and_(*conditions)), count.where(and_(*conditions))
    rows = conn.execute(query.order_by(user.c.naam, user.c.id).limit(limit).offset(offset)).all()
    gemeenten, regios = municipalities(conn), regions(conn)
    grants = user_grants(conn, [r.id for r in rows])
    return {
        "totaal": conn.execute(count).scalar_one(),
        "gebruikers": [{"id": r.id, "gebruikersnaam": r.gebruikersnaam, "naam": r.naam, "actief": r.actief,
                        "tweestaps": r.confirmed_at is not None,
                        "rollen": describe(grants[r.id], gemeenten, regios)}
                       for r in rows],
    }


def user_detail(conn: Connection, user_id: int) -> dict:
    row = conn.execute(
        select(user.c.id, user.c.gebruikersnaam, user.c.naam, user.c.actief, user.c.created_at,
               user_totp.c.confirmed_at).outerjoin(user_totp, user_totp.c.user_id == user.c.id)
        .where(user.c.id == user_id)
    ).first()
    if row is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    grants = user_grants(conn, [user_id])[user_id]
    return {"id": row.id, "gebruikersnaam": row.gebruikersnaam, "naam": row.naam, "actief": row.actief,
            "aangemaakt_op": row.created_at, "tweestaps": row.confirmed_at is not None,
            "tweestaps_verplicht": bool({g[0] for g in grants} & twofactor.REQUIRED_ROLES),
            "rollen": describe(grants, municipalities(conn), regions(conn)),
            "toekenningen": {grant_value(g) for g in grants}}


def _active_admins(conn: Connection, excluding: int | None = None) -> int:
    query = (select(func.count(func.distinct(user.c.id))).select_from(user)
             .join(user_role, user_role.c.user_id == user.c.id)
             .where(user.c.actief.is_(True), user_role.c.rol == ADMIN_ROLE))
    if excluding is not None:
        query = query.where(user.c.id != excluding)
    return conn.execute(query).scalar_one()


def must_exist(conn: Connection, user_id: int) -> None:
    if conn.execute(select(user.c.id).where(user.c.id == user_id)).first() is None:
        raise NotFound("Deze gebruiker bestaat niet.")


# --- commands --------------------------------------------------------------------------------

def create_user(conn: Connection, actor: Actor, new: NewUser, *, now: dt.datetime) -> int:
    """Create an active user with a password and roles; returns the id."""
    require_admin(actor)
    errors = {}
    if not _USERNAME.fullmatch(new.gebruikersnaam):
        errors["gebruikersnaam"] = "2 tot 100 tekens: letters, cijfers en . _ @ -"
    elif conn.execute(select(user.c.id).where(func.lower(user.c.gebruikersnaam) == new.gebruikersnaam.lower())).first():
        errors["gebruikersnaam"] = "deze gebruikersnaam bestaat al"
    if not new.naam.strip():
        errors["naam"] = "is verplicht"
    elif len(new.naam) > 200:
        errors["naam"] = "mag hoogstens 200 tekens zijn"
    if len(new.wachtwoord) < 10:
        errors["wachtwoord"] = "moet minstens 10 tekens lang zijn"
    if not new.rollen:
        errors["rollen"] = "kies minstens één rol"
    else:
        try:
            check_scopes(new.rollen)
        except FieldErrors as exc:
            errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    user_id = conn.execute(insert(user).values(gebruikersnaam=new.gebruikersnaam, naam=new.naam.strip(),
                                               actief=True, created_at=now)).inserted_primary_key[0]
    set_password(conn, user_id, new.wachtwoord)
    add_grants(conn, user_id, new.rollen)
    batch = AuditBatch(at=now)
    batch.add("gebruiker_aangemaakt", actor.id, gebruiker_id=user_id, rollen=audit_codes(conn, new.rollen))
    batch.write(conn)
    return user_id


def set_roles(conn: Connection, actor: Actor, user_id: int, grants: frozenset[Grant], *,
              shown: frozenset[Grant] | None = None, now: dt.datetime) -> bool:
    """Change the user's roles to ``grants``; whether anything changed.

    :param grants: the grants chosen (the role grid's ticked boxes).
    :param shown: the grants the form showed as held when it was opened. Given, only the
        difference is applied — what was ticked is added, what was unticked removed — so a
        grant the form did not show (added meanwhile by someone else) is never dropped.
        ``None``: ``grants`` replaces every grant the user holds.
    """
    require_admin(actor)
    must_exist(conn, user_id)
    current = user_grants(conn, [user_id])[user_id]
    if shown is None:
        added, removed = set(grants) - current, current - set(grants)
    else:
        added, removed = (set(grants) - shown) - current, (shown - set(grants)) & current
    result = (current - removed) | added
    if not result:
        raise FieldErrors({"rollen": "kies minstens één rol; schakel de gebruiker uit om alle toegang te ontnemen"})
    check_scopes(added)  # a grant already held (from before the policy, or the CLI) may stay
    loses_admin = any(g[0] == ADMIN_ROLE for g in current) and not any(g[0] == ADMIN_ROLE for g in result)
    if loses_admin and user_id == actor.id:
        raise FieldErrors({"rollen": "u kunt uw eigen rol Beheerder niet weghalen"})
    if loses_admin and _active_admins(conn, excluding=user_id) == 0:
        raise FieldErrors({"rollen": "dit is de laatste actieve beheerder; geef eerst iemand anders de rol Beheerder"})
    if not added and not removed:
        return False
    remove_grants(conn, user_id, removed)
    add_grants(conn, user_id, added)
    batch = AuditBatch(at=now)
    batch.add("rollen_gewijzigd", actor.id, gebruiker_id=user_id, toegevoegd=audit_codes(conn, added),
              verwijderd=audit_codes(conn, removed))
    batch.write(conn)
    end_sessions(conn, user_id, now=now, reden="rollen_gewijzigd", door=actor.id)
    return True


def set_active(conn: Connection, actor: Actor, user_id: int, actief: bool, *, now: dt.datetime) -> bool:
    """Switch a user off (no sign-in, no API token works) or on again; whether it changed."""
    require_admin(actor)
    row = conn.execute(select(user.c.actief).where(user.c.id == user_id)).first()
    if row is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    if row.actief == actief:
        return False
    if not actief:
        if user_id == actor.id:
            raise FieldErrors({"actief": "u kunt uzelf niet uitschakelen"})
        is_admin = conn.execute(select(user_role.c.id).where(user_role.c.user_id == user_id,
                                                             user_role.c.rol == ADMIN_ROLE)).first()
        if is_admin and _active_admins(conn, excluding=user_id) == 0:
            raise FieldErrors({"actief": "dit is de laatste actieve beheerder"})
    conn.execute(update(user).where(user.c.id == user_id).values(actief=actief))
    batch = AuditBatch(at=now)
    batch.add("gebruiker_ingeschakeld" if actief else "gebruiker_uitgeschakeld", actor.id, gebruiker_id=user_id)
    batch.write(conn)
    if not actief:  # switched on again later, nothing of before works: they sign in anew, get new tokens
        end_sessions(conn, user_id, now=now, reden="uitgeschakeld", door=actor.id)
        revoke_user_tokens(conn, user_id, now=now, door=actor.id, reden="uitgeschakeld")
    return True


def reset_two_factor(conn: Connection, actor: Actor, user_id: int, *, now: dt.datetime) -> bool:
    """Remove the user's authenticator secret and recovery codes (lost phone): they set it up again
    at their next sign-in if their role requires it. Whether there was anything to reset."""
    require_admin(actor)
    must_exist(conn, user_id)
    removed = twofactor.remove(conn, user_id)
    if removed:
        batch = AuditBatch(at=now)
        batch.add("tweestaps_hersteld", actor.id, gebruiker_id=user_id)
        batch.write(conn)
        end_sessions(conn, user_id, now=now, reden="tweestaps_hersteld", door=actor.id)
    return removed


def set_new_password(conn: Connection, actor: Actor, user_id: int, wachtwoord: str, *, now: dt.datetime) -> None:
    """Give the user a new (temporary) password, to be handed over out of band."""
    require_admin(actor)
    must_exist(conn, user_id)
    set_password(conn, user_id, wachtwoord)
    batch = AuditBatch(at=now)
    batch.add("wachtwoord_ingesteld", actor.id, gebruiker_id=user_id)
    batch.write(conn)
    end_sessions(conn, user_id, now=now, reden="wachtwoord_gewijzigd", door=actor.id)
