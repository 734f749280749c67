"""Role grants as user administration sees them: a role in one municipality, in one region, or
installation-wide.

A grant is ``(rol, gemeente_id, regio_id)``, one ``user_role`` row: at most one of the two ids
is set; neither means installation-wide. Where a role may be granted is the access policy's
to say (:func:`engine.people.access.grant_scopes`); this module parses the role grid's values, checks
them against that policy, and describes grants for the screen and the audit log.
"""
from __future__ import annotations

from sqlalchemy import Connection, and_, delete, insert, select

from ..domain.roles import ROLES
from ..errors import FieldErrors
from ..store.schema import gemeente, regio, user_role
from .access import SCOPE_GEMEENTE, SCOPE_INSTALLATIE, SCOPE_REGIO, grant_scopes

Grant = tuple[str, int | None, int | None]  # (rol, gemeente_id, regio_id); both None: installation-wide

# Why a scope is refused, per scope (a field error on ``rollen``).
_NOT_IN_SCOPE = {
    SCOPE_REGIO: "de rol '{rol}' hoort bij een gemeente en kan niet per regio worden toegekend",
    SCOPE_INSTALLATIE: "de rol '{rol}' hoort bij een gemeente en kan niet voor de hele installatie worden toegekend",
}


# The scopes on screen.
SCOPE_NAMES = {SCOPE_GEMEENTE: "Gemeente", SCOPE_REGIO: "Regio", SCOPE_INSTALLATIE: "Hele installatie"}


def scope_of(grant: Grant) -> str:
    _, gemeente_id, regio_id = grant
    if gemeente_id is not None:
        return SCOPE_GEMEENTE
    return SCOPE_REGIO if regio_id is not None else SCOPE_INSTALLATIE


def grant_value(grant: Grant) -> str:
    """The role grid's value for ``grant``: ``rol:gemeente:ID``, ``rol:regio:ID`` or ``rol:installatie``."""
    rol, gemeente_id, regio_id = grant
    scope = scope_of(grant)
    if scope == SCOPE_INSTALLATIE:
        return f"{rol}:{SCOPE_INSTALLATIE}"
    return f"{rol}:{scope}:{gemeente_id if scope == SCOPE_GEMEENTE else regio_id}"


# --- reading ---------------------------------------------------------------------------------

def municipalities(conn: Connection) -> list[dict]:
    """Every municipality by name, with its region: the municipal columns of the role grid."""
    rows = conn.execute(select(gemeente.c.id, gemeente.c.naam, gemeente.c.regio_id, regio.c.naam.label("regio"))
                        .outerjoin(regio, regio.c.id == gemeente.c.regio_id).order_by(gemeente.c.naam))
    return [{"id": r.id, "naam": r.naam, "regio_id": r.regio_id, "regio": r.regio} for r in rows]


def regions(conn: Connection) -> list[dict]:
    """Every region by name with the names of its municipalities: the regional columns of the grid."""
    members: dict[int, list[str]] = {}
    for m in municipalities(conn):
        if m["regio_id"] is not None:
            members.setdefault(m["regio_id"], []).append(m["naam"])
    return [{"id": r.id, "naam": r.naam, "code": r.code, "gemeenten": members.get(r.id, [])}
            for r in conn.execute(select(regio.c.id, regio.c.naam, regio.c.code).order_by(regio.c.naam))]


def user_grants(conn: Connection, user_ids: list[int]) -> dict[int, set[Grant]]:
    """Each user's grants as stored."""
    grants: dict[int, set[Grant]] = {i: set() for i in user_ids}
    if user_ids:
        for r in conn.execute(select(user_role.c.user_id, user_role.c.rol, user_role.c.gemeente_id,
                                     user_role.c.regio_id).where(user_role.c.user_id.in_(user_ids))):
            grants[r.user_id].add((r.rol, r.gemeente_id, r.regio_id))
    return grants


