"""Regions: a municipality belongs to a region; regional roles are granted per region.

A ``user_role`` row holds in one municipality (``gemeente_id``), in every municipality of
one region (``regio_id``), or — neither set — across the whole installation (a
single-region installation, and the ``beheerder``). :func:`expand_grants` turns the rows
into the ``(rol, gemeente_id)`` pairs an :class:`~engine.people.users.Actor` carries, so that the
access policy needs one rule only (``Actor.has_role``).
"""
from __future__ import annotations

import re

from sqlalchemy import Connection, bindparam, insert, select, update

from ..errors import FieldErrors
from ..store.schema import gemeente, regio

_REGIO_BY_CODE = select(regio.c.id).where(regio.c.code == bindparam("code"))
_GEMEENTEN_OF = select(gemeente.c.regio_id, gemeente.c.id).where(gemeente.c.regio_id.in_(bindparam("ids", expanding=True)))


def regio_code(naam: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", naam.strip().lower()).strip("-")


def find_regio(conn: Connection, naam_of_code: str) -> int | None:
    row = conn.execute(_REGIO_BY_CODE, {"code": regio_code(naam_of_code)}).first()
    return row.id if row else None


def ensure_regio(conn: Connection, naam: str) -> int:
    """The id of the region called ``naam`` (or with that code); created if new."""
    naam = (naam or "").strip()
    if not regio_code(naam):
        raise FieldErrors({"regio": "is verplicht"})
    found = find_regio(conn, naam)
    if found is not None:
        return found
    return conn.execute(insert(regio).values(code=regio_code(naam), naam=naam)).inserted_primary_key[0]


def assign_gemeente(conn: Connection, regio_id: int, gemeente_id: int) -> None:
    """Put a municipality in a region (a municipality is in one region at a time)."""
    conn.execute(update(gemeente).where(gemeente.c.id == gemeente_id).values(regio_id=regio_id))


def expand_grants(conn: Connection, grants) -> frozenset[tuple[str, int | None]]:
    """``(rol, gemeente_id, regio_id)`` grants as ``(rol, gemeente_id)`` pairs.

    A grant per region becomes one pair per municipality of the region (none if the
    region has no municipalities yet); the others are kept as they are.
    """
    pairs: set[tuple[str, int | None]] = set()
    per_region: dict[int, set[str]] = {}
    for rol, gemeente_id, regio_id in grants:
        if gemeente_id is None and regio_id is not None:
            per_region.setdefault(regio_id, set()).add(rol)
        else:
            pairs.add((rol, gemeente_id))
    if per_region:
        for row in conn.execute(_GEMEENTEN_OF, {"ids": sorted(per_region)}):
            pairs.update((rol, row.id) for rol in per_region[row.regio_id])
    return frozenset(pairs)
