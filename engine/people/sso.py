"""Single sign-on: an identity confirmed by the organisation's OpenID Connect provider becomes a
signed-in user, with the roles its groups give (:mod:`engine.people.oidc_mapping`).

The rules (``docs/security.md``, *Single sign-on*):

* The link between an identity and an account is the provider's issuer and subject
  (``user_identity``), never an e-mail address or a user name. The first sign-in of an
  identity creates its account — only if one of its groups is in the mapping; without a
  mapped group nobody gets an account.
* At every sign-in the roles that came from the provider (``user_role.bron = 'oidc'``) are set
  to what the groups give now: a group removed at the provider removes its role here at the
  next sign-in. Roles a ``beheerder`` granted locally (``bron = 'lokaal'``) are never touched;
  a role granted both ways stays a local grant.
* A switched-off account cannot sign in through the provider either. An account that ends up
  with no role at all (no mapped group and no local grant) is refused.
* Two-factor sign-in: the provider's sign-in counts as two-factor only when the ID token says
  so, in its ``amr`` or ``acr`` claim (:class:`MfaPolicy`); otherwise the user gives our TOTP
  code as after a password (and enrols first when the role requires it and it is not set up).
* One sign-in is one transaction with its audit events: ``gebruiker_aangemaakt``,
  ``rollen_gewijzigd`` (``via: oidc``), ``aangemeld`` (``methode: oidc``, ``oidc+mfa``) or
  ``aanmelden_geweigerd`` (with the reason) — ids and role codes, never a name.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..store.schema import user, user_identity, user_role
from . import twofactor
from .oidc_mapping import MappedGrant, RoleMapping
from .regions import find_regio
from .user_grants import Grant, audit_codes
from .users import find_gemeente, free_username, load_actor

log = logging.getLogger(__name__)

OIDC, LOKAAL = "oidc", "lokaal"  # user_role.bron
GEEN_GROEP, UITGESCHAKELD = "geen_gekoppelde_groep", "uitgeschakeld"  # why a sign-in is refused
CODE, INSTELLEN = "code", "instellen"  # what the second factor still asks

# RFC 8176 authentication method references that are a second factor beside another method:
# something one has (a key, an app, a phone, a smart card) or is (biometrics). Not "pwd", "pin",
# "kba" (more knowledge), "wia", "rba", "geo", "user", "pop" (no factor of the person's own).
DEFAULT_MFA_AMR = ("mfa", "mca", "otp", "hwk", "swk", "sc", "sms", "tel", "fpt", "face", "iris", "retina", "vbm")
# Values that by themselves say several factors (or channels) were used (RFC 8176 section 2).
SEVERAL_FACTORS_AMR = frozenset({"mfa", "mca"})


@dataclass(frozen=True)
class MfaPolicy:
    """When the provider's sign-in counts as the second factor.

    :param amr: ``amr`` values that show a second factor. ``mfa`` and ``mca`` count on their own;
        any other counts only beside another method (``["pwd", "otp"]``: yes; ``["otp"]`` alone,
        a one-time code instead of a password, is still one factor).
    :param acr: ``acr`` values that show a second factor (provider-specific, e.g. a level of
        assurance); none by default.
    """

    amr: frozenset[str] = frozenset(DEFAULT_MFA_AMR)
    acr: frozenset[str] = frozenset()

    def shows_second_factor(self, identity: Identity) -> bool:
        if identity.acr is not None and identity.acr in self.acr:
            return True
        methods = set(identity.amr)
        return any(value in SEVERAL_FACTORS_AMR or len(methods - {value}) > 0
                   for value in methods & self.amr)


@dataclass(frozen=True)
class Identity:
    """What a validated ID token (and the userinfo) says about the person.

    :param issuer: ``iss``; with ``subject`` (``sub``) the one link to an account.
    :param gebruikersnaam: the wished user name for a new account (``preferred_username``).
    :param naam: the display name (``name``), kept up to date at every sign-in.
    :param groepen: the groups claim's values.
    :param amr: the ID token's authentication methods (``amr``, RFC 8176), e.g. ``("pwd", "otp")``.
    :param acr: the ID token's authentication context class (``acr``).
    """

    issuer: str
    subject: str
    gebruikersnaam: str | None
    naam: str | None
    groepen: tuple[str, ...]
    amr: tuple[str, ...] = ()
    acr: str | None = None


@dataclass(frozen=True)
class SignIn:
    """How a sign-in through the provider ended.

    :param user_id: the account (``None`` when refused without one).
    :param geweigerd: why it was refused (:data:`GEEN_GROEP`, :data:`UITGESCHAKELD`); ``None``: accepted.
    :param tweede_factor: ``None`` (signed in), :data:`CODE` (our TOTP code must follow) or
        :data:`INSTELLEN` (signed in, but two-factor sign-in must be set up first).
    :param provider_mfa: the provider's sign-in showed a second factor, which counts as ours.
    """

    user_id: int | None
    geweigerd: str | None = None
    nieuw: bool = False
    toegevoegd: tuple[str, ...] = ()
    verwijderd: tuple[str, ...] = ()
    tweede_factor: str | None = None
    provider_mfa: bool = False


def resolve(conn: Connection, grants: frozenset[MappedGrant]) -> set[Grant]:
    """The mapped grants as ``(rol, gemeente_id, regio_id)``; a municipality or region that does not
    exist (a mistake in the mapping) is left out with a warning in the log."""
    resolved: set[Grant] = set()
    for grant in sorted(grants):
        if grant.gemeente is not None:
            place = find_gemeente(conn, grant.gemeente)
            if place is None:
                log.warning("OIDC role mapping: municipality %r does not exist; role %s not granted", grant.gemeente,
                            grant.rol)
                continue
            resolved.add((grant.rol, place, None))
        elif grant.regio is not None:
            place = find_regio(conn, grant.regio)
            if place is None:
                log.warning("OIDC role mapping: region %r does not exist; role %s not granted", grant.regio, grant.rol)
                continue
            resolved.add((grant.rol, None, place))
        else:
            resolved.add((grant.rol, None, None))
    return resolved


def _grants_by_source(conn: Connection, user_id: int) -> dict[str, set[Grant]]:
    found: dict[str, set[Grant]] = {OIDC: set(), LOKAAL: set()}
    for r in conn.execute(select(user_role.c.rol, user_role.c.gemeente_id, user_role.c.regio_id, user_role.c.bron)
                          .where(user_role.c.user_id == user_id)):
        found.setdefault(r.bron, set()).add((r.rol, r.gemeente_id, r.regio_id))
    return found


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _set_oidc_grants(conn: Connection, user_id: int, wanted: set[Grant]) -> tuple[set[Grant], set[Grant]]:
    """Make the user's provider grants ``wanted`` (local grants untouched); the grants added and removed."""
    held = _grants_by_source(conn, user_id)
    local = set().union(*(grants for source, grants in held.items() if source != OIDC))
    added = wanted - held[OIDC] - local
    removed = held[OIDC] - wanted
    for rol, gemeente_id, regio_id in removed:
        conn.execute(delete(user_role).where(and_(
            user_role.c.user_id == user_id, user_role.c.bron == OIDC, user_role.c.rol == rol,
            _same(user_role.c.gemeente_id, gemeente_id), _same(user_role.c.regio_id, regio_id))))
    if added:
        conn.execute(insert(user_role), [{"user_id": user_id, "rol": rol, "gemeente_id": gemeente_id,
                                          "regio_id": regio_id, "bron": OIDC} for rol, gemeente_id, regio_id in added])
    return added, removed


