"""User administration for the ``beheerder``: list, create, switch off and on, roles per
municipality, a new password, and resetting two-factor sign-in.

Every change is one transaction that writes its audit event (:class:`~engine.audit.AuditBatch`)
naming who changed whom and what; never a password or a name. Guards keep the region
administrable: nobody switches themselves off or drops their own ``beheerder`` role, and
the last active ``beheerder`` stays.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from . import twofactor
from .audit import AuditBatch
from .db import Database
from .errors import FieldErrors, NotFound
from .roles import REGIONAL_ROLES, ROLES
from .schema import gemeente, user, user_role, user_totp
from .users import Actor, set_password

ADMIN_ROLE = "beheerder"
REGIO = "regio"  # the form value for a role that holds across the region
# Roles that may be held region-wide (without a municipality).
REGION_WIDE_ROLES = REGIONAL_ROLES | {ADMIN_ROLE}
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{2,100}")

Grant = tuple[str, int | None]  # (rol, gemeente_id); None: the whole region


def may_administer(actor: Actor | None) -> bool:
    """Whether ``actor`` may use user administration (the ``beheerder`` role, anywhere)."""
    return actor is not None and ADMIN_ROLE in actor.role_keys()


def _require_admin(actor: Actor) -> None:
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

def municipalities(conn: Connection) -> list[dict]:
    """Every municipality, by name: the columns of the role grid."""
    return [{"id": r.id, "naam": r.naam}
            for r in conn.execute(select(gemeente.c.id, gemeente.c.naam).order_by(gemeente.c.naam))]


def _grants(conn: Connection, user_ids: list[int]) -> dict[int, list[Grant]]:
    grants: dict[int, list[Grant]] = {i: [] for i in user_ids}
    if not user_ids:
        return grants
    rows = conn.execute(select(user_role.c.user_id, user_role.c.rol, user_role.c.gemeente_id)
                        .where(user_role.c.user_id.in_(user_ids)))
    for r in rows:
        grants[r.user_id].append((r.rol, r.gemeente_id))
    return grants


def _grant_view(grants: list[Grant], names: dict[int, str]) -> list[dict]:
    order = list(ROLES)
    return [{"rol": rol, "rol_naam": ROLES.get(rol, rol), "gemeente_id": gid,
             "gemeente": names.get(gid, "?") if gid is not None else "Regio"}
            for rol, gid in sorted(grants, key=lambda g: (order.index(g[0]) if g[0] in order else 99,
                                                          names.get(g[1], "") if g[1] else ""))]


def list_users(conn: Connection, *, rol: str | None = None, actief: bool | None = None,
               limit: int = 50, offset: int = 0) -> dict:
    """Users by name with their roles and two-factor state; ``rol`` and ``actief`` filter."""
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
    names = {m["id"]: m["naam"] for m in municipalities(conn)}
    grants = _grants(conn, [r.id for r in rows])
    return {
        "totaal": conn.execute(count).scalar_one(),
        "gebruikers": [{"id": r.id, "gebruikersnaam": r.gebruikersnaam, "naam": r.naam, "actief": r.actief,
                        "tweestaps": r.confirmed_at is not None, "rollen": _grant_view(grants[r.id], names)}
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
    names = {m["id"]: m["naam"] for m in municipalities(conn)}
    grants = _grants(conn, [user_id])[user_id]
    return {"id": row.id, "gebruikersnaam": row.gebruikersnaam, "naam": row.naam, "actief": row.actief,
            "aangemaakt_op": row.created_at, "tweestaps": row.confirmed_at is not None,
            "tweestaps_verplicht": bool({r for r, _ in grants} & twofactor.REQUIRED_ROLES),
            "rollen": _grant_view(grants, names), "toekenningen": {f"{r}:{g or REGIO}" for r, g in grants}}


# --- validation ------------------------------------------------------------------------------

def parse_grants(values: list[str], gemeente_ids: set[int]) -> frozenset[Grant]:
    """Role grid values (``rol:gemeente_id`` or ``rol:regio``) as grants; field errors on ``rollen``."""
    grants = set()
    for value in values:
        rol, _, where = value.partition(":")
        if rol not in ROLES:
            raise FieldErrors({"rollen": f"onbekende rol '{rol}'"})
        if where == REGIO:
            if rol not in REGION_WIDE_ROLES:
                raise FieldErrors({"rollen": f"de rol '{ROLES[rol]}' hoort bij een gemeente, niet bij de hele regio"})
            grants.add((rol, None))
            continue
        if not where.isdigit() or int(where) not in gemeente_ids:
            raise FieldErrors({"rollen": f"onbekende gemeente bij de rol '{ROLES[rol]}'"})
        grants.add((rol, int(where)))
    if not grants:
        raise FieldErrors({"rollen": "kies minstens één rol"})
    return frozenset(grants)


def _grant_codes(conn: Connection, grants) -> list[str]:
    """Grants as ``rol@gemeentecode`` for the audit log (no names of people)."""
    codes = dict(conn.execute(select(gemeente.c.id, gemeente.c.code)).all())
    return sorted(f"{rol}@{codes.get(gid, gid) if gid is not None else REGIO}" for rol, gid in grants)


def _active_admins(conn: Connection, excluding: int | None = None) -> int:
    query = (select(func.count(func.distinct(user.c.id))).select_from(user)
             .join(user_role, user_role.c.user_id == user.c.id)
             .where(user.c.actief.is_(True), user_role.c.rol == ADMIN_ROLE))
    if excluding is not None:
        query = query.where(user.c.id != excluding)
    return conn.execute(query).scalar_one()


def _exists(conn: Connection, user_id: int) -> None:
    if conn.execute(select(user.c.id).where(user.c.id == user_id)).first() is None:
        raise NotFound("Deze gebruiker bestaat niet.")


# --- commands --------------------------------------------------------------------------------

def create_user(conn: Connection, actor: Actor, new: NewUser, *, now: dt.datetime) -> int:
    """Create an active user with a password and roles; returns the id."""
    _require_admin(actor)
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
    if errors:
        raise FieldErrors(errors)
    user_id = conn.execute(insert(user).values(gebruikersnaam=new.gebruikersnaam, naam=new.naam.strip(),
                                               actief=True, created_at=now)).inserted_primary_key[0]
    set_password(conn, user_id, new.wachtwoord)
    conn.execute(insert(user_role), [{"user_id": user_id, "rol": r, "gemeente_id": g} for r, g in new.rollen])
    batch = AuditBatch(at=now)
    batch.add("gebruiker_aangemaakt", actor.id, gebruiker_id=user_id, rollen=_grant_codes(conn, new.rollen))
    batch.write(conn)
    return user_id


def set_roles(conn: Connection, actor: Actor, user_id: int, grants: frozenset[Grant], *, now: dt.datetime) -> bool:
    """Replace the user's roles with ``grants``; whether anything changed."""
    _require_admin(actor)
    _exists(conn, user_id)
    if not grants:
        raise FieldErrors({"rollen": "kies minstens één rol; schakel de gebruiker uit om alle toegang te ontnemen"})
    current = set(_grants(conn, [user_id])[user_id])
    loses_admin = any(r == ADMIN_ROLE for r, _ in current) and not any(r == ADMIN_ROLE for r, _ in grants)
    if loses_admin and user_id == actor.id:
        raise FieldErrors({"rollen": "u kunt uw eigen rol Beheerder niet weghalen"})
    if loses_admin and _active_admins(conn, excluding=user_id) == 0:
        raise FieldErrors({"rollen": "dit is de laatste actieve beheerder; geef eerst iemand anders de rol Beheerder"})
    added, removed = set(grants) - current, current - set(grants)
    if not added and not removed:
        return False
    for rol, gid in removed:
        gemeente_match = user_role.c.gemeente_id.is_(None) if gid is None else user_role.c.gemeente_id == gid
        conn.execute(delete(user_role).where(user_role.c.user_id == user_id, user_role.c.rol == rol, gemeente_match))
    if added:
        conn.execute(insert(user_role), [{"user_id": user_id, "rol": r, "gemeente_id": g} for r, g in added])
    batch = AuditBatch(at=now)
    batch.add("rollen_gewijzigd", actor.id, gebruiker_id=user_id, toegevoegd=_grant_codes(conn, added),
              verwijderd=_grant_codes(conn, removed))
    batch.write(conn)
    return True