def describe(grants, gemeenten: list[dict], regios: list[dict]) -> list[dict]:
    """Grants for the screen, by role then scope and place: the role's name, the scope, the place
    (``waar``: "Nijmegen", "regio Gelderland-Zuid", "hele installatie") and the municipalities it
    reaches (``toelichting``)."""
    gemeente_naam = {m["id"]: m["naam"] for m in gemeenten}
    regio_by_id = {r["id"]: r for r in regios}
    order = list(ROLES)
    scope_order = [SCOPE_INSTALLATIE, SCOPE_REGIO, SCOPE_GEMEENTE]
    view = []
    for grant in grants:
        rol, gemeente_id, regio_id = grant
        scope = scope_of(grant)
        if scope == SCOPE_GEMEENTE:
            plaats = gemeente_naam.get(gemeente_id, "?")
            waar, toelichting = plaats, plaats
        elif scope == SCOPE_REGIO:
            region = regio_by_id.get(regio_id, {"naam": "?", "gemeenten": []})
            plaats, waar = region["naam"], f"regio {region['naam']}"
            toelichting = ", ".join(region["gemeenten"]) or "nog geen gemeenten"
        else:
            plaats, waar, toelichting = None, "hele installatie", "alle gemeenten"
        view.append({"rol": rol, "rol_naam": ROLES.get(rol, rol), "scope": scope, "scope_naam": SCOPE_NAMES[scope],
                     "plaats": plaats, "waar": waar, "toelichting": toelichting, "waarde": grant_value(grant)})
    return sorted(view, key=lambda v: (order.index(v["rol"]) if v["rol"] in order else 99,
                                       scope_order.index(v["scope"]), v["waar"]))


def audit_codes(conn: Connection, grants) -> list[str]:
    """Grants for the audit log (codes, no names of people): ``rol@gemeentecode``,
    ``rol@regio:regiocode`` or ``rol@installatie``."""
    gemeente_codes = dict(conn.execute(select(gemeente.c.id, gemeente.c.code)).all())
    regio_codes = dict(conn.execute(select(regio.c.id, regio.c.code)).all())
    codes = []
    for grant in grants:
        rol, gemeente_id, regio_id = grant
        scope = scope_of(grant)
        if scope == SCOPE_GEMEENTE:
            codes.append(f"{rol}@{gemeente_codes.get(gemeente_id, gemeente_id)}")
        elif scope == SCOPE_REGIO:
            codes.append(f"{rol}@regio:{regio_codes.get(regio_id, regio_id)}")
        else:
            codes.append(f"{rol}@{SCOPE_INSTALLATIE}")
    return sorted(codes)


# --- validation ------------------------------------------------------------------------------

def parse_grants(values: list[str], gemeente_ids: set[int], regio_ids: set[int], *,
                 skip_unknown: bool = False) -> frozenset[Grant]:
    """Role grid values (see :func:`grant_value`) as grants; field errors on ``rollen``.

    Only the form is checked here: whether a role may be granted in a scope is
    :func:`check_scopes`' (a grant the user already holds may be kept).

    :param skip_unknown: leave out what does not parse (a place removed since the form was shown)
        instead of refusing it.
    """
    grants = set()
    for value in values:
        try:
            grants.add(_parse_grant(value, gemeente_ids, regio_ids))
        except FieldErrors:
            if not skip_unknown:
                raise
    return frozenset(grants)


def _parse_grant(value: str, gemeente_ids: set[int], regio_ids: set[int]) -> Grant:
    rol, _, where = value.partition(":")
    if rol not in ROLES:
        raise FieldErrors({"rollen": f"onbekende rol '{rol}'"})
    scope, _, number = where.partition(":")
    if scope == SCOPE_INSTALLATIE and not number:
        return rol, None, None
    if scope == SCOPE_GEMEENTE and number.isdigit() and int(number) in gemeente_ids:
        return rol, int(number), None
    if scope == SCOPE_REGIO and number.isdigit() and int(number) in regio_ids:
        return rol, None, int(number)
    if scope == SCOPE_REGIO:
        raise FieldErrors({"rollen": f"onbekende regio bij de rol '{ROLES[rol]}'"})
    raise FieldErrors({"rollen": f"onbekende gemeente bij de rol '{ROLES[rol]}'"})


def check_scopes(grants) -> None:
    """Refuse a grant in a scope its role cannot be granted in (:func:`engine.people.access.grant_scopes`)."""
    for grant in sorted(grants, key=lambda g: (g[0], g[1] or 0, g[2] or 0)):
        scope = scope_of(grant)
        if scope not in grant_scopes(grant[0]):
            raise FieldErrors({"rollen": _NOT_IN_SCOPE[scope].format(rol=ROLES[grant[0]])})


# --- writing ---------------------------------------------------------------------------------

def _matches(column, value):
    return column.is_(None) if value is None else column == value


def remove_grants(conn: Connection, user_id: int, grants) -> None:
    for rol, gemeente_id, regio_id in grants:
        conn.execute(delete(user_role).where(and_(
            user_role.c.user_id == user_id, user_role.c.rol == rol,
            _matches(user_role.c.gemeente_id, gemeente_id), _matches(user_role.c.regio_id, regio_id))))


def add_grants(conn: Connection, user_id: int, grants) -> None:
    if grants:
        conn.execute(insert(user_role), [{"user_id": user_id, "rol": rol, "gemeente_id": gemeente_id,
                                          "regio_id": regio_id} for rol, gemeente_id, regio_id in grants])