def _create_account(conn: Connection, identity: Identity, *, now: dt.datetime) -> int:
    gebruikersnaam = free_username(conn, identity.gebruikersnaam, fallback=f"sso-{identity.subject[:40]}")
    naam = (identity.naam or "").strip()[:200] or gebruikersnaam
    user_id = conn.execute(insert(user).values(gebruikersnaam=gebruikersnaam, naam=naam, password_hash=None,
                                               actief=True, created_at=now)).inserted_primary_key[0]
    conn.execute(insert(user_identity).values(user_id=user_id, issuer=identity.issuer, subject=identity.subject,
                                              created_at=now, last_sign_in_at=now))
    return user_id


def sign_in(conn: Connection, identity: Identity, mapping: RoleMapping, *, now: dt.datetime,
            mfa: MfaPolicy = MfaPolicy()) -> SignIn:
    """Sign ``identity`` in: find or create its account, set its provider roles, decide the second factor.

    :param mfa: when the provider's sign-in counts as the second factor (then no TOTP code is asked).
    """
    if not identity.issuer or not identity.subject:
        raise ValueError("an identity needs an issuer and a subject")
    batch = AuditBatch(at=now)
    mapped, _groups = mapping.grants_for(identity.groepen)
    wanted = resolve(conn, mapped)
    found = conn.execute(select(user.c.id, user.c.naam, user.c.actief)
                         .join(user_identity, user_identity.c.user_id == user.c.id)
                         .where(user_identity.c.issuer == identity.issuer,
                                user_identity.c.subject == identity.subject)).first()
    if found is None:
        if not wanted:
            batch.add("aanmelden_geweigerd", None, methode=OIDC, reden=GEEN_GROEP)
            batch.write(conn)
            return SignIn(None, geweigerd=GEEN_GROEP)
        user_id = _create_account(conn, identity, now=now)
        added, removed = _set_oidc_grants(conn, user_id, wanted)
        result = SignIn(user_id, nieuw=True, toegevoegd=tuple(audit_codes(conn, added)))
        batch.add("gebruiker_aangemaakt", user_id, gebruiker_id=user_id, via=OIDC, rollen=list(result.toegevoegd))
    else:
        user_id = found.id
        if not found.actief:
            batch.add("aanmelden_geweigerd", user_id, methode=OIDC, reden=UITGESCHAKELD)
            batch.write(conn)
            return SignIn(user_id, geweigerd=UITGESCHAKELD)
        added, removed = _set_oidc_grants(conn, user_id, wanted)
        result = SignIn(user_id, toegevoegd=tuple(audit_codes(conn, added)), verwijderd=tuple(audit_codes(conn, removed)))
        if added or removed:
            batch.add("rollen_gewijzigd", user_id, gebruiker_id=user_id, via=OIDC, toegevoegd=list(result.toegevoegd),
                      verwijderd=list(result.verwijderd))
        naam = (identity.naam or "").strip()[:200]
        if naam and naam != found.naam:
            conn.execute(update(user).where(user.c.id == user_id).values(naam=naam))
        conn.execute(update(user_identity).where(user_identity.c.issuer == identity.issuer,
                                                 user_identity.c.subject == identity.subject)
                     .values(last_sign_in_at=now))
        if not any(_grants_by_source(conn, user_id).values()):
            batch.add("aanmelden_geweigerd", user_id, methode=OIDC, reden=GEEN_GROEP)
            batch.write(conn)
            return SignIn(user_id, geweigerd=GEEN_GROEP, verwijderd=result.verwijderd)
    provider_mfa = mfa.shows_second_factor(identity)
    second = _second_factor(conn, user_id, provider_mfa)
    if second != CODE:  # with a code to follow, the code step records the sign-in
        batch.add("aangemeld", user_id, methode=f"{OIDC}+mfa" if provider_mfa else OIDC)
    batch.write(conn)
    return SignIn(user_id, nieuw=result.nieuw, toegevoegd=result.toegevoegd, verwijderd=result.verwijderd,
                  tweede_factor=second, provider_mfa=provider_mfa)


def _second_factor(conn: Connection, user_id: int, provider_mfa: bool) -> str | None:
    if provider_mfa:
        return None
    if twofactor.status(conn, user_id).ingesteld:
        return CODE
    return INSTELLEN if twofactor.required_for(load_actor(conn, user_id)) else None
