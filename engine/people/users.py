"""Users, their roles per municipality, and API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, func, insert, select, update

from ..domain.roles import REGIONAL_ROLES, ROLES
from ..errors import FieldErrors, NotFound
from ..store import catalog_rows
from ..store.schema import api_token, gemeente, user, user_role
from .regions import ensure_regio, expand_grants

_HASHER = PasswordHasher()
TOKEN_PREFIX = "sr_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class Actor:
    """A signed-in user as the engine sees them: who, and which role where.

    ``roles`` holds ``(rol, gemeente_id)`` pairs; ``gemeente_id`` ``None`` means the
    role holds across the installation. A role granted per region is held as one pair
    per municipality of the region (:func:`engine.people.regions.expand_grants`).

    ``tweede_factor`` says whether the credential the user acts on — a browser session, an
    API token — was made with a verified second factor; :func:`engine.people.access.second_factor_missing`
    keeps what the ``beheerder`` and ``procesbeheerder`` roles add from credentials without one.
    """

    id: int
    gebruikersnaam: str
    naam: str
    roles: frozenset[tuple[str, int | None]]
    tweede_factor: bool = False

    def has_role(self, rol: str, gemeente_id: int | None = None) -> bool:
        """Whether the user has ``rol`` in ``gemeente_id`` (or regionally); any municipality if ``None``."""
        if gemeente_id is None:
            return any(r == rol for r, _ in self.roles)
        return (rol, gemeente_id) in self.roles or (rol, None) in self.roles

    def gemeenten(self) -> set[int]:
        """The municipalities the user is a member of: where they hold a municipal role
        (a regional role reaches cases there, but is no membership)."""
        return {g for r, g in self.roles if g is not None and r not in REGIONAL_ROLES}

    def role_keys(self) -> set[str]:
        return {r for r, _ in self.roles}

    def only_reports(self) -> bool:
        """Whether the user is only a reporter (no task list of their own)."""
        return self.role_keys() <= {"melder"}


def ensure_gemeente(conn: Connection, naam: str) -> int:
    """The id of the municipality called ``naam`` (or with that code); created if new."""
    naam = naam.strip()
    if not naam:
        raise FieldErrors({"gemeente": "is verplicht"})
    code = gemeente_code(naam)
    row = conn.execute(select(gemeente.c.id).where(gemeente.c.code == code)).first()
    if row:
        return row.id
    return conn.execute(insert(gemeente).values(code=code, naam=naam)).inserted_primary_key[0]


def gemeente_code(naam: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", naam.strip().lower()).strip("-")


_GEMEENTE_BY_CODE = select(gemeente.c.id).where(gemeente.c.code == bindparam("code"))


def find_gemeente(conn: Connection, naam_of_code: str) -> int | None:
    row = conn.execute(_GEMEENTE_BY_CODE, {"code": gemeente_code(naam_of_code)}).first()
    return row.id if row else None


def add_user(conn: Connection, gebruikersnaam: str, *, now: dt.datetime, naam: str | None = None,
             roles: list[str], gemeente_naam: str | None, password: str | None = None,
             regio_naam: str | None = None) -> int:
    """Create the user (or add roles to an existing one) and return the id.

    Municipal roles need a municipality. Regional roles hold in the municipality given,
    else in every municipality of the region ``regio_naam``, else installation-wide.
    """
    if not re.fullmatch(r"[A-Za-z0-9._@-]{2,100}", gebruikersnaam or ""):
        raise FieldErrors({"gebruikersnaam": "2 tot 100 tekens: letters, cijfers en . _ @ -"})
    catalog_rows.refresh(conn)  # a role a beheerder added (engine.people.catalog_admin) is a role here too
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise FieldErrors({"rol": f"onbekende rol '{unknown[0]}' (bekend: {', '.join(ROLES)})"})
    if not roles:
        raise FieldErrors({"rol": "geef minstens één rol"})
    gemeente_id = ensure_gemeente(conn, gemeente_naam) if gemeente_naam else None
    regio_id = None
    if regio_naam:
        if gemeente_id is not None:
            raise FieldErrors({"regio": "geef een gemeente of een regio, niet allebei"})
        if any(rol not in REGIONAL_ROLES for rol in roles):
            raise FieldErrors({"regio": "alleen regionale rollen (zorgcoordinator, zvh, riec) gelden per regio"})
        regio_id = ensure_regio(conn, regio_naam)
    for rol in roles:
        if gemeente_id is None and rol not in REGIONAL_ROLES and rol != "beheerder":
            raise FieldErrors({"gemeente": f"de rol '{rol}' hoort bij een gemeente: geef --gemeente"})
    row = conn.execute(select(user.c.id).where(user.c.gebruikersnaam == gebruikersnaam)).first()
    if row:
        user_id = row.id
        if password:
            set_password(conn, user_id, password)
    else:
        user_id = conn.execute(
            insert(user).values(
                gebruikersnaam=gebruikersnaam,
                naam=naam or gebruikersnaam,
                password_hash=_HASHER.hash(password) if password else None,
                actief=True,
                created_at=now,
            )
        ).inserted_primary_key[0]
    existing = {(r.rol, r.gemeente_id, r.regio_id) for r in conn.execute(
        select(user_role.c.rol, user_role.c.gemeente_id, user_role.c.regio_id).where(user_role.c.user_id == user_id))}
    for rol in roles:
        if (rol, gemeente_id, regio_id) not in existing:
            conn.execute(insert(user_role).values(user_id=user_id, rol=rol, gemeente_id=gemeente_id, regio_id=regio_id))
    return user_id


def set_password(conn: Connection, user_id: int, password: str) -> None:
    if len(password) < 10:
        raise FieldErrors({"wachtwoord": "moet minstens 10 tekens lang zijn"})
    conn.execute(update(user).where(user.c.id == user_id).values(password_hash=_HASHER.hash(password)))


def verify_password(conn: Connection, gebruikersnaam: str, password: str) -> int | None:
    """The user's id if the password is right, else ``None`` (same answer for unknown users)."""
    row = conn.execute(
        select(user.c.id, user.c.password_hash).where(user.c.gebruikersnaam == gebruikersnaam, user.c.actief)
    ).first()
    if row is None or not row.password_hash:
        _HASHER.hash(password)  # same cost either way: do not reveal which users exist
        return None
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return row.id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_DAYS = 90  # how long a new API token works unless its maker chooses otherwise
MAX_TOKEN_DAYS = 366