def set_active(conn: Connection, actor: Actor, user_id: int, actief: bool, *, now: dt.datetime) -> bool:
    """Switch a user off (no sign-in, no API token works) or on again; whether it changed."""
    _require_admin(actor)
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
    return True


def reset_two_factor(conn: Connection, actor: Actor, user_id: int, *, now: dt.datetime) -> bool:
    """Remove the user's authenticator secret and recovery codes (lost phone): they set it up again
    at their next sign-in if their role requires it. Whether there was anything to reset."""
    _require_admin(actor)
    _exists(conn, user_id)
    removed = twofactor.remove(conn, user_id)
    if removed:
        batch = AuditBatch(at=now)
        batch.add("tweestaps_hersteld", actor.id, gebruiker_id=user_id)
        batch.write(conn)
    return removed


def set_new_password(conn: Connection, actor: Actor, user_id: int, wachtwoord: str, *, now: dt.datetime) -> None:
    """Give the user a new (temporary) password, to be handed over out of band."""
    _require_admin(actor)
    _exists(conn, user_id)
    set_password(conn, user_id, wachtwoord)
    batch = AuditBatch(at=now)
    batch.add("wachtwoord_ingesteld", actor.id, gebruiker_id=user_id)
    batch.write(conn)


# --- the front door: one transaction per call ------------------------------------------------

class UserAdmin:
    """User administration commands and queries for a ``beheerder``, each in its own transaction.

    :param db: the database.
    :param clock: where ``now`` comes from.
    """

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def users(self, actor: Actor, **filters) -> dict:
        _require_admin(actor)
        with self.db.read() as conn:
            return list_users(conn, **filters)

    def user(self, actor: Actor, user_id: int) -> dict:
        _require_admin(actor)
        with self.db.read() as conn:
            return user_detail(conn, user_id)

    def municipalities(self, actor: Actor) -> list[dict]:
        _require_admin(actor)
        with self.db.read() as conn:
            return municipalities(conn)

    def grants_from_form(self, values: list[str]) -> frozenset[Grant]:
        with self.db.read() as conn:
            return parse_grants(values, {m["id"] for m in municipalities(conn)})

    def create(self, actor: Actor, new: NewUser) -> int:
        with self.db.write() as conn:
            return create_user(conn, actor, new, now=self.clock.now())

    def set_roles(self, actor: Actor, user_id: int, grants: frozenset[Grant]) -> bool:
        with self.db.write() as conn:
            return set_roles(conn, actor, user_id, grants, now=self.clock.now())

    def set_active(self, actor: Actor, user_id: int, actief: bool) -> bool:
        with self.db.write() as conn:
            return set_active(conn, actor, user_id, actief, now=self.clock.now())

    def reset_two_factor(self, actor: Actor, user_id: int) -> bool:
        with self.db.write() as conn:
            return reset_two_factor(conn, actor, user_id, now=self.clock.now())

    def set_password(self, actor: Actor, user_id: int, wachtwoord: str) -> None:
        with self.db.write() as conn:
            set_new_password(conn, actor, user_id, wachtwoord, now=self.clock.now())
