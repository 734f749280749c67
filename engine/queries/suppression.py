"""Small-cell suppression for published counts: no count of 1 to 4, shown or derivable.

A table of counts is a set of cells and the sums that hold between them (a municipality's
total is the sum of its categories, the region's count the sum of its municipalities', a
half-year the sum of its two quarters). Each sum is an *equation*: ``total = part + part + …``.

The rule (docs/monitor.md says the same):

1. **Primary**: every count from 1 to 4 is hidden and shown as ``"<5"``.
2. **Secondary**: the reader knows every shown count, that a ``"<5"`` lies in 1–4 and that a
   cell hidden for the sake of another (shown as ``"x"``) is 5 or more. Bounds are propagated
   through every equation (the reader's interval reasoning, repeated until nothing narrows);
   while some ``"<5"`` cell comes out at one exact value, one more cell of an equation it is in
   is hidden: a shown count of 5 or more in the equations around it (reached through hidden
   cells), preferring cells the caller does not mark as headline, then the nearest, then a part
   over a total, then the smallest.
   A zero is never hidden on purpose (a hidden 0 beside a ``"<5"`` would give the small count
   away). When nothing of 5 or more is left to hide — a total of 4 over four categories that are
   each ``"<5"`` pins every one of them to 1 — every other cell of that equation is hidden as
   ``"x"`` read as *any* value from 0 (:data:`WHOLE`), zeros and small counts included, until no
   small count can be pinned (it ends: each round hides at least one more cell).

The result is a mark per hidden cell; :func:`shown` turns a count and its mark into what a
page, file or mail may carry. Only whole counts are covered: durations are shown only over
:data:`SMALL` or more cases (their callers' rule).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence

SMALL = 5
LESS_THAN = f"<{SMALL}"  # what a primary-suppressed count shows
HIDDEN = "x"  # what a count hidden for the sake of another shows
PRIMARY, SECONDARY = "primair", "secundair"
# Hidden because a small count elsewhere could be pinned even with every count of 5 or more around it hidden
# (e.g. four categories of a municipality each "<5" under a total of 4): shown "x", read as any value from 0.
WHOLE = "geheel"
INF = float("inf")

Equation = tuple[Hashable, Sequence[Hashable]]  # (total, parts): total == sum(parts)


def is_small(n: int) -> bool:
    """Whether ``n`` is a count that may not be shown (1 to 4)."""
    return 0 < n < SMALL


def shown(n: int, mark: str | None) -> int | str:
    """A count as it may be published: itself, ``"<5"`` (primary) or ``"x"`` (secondary)."""
    if mark == PRIMARY or (mark is None and is_small(n)):
        return LESS_THAN
    return HIDDEN if mark in (SECONDARY, WHOLE) else n


def suppress(cells: Mapping[Hashable, int], equations: Iterable[Equation],
             keep: frozenset = frozenset(), unseen: frozenset = frozenset()) -> dict[Hashable, str]:
    """The cells of ``cells`` to hide, with their mark (:data:`PRIMARY` or :data:`SECONDARY`).

    :param cells: every count of the published tables, by a key of the caller's choosing.
    :param equations: ``(total_key, [part_keys])`` for every sum that holds between shown cells —
        all of them, the implied ones too (a table's totals row): the reader is assumed to know them.
    :param keep: cells to hide for another's sake only when nothing else will do (headline counts).
    :param unseen: cells never shown, known to the reader only as some value from 0: the slack that turns
        "at most" into a sum (signals with a form of exploitation are at most the signals received:
        ``received = with_form + slack``). Not in the result.
    :raises ValueError: an equation names a cell not in ``cells``, or does not add up.
    """
    equations = [(total, tuple(parts)) for total, parts in equations]
    for total, parts in equations:
        for key in (total, *parts):
            if key not in cells:
                raise ValueError(f"equation names an unknown cell: {key!r}")
        if cells[total] != sum(cells[p] for p in parts):
            raise ValueError(f"equation does not add up: {total!r}")
    marks = {key: PRIMARY for key, n in cells.items() if is_small(n) and key not in unseen}
    marks.update({key: WHOLE for key in unseen})
    around: dict[Hashable, list[int]] = {}
    for index, (total, parts) in enumerate(equations):
        for key in (total, *parts):
            around.setdefault(key, []).append(index)
    while True:
        exposed = _exposed(cells, marks, equations, around)
        if not exposed:
            return {key: mark for key, mark in marks.items() if key not in unseen}
        touched: set[int] = set()  # equations that got a newly hidden cell in this round
        for key in exposed:
            if touched.intersection(around.get(key, ())):
                continue  # what was just hidden beside it may cover it: the next round looks again
            extra = _next_to_hide(key, cells, marks, equations, around, keep)
            if extra is None:  # nothing of 5 or more left to hide: hide a whole equation around it
                for cell in _whole_equation(key, marks, equations, around):
                    marks[cell] = WHOLE
                    touched.update(around.get(cell, ()))
            else:
                marks[extra] = SECONDARY
                touched.update(around.get(extra, ()))


def _bounds(cells, marks) -> dict:
    """What the reader knows of each cell before reasoning: shown counts exactly, ``"<5"`` 1–4, ``"x"`` 5 and up."""
    known = {}
    for key, n in cells.items():
        mark = marks.get(key)
        known[key] = {PRIMARY: (1, 4), SECONDARY: (SMALL, INF), WHOLE: (0, INF)}.get(mark, (n, n))
    return known


def _propagate(cells, marks, equations, around) -> dict:
    """The reader's bounds after reasoning through every equation until nothing narrows: a work list of
    equations, each looked at again when a bound of one of its cells narrowed (integer bounds only
    narrow, so it ends)."""
    bounds = _bounds(cells, marks)
    queue = deque(sorted({i for key in marks for i in around.get(key, ())}))
    queued = set(queue)
    while queue:
        index = queue.popleft()
        queued.discard(index)
        total, parts = equations[index]
        changed = []
        lows = [bounds[p][0] for p in parts]
        highs = [bounds[p][1] for p in parts]
        low_sum = sum(lows)
        n_inf = sum(1 for h in highs if h == INF)
        finite = sum(h for h in highs if h != INF)
        t_low, t_high = bounds[total]
        new_total = (max(t_low, low_sum), min(t_high, INF if n_inf else finite))
        if new_total != bounds[total]:
            bounds[total] = new_total
            changed.append(total)
        t_low, t_high = new_total
        for i, part in enumerate(parts):
            others_high = _sum_without(highs, i, n_inf, finite)
            new = (max(bounds[part][0], t_low - others_high), min(bounds[part][1], t_high - (low_sum - lows[i])))
            if new != bounds[part]:
                bounds[part] = new
                changed.append(part)
        for key in changed:
            for other in around[key]:
                if other not in queued:
                    queued.add(other)
                    queue.append(other)
    return bounds


def _sum_without(highs, i, n_inf, finite):
    """The sum of ``highs`` but the ``i``-th (``n_inf`` of them infinite, the rest summing to ``finite``)."""
    if highs[i] == INF:
        return INF if n_inf > 1 else finite
    return INF if n_inf else finite - highs[i]


def _exposed(cells, marks, equations, around) -> list:
    """The ``"<5"`` cells the reader can pin to one value."""
    bounds = _propagate(cells, marks, equations, around)
    return [key for key, mark in marks.items() if mark == PRIMARY and bounds[key][0] == bounds[key][1]]


def _whole_equation(exposed, marks, equations, around) -> list:
    """The cells to hide as :data:`WHOLE` for ``exposed``: those of the equation around it with the most
    ``"<5"`` cells (a small total of small parts) that are not hidden as such yet; else ``exposed`` itself."""
    best = max(around.get(exposed, ()), key=lambda i: (sum(marks.get(c) == PRIMARY for c in (equations[i][0],
                                                                                          *equations[i][1])), -i),
               default=None)
    cells = [] if best is None else [c for c in (equations[best][0], *equations[best][1])
                                     if c != exposed and marks.get(c) != WHOLE]
    return cells or [exposed]


def _next_to_hide(exposed, cells, marks, equations, around, keep):
    """The cell to hide next for ``exposed``: of the shown counts of 5 or more in the equations reachable
    from it through hidden cells, one not in ``keep`` if there is one, then the nearest, then the smallest."""
    seen_equations: set[int] = set()
    frontier, seen_cells = [exposed], {exposed}
    best, depth = None, 0
    while frontier:
        next_frontier = []
        for key in frontier:
            for index in around.get(key, ()):
                if index in seen_equations:
                    continue
                seen_equations.add(index)
                total, parts = equations[index]
                for other in (*parts, total):
                    if other not in marks and cells[other] >= SMALL:
                        rank = (other in keep, depth, other == total, cells[other], repr(other))
                        if best is None or rank < best[0]:
                            best = (rank, other)
                    elif other in marks and other not in seen_cells:
                        seen_cells.add(other)
                        next_frontier.append(other)
        frontier, depth = next_frontier, depth + 1
    return None if best is None else best[1]