def create_token(conn: Connection, user_id: int, *, now: dt.datetime, days: int = TOKEN_DAYS,
                 tweede_factor: bool = False, naam: str | None = None) -> str:
    """A new API bearer token for the user; only its hash is stored. Writes no audit event:
    :func:`engine.people.tokens.issue_token` is the command that does.

    :param days: how long it works (1 to :data:`MAX_TOKEN_DAYS`).
    :param tweede_factor: made in a session with a verified second factor (its scope includes
        what the owner's role needs a second factor for, :func:`engine.people.access.second_factor_missing`).
    :param naam: a label for its owner and the beheerder ("CI-deploy").
    """
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise FieldErrors({"dagen": f"moet tussen 1 en {MAX_TOKEN_DAYS} liggen"})
    if naam is not None and len(naam) > 100:
        raise FieldErrors({"naam": "mag hoogstens 100 tekens zijn"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(api_token).values(user_id=user_id, token_hash=token_hash(token), created_at=now,
                                          expires_at=now + dt.timedelta(days=days), tweede_factor=tweede_factor,
                                          naam=(naam or "").strip() or None))
    return token


_ACTOR_FOR_TOKEN = (
    select(user.c.id, user.c.gebruikersnaam, user.c.naam, api_token.c.id.label("token_id"),
           api_token.c.tweede_factor, api_token.c.last_used_at, user_role.c.rol, user_role.c.gemeente_id,
           user_role.c.regio_id)
    .select_from(api_token)
    .join(user, user.c.id == api_token.c.user_id)
    .outerjoin(user_role, user_role.c.user_id == user.c.id)
    .where(api_token.c.token_hash == bindparam("token_hash"), api_token.c.revoked_at.is_(None),
           api_token.c.expires_at > bindparam("now"), user.c.actief)
)


@dataclass(frozen=True)
class TokenHolder:
    """Who holds a live API token, and the token's row (for noting its use)."""

    actor: Actor
    token_id: int
    last_used_at: dt.datetime | None


def token_holder(conn: Connection, token: str, *, now: dt.datetime) -> TokenHolder | None:
    """The active user holding ``token`` (live: not revoked, not expired), with their roles and
    the token's second-factor scope, in one query; ``None`` otherwise."""
    rows = conn.execute(_ACTOR_FOR_TOKEN, {"token_hash": token_hash(token), "now": now}).all()
    if not rows:
        return None
    first = rows[0]
    roles = expand_grants(conn, ((r.rol, r.gemeente_id, r.regio_id) for r in rows if r.rol is not None))
    actor = Actor(first.id, first.gebruikersnaam, first.naam, roles, bool(first.tweede_factor))
    return TokenHolder(actor, first.token_id, first.last_used_at)


def actor_for_token(conn: Connection, token: str, *, now: dt.datetime) -> Actor | None:
    """The active user holding the live ``token`` (:func:`token_holder`); ``None`` if unknown,
    revoked or expired."""
    holder = token_holder(conn, token, now=now)
    return holder.actor if holder else None


def load_actor(conn: Connection, user_id: int, *, tweede_factor: bool = True) -> Actor:
    """The active user ``user_id`` with their roles.

    :param tweede_factor: what the credential proved. The default serves the system's own view
        of a user (the command line, the clock, tests); a browser session passes what its row records.
    :raises NotFound: no such user, or switched off.
    """
    row = conn.execute(
        select(user.c.id, user.c.gebruikersnaam, user.c.naam).where(user.c.id == user_id, user.c.actief)
    ).first()
    if row is None:
        raise NotFound("gebruiker bestaat niet of is uitgeschakeld")
    roles = expand_grants(conn, conn.execute(
        select(user_role.c.rol, user_role.c.gemeente_id, user_role.c.regio_id).where(user_role.c.user_id == user_id)))
    return Actor(row.id, row.gebruikersnaam, row.naam, roles, tweede_factor)


def user_names(conn: Connection, ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {r.id: r.naam for r in conn.execute(select(user.c.id, user.c.naam).where(user.c.id.in_(ids)))}


_USERNAME_CHARS = re.compile(r"[^A-Za-z0-9._@-]+")


def free_username(conn: Connection, wish: str | None, fallback: str) -> str:
    """A user name nobody has yet (compared without case), as close to ``wish`` as allowed:
    characters outside ``A-Za-z0-9._@-`` become ``-``; a name in use gets ``-2``, ``-3``, ….

    :param fallback: used when ``wish`` leaves fewer than two characters.
    """
    base = _USERNAME_CHARS.sub("-", (wish or "").strip()).strip("-")[:90]
    if len(base) < 2:
        base = _USERNAME_CHARS.sub("-", fallback).strip("-")[:90]
    taken = {name.lower() for name in conn.execute(
        select(user.c.gebruikersnaam).where(func.lower(user.c.gebruikersnaam).like(base.lower() + "%"))).scalars()}
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
