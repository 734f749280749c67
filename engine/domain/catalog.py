"""The catalog: roles, case tables, chain-partner kinds and covenants, as data (issue #17).

The built-in values (:mod:`.roles`, :mod:`.tafels`, :mod:`.partner_kinds`, the covenants below) are
the seed: migration 0021 writes them into tables a beheerder extends in the browser or with the CLI.
Every module reads the catalog from the dicts and sets it always read (``ROLES``, ``TAFELS``,
``SOORTEN``, ...); :func:`apply` puts a database's rows into them *in place*, so no importer holds a
stale copy. :mod:`engine.store.catalog_rows` loads the rows and calls :func:`apply` when the
database's stamp changed. A built-in entry cannot be removed (code relies on its key); its name
can change.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from . import categories, labels, partner_kinds, roles, tafels

# The covenant a routed case is shared under, per route (the built-ins; ``signal.convenant``).
COVENANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "riec": ("RIEC-convenant", ("riec",)),
    "zvh": ("Convenant Zorg- en Veiligheidshuis", ("zorg_en_strafrecht", "zorgtraject", "zvh")),
}
# Route → covenant key: the access policy (engine.people.access.covenant_for_route) reads it.
ROUTE_COVENANT: dict[str, str] = {route: key for key, (_, routes) in COVENANTS.items() for route in routes}


@dataclass(frozen=True)
class RoleDef:
    sleutel: str
    naam: str
    regionaal: bool
    taakrol: bool
    ingebouwd: bool
    escalatie_rol: str | None


def _builtin_roles() -> list[RoleDef]:
    return [RoleDef(k, v, k in roles.REGIONAL_ROLES, k in roles.TASK_ROLES, True, roles.ESCALATION_ROLES.get(k))
            for k, v in roles.ROLES.items()]


BUILTIN_ROLES = tuple(_builtin_roles())
BUILTIN_TAFELS = tuple(tafels.TAFELS.values())
BUILTIN_SOORTEN = dict(partner_kinds.SOORTEN)
BUILTIN_COVENANTS = dict(COVENANTS)
BUILTIN_GRONDSLAGEN = dict(categories.GRONDSLAGEN)
_LOCK = threading.Lock()


def _replace(target: dict, values: dict) -> None:
    """Make ``target`` equal ``values`` without a moment in which it is empty."""
    target.update(values)
    for key in [k for k in target if k not in values]:
        del target[key]


def _replace_set(target: set, values: set) -> None:
    target |= values
    target &= values


def apply(role_rows: list[RoleDef], tafel_rows: list[tafels.Tafel], soort_rows: dict[str, str],
          covenant_rows: dict[str, tuple[str, tuple[str, ...]]]) -> None:
    """Put a database's catalog (over the built-ins) into the shared dicts and sets."""
    by_role = {r.sleutel: r for r in (*BUILTIN_ROLES, *role_rows)}
    with _LOCK:
        _replace(roles.ROLES, {k: r.naam for k, r in by_role.items()})
        _replace_set(roles.REGIONAL_ROLES, {k for k, r in by_role.items() if r.regionaal})
        _replace_set(roles.TASK_ROLES, {k for k, r in by_role.items() if r.taakrol})
        _replace(roles.ESCALATION_ROLES, {k: r.escalatie_rol for k, r in by_role.items() if r.escalatie_rol})
        _replace(tafels.TAFELS, {t.sleutel: t for t in (*BUILTIN_TAFELS, *tafel_rows)})
        _replace(labels.TABLES["tafel"], {key: tafel.naam for key, tafel in tafels.TAFELS.items()})
        _replace(partner_kinds.SOORTEN, {**BUILTIN_SOORTEN, **soort_rows})
        covenants = {**BUILTIN_COVENANTS, **covenant_rows}
        _replace(COVENANTS, covenants)
        _replace(ROUTE_COVENANT, {route: key for key, (_, routes) in covenants.items() for route in routes})
        _replace(categories.GRONDSLAGEN, {**BUILTIN_GRONDSLAGEN, **{k: naam for k, (naam, _) in covenants.items()}})


def reset() -> None:
    """Back to the built-ins (a database without catalog rows)."""
    apply([], [], {}, {})
