"""What the managers' pages share: their scope, durations in SQL, and percentiles.

Every overview (board, workload, figures, heat map) reads projection tables only
(invariant 4) and covers the municipalities the manager oversees
(:func:`~engine.access.supervised_gemeenten`), or one of them when asked.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import Connection, func, select, true

from .access import supervised_gemeenten
from .errors import Forbidden
from .schema import gemeente
from .users import Actor


def scope_of(actor: Actor, gemeente_id: int | None = None) -> frozenset[int] | None:
    """The municipalities an overview covers: the one asked for, else all the actor oversees.

    :returns: a set of municipality ids, or ``None`` for the whole region.
    :raises Forbidden: the actor oversees nothing, or not the municipality asked for.
    """
    scope = supervised_gemeenten(actor)
    if scope is not None and not scope:
        raise Forbidden("Dit overzicht is er voor managers.")
    if gemeente_id is None:
        return scope
    if scope is not None and gemeente_id not in scope:
        raise Forbidden("U bent geen manager in deze gemeente.")
    return frozenset({gemeente_id})


def in_scope(column, scope: frozenset[int] | None):
    """SQL: ``column`` (a municipality id) lies in ``scope``."""
    if scope is None:
        return true()
    return column.in_(sorted(scope))


def seconds_between(conn: Connection, later, earlier):
    """SQL: ``later - earlier`` in seconds, for PostgreSQL and SQLite."""
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """The ``fraction`` quantile with linear interpolation between closest ranks (as
    PostgreSQL's ``percentile_cont`` and numpy's default): the median for 0.5."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def grouped_percentiles(conn: Connection, key, seconds, where: Iterable, fractions=(0.5, 0.9)) -> dict:
    """Per value of ``key``: how many rows, and the ``fractions`` quantiles of ``seconds``.

    PostgreSQL computes them with ``percentile_cont``; on SQLite the sorted values are
    read and interpolated here (the same definition).
    """
    where = list(where)
    if conn.dialect.name == "postgresql":
        columns = [func.percentile_cont(f).within_group(seconds).label(f"p{i}") for i, f in enumerate(fractions)]
        rows = conn.execute(select(key.label("k"), func.count().label("n"), *columns).where(*where).group_by(key))
        return {r.k: (r.n, [_float(getattr(r, f"p{i}")) for i in range(len(fractions))]) for r in rows}
    values: dict = {}
    for k, value in conn.execute(select(key, seconds).where(*where).order_by(key, seconds)):
        values.setdefault(k, []).append(float(value))
    return {k: (len(v), [percentile(v, f) for f in fractions]) for k, v in values.items()}


def _float(value) -> float | None:
    return None if value is None else float(value)


def scope_names(conn: Connection, scope: frozenset[int] | None) -> dict[int, str]:
    """The municipalities of ``scope`` (all for ``None``) by id, sorted by name."""
    stmt = select(gemeente.c.id, gemeente.c.naam).order_by(gemeente.c.naam)
    if scope is not None:
        stmt = stmt.where(gemeente.c.id.in_(sorted(scope)))
    return dict(conn.execute(stmt).all())
