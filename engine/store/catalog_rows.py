"""Load the catalog (engine.domain.catalog) from the database, when it changed.

Every change of a catalog table writes a new ``catalogus_stempel``; :func:`refresh` reads that one
row and reloads the tables only when the stamp differs from the one this process last applied. Web
requests, deploys and the intake call it, so every worker follows a beheerder's change on its next
request. A database without a stamp (no change since the seed, or emptied) has the built-ins.
"""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import Connection, delete, insert, select

from ..domain import catalog
from ..domain.tafels import Tafel
from .schema import casustafel_definitie, catalogus_stempel, convenant, partnersoort, rol_definitie

_STAMP = select(catalogus_stempel.c.stempel).where(catalogus_stempel.c.id == 1)
_NONE = "(geen)"
_applied = [_NONE]
_LOCK = threading.Lock()


def refresh(conn: Connection) -> None:
    """Make the in-memory catalog this database's (one indexed read when nothing changed)."""
    stamp = conn.execute(_STAMP).scalar() or _NONE
    if stamp == _applied[0]:
        return
    with _LOCK:
        if stamp == _NONE:
            catalog.reset()
        else:
            catalog.apply(*load(conn))
        _applied[0] = stamp


def load(conn: Connection):
    """The catalog rows: roles, tables, partner kinds, covenants (the arguments of :func:`catalog.apply`)."""
    role_rows = [catalog.RoleDef(r.sleutel, r.naam, r.regionaal, r.taakrol, r.ingebouwd, r.escalatie_rol)
                 for r in conn.execute(select(rol_definitie).order_by(rol_definitie.c.sleutel))]
    tafel_rows = [Tafel(r.sleutel, r.naam, r.niveau, tuple(r.deelnemers), tuple(r.voorzitters))
                  for r in conn.execute(select(casustafel_definitie).order_by(casustafel_definitie.c.sleutel))]
    soorten = {r.sleutel: r.naam for r in conn.execute(select(partnersoort).order_by(partnersoort.c.sleutel))}
    covenants = {r.sleutel: (r.naam, tuple(r.routes))
                 for r in conn.execute(select(convenant).order_by(convenant.c.sleutel))}
    return role_rows, tafel_rows, soorten, covenants


def touch(conn: Connection) -> None:
    """Record a change of the catalog (inside the writing transaction), and apply it here."""
    conn.execute(delete(catalogus_stempel))
    conn.execute(insert(catalogus_stempel).values(id=1, stempel=uuid.uuid4().hex))
    refresh(conn)
