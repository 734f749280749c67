"""What the managers' pages share: their scope, durations in SQL, and percentiles.

Every overview (board, workload, figures, heat map) reads projection tables only
(invariant 4) and covers the municipalities the manager oversees
(:func:`~engine.people.access.supervised_gemeenten`), or one of them when asked.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, literal, select, true
from sqlalchemy.dialects import postgresql

from ..domain.status import TaskStatus
from ..errors import Forbidden
from ..people.access import supervised_gemeenten
from ..people.users import Actor
from ..store.schema import gemeente, human_task

# An open task, with "open" written into the statement rather than bound: the planner can then
# use the partial index of open tasks (``ix_human_task_open``) in every plan, a cached generic
# plan of a prepared statement too.
IS_OPEN = human_task.c.status == literal(TaskStatus.OPEN.value, literal_execute=True)


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
    """SQL: ``later - earlier`` in seconds (a float), for PostgreSQL and SQLite."""
    if conn.dialect.name == "postgresql":
        return func.date_part("epoch", later - earlier)  # double precision, cheaper than extract's numeric
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


@dataclass
class Group:
    """One group of :func:`grouped_percentiles`: its row count, quantiles and extra aggregates."""
    n: int
    quantiles: list[float | None]
    extra: dict = field(default_factory=dict)


def grouped_percentiles(conn: Connection, keys: Sequence, seconds, where: Iterable, fractions=(0.5, 0.9),
                        extra: Sequence = ()) -> dict[tuple, Group]:
    """Per combination of ``keys``: how many rows, the ``fractions`` quantiles of ``seconds``,
    and the labelled aggregates ``extra`` — from one pass over the rows on PostgreSQL.

    PostgreSQL gathers each group's values in a hash aggregate (``array_agg``) and computes
    all fractions with one ``percentile_cont(ARRAY[…])`` over them: one sort of each group's
    numbers, instead of sorting every row by its group first (which is what the ordered-set
    aggregate over the rows would do). On SQLite the sorted values are read and interpolated
    here (the same definition).
    """
    where, keys = list(where), list(keys)
    columns = [*keys, func.count().label("n"), *extra]
    if conn.dialect.name == "postgresql":
        groups = select(*columns, func.array_agg(seconds).label("v")).where(*where).group_by(*keys).subquery()
        value = func.unnest(groups.c.v).column_valued("x")
        quantiles = select(func.percentile_cont(postgresql.array(list(fractions))).within_group(value)) \
            .scalar_subquery().label("q")
        rows = conn.execute(select(*[c for c in groups.c if c.name != "v"], quantiles)).all()
        return {tuple(r[:len(keys)]): Group(r.n, [_float(q) for q in r.q], _extras(r, extra)) for r in rows}
    rows = conn.execute(select(*columns).where(*where).group_by(*keys)).all()
    values: dict = {}
    for *k, value in conn.execute(select(*keys, seconds).where(*where).order_by(*keys, seconds)):
        values.setdefault(tuple(k), []).append(float(value))
    return {tuple(r[:len(keys)]): Group(r.n, [percentile(values.get(tuple(r[:len(keys)]), []), f) for f in fractions],
                                        _extras(r, extra)) for r in rows}


def _extras(row, extra: Sequence) -> dict:
    return {column.name: getattr(row, column.name) for column in extra}


def _float(value) -> float | None:
    return None if value is None else float(value)


def scope_names(conn: Connection, scope: frozenset[int] | None) -> dict[int, str]:
    """The municipalities of ``scope`` (all for ``None``) by id, sorted by name."""
    stmt = select(gemeente.c.id, gemeente.c.naam).order_by(gemeente.c.naam)
    if scope is not None:
        stmt = stmt.where(gemeente.c.id.in_(sorted(scope)))
    return dict(conn.execute(stmt).all())
