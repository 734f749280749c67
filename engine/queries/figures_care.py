"""Care figures for a period and municipalities (issue #18), for the managers' figures page and files.

Counts only, read from the ``zorgtraject`` projection: care data is special-category, so a manager
sees no trajectory, only how many. A count of 1 to 4 is shown as ``"<5"`` (a small cell can point to
a person), and a duration over fewer than five trajectories is not shown at all.

* **Started / ended**: trajectories with ``gestart_op`` / ``beeindigd_op`` in the period; ended by outcome.
* **Duration**: of the trajectories ended in the period, from start to end: median and 90th percentile.
* **Shelter by kind**: the trajectories started in the period, by the kind of their (last) placement.
* **Reflection periods**: started (a COSM placement starting in the period) and ended in the period,
  by what followed.
* **CoMensha registrations**: registered in the period.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from ..clock import AMSTERDAM
from ..domain.care import BEDENKTIJD_BESLUITEN, EINDE_UITKOMSTEN, OPVANG_SOORTEN
from ..store.schema import zorgtraject
from .oversight import grouped_percentiles, in_scope, seconds_between
from .suppression import LESS_THAN, SMALL, is_small

NO_SHELTER_YET = "Nog geen opvang vastgelegd"
NOT_DECIDED = "Geen besluit vastgelegd"


def small_cell(n: int) -> int | str:
    """A count as it may be shown on its own: ``"<5"`` for 1 to 4 (engine.queries.suppression's primary
    rule; the regional monitor also hides what could be worked out from other counts)."""
    return LESS_THAN if is_small(n) else n


def _grouped(conn: Connection, column, where: Iterable, labels: dict, empty: str) -> list[dict]:
    rows = conn.execute(select(column, func.count().label("n")).where(*where).group_by(column)).all()
    items = [{"waarde": value, "naam": labels.get(value, value) if value is not None else empty, "n": n}
             for value, n in rows]
    items.sort(key=lambda r: (-r["n"], str(r["naam"])))
    return [{"waarde": i["waarde"], "naam": i["naam"], "aantal": small_cell(i["n"])} for i in items]


def _count(conn: Connection, where: Iterable) -> int:
    return conn.execute(select(func.count()).select_from(zorgtraject).where(*where)).scalar_one()


def care_figures(conn: Connection, ids: frozenset[int] | None, start: dt.datetime, end: dt.datetime) -> dict:
    """The care figures of the module docstring for municipalities ``ids`` (``None``: all) in ``[start, end)``."""
    here = in_scope(zorgtraject.c.gemeente_id, ids)
    started = [here, zorgtraject.c.gestart_op >= start, zorgtraject.c.gestart_op < end]
    ended = [here, zorgtraject.c.beeindigd_op >= start, zorgtraject.c.beeindigd_op < end]
    # bedenktijd_start is a date (the placement's start, YYYY-MM-DD): compared as the period's days.
    first_day, last_day = start.astimezone(AMSTERDAM).date().isoformat(), end.astimezone(AMSTERDAM).date().isoformat()
    reflection_started = [here, zorgtraject.c.bedenktijd_start >= first_day, zorgtraject.c.bedenktijd_start < last_day]
    reflection_ended = [here, zorgtraject.c.bedenktijd_beeindigd_op >= start, zorgtraject.c.bedenktijd_beeindigd_op < end]
    registered = [here, zorgtraject.c.comensha_gemeld_op >= start, zorgtraject.c.comensha_gemeld_op < end]

    seconds = seconds_between(conn, zorgtraject.c.beeindigd_op, zorgtraject.c.gestart_op)
    done = zorgtraject.c.beeindigd_op.is_not(None).label("beeindigd")  # one group: every row of ``ended``
    group = next(iter(grouped_percentiles(conn, [done], seconds, ended).values()), None)
    n_ended = group.n if group else 0
    median, p90 = group.quantiles if group and n_ended >= SMALL else (None, None)
    return {
        "gestart": small_cell(_count(conn, started)),
        "beeindigd": small_cell(n_ended),
        "duur": {"aantal": small_cell(n_ended), "mediaan_s": median, "p90_s": p90},
        "uitkomsten": _grouped(conn, zorgtraject.c.einde_uitkomst, ended, EINDE_UITKOMSTEN, "Geen uitkomst vastgelegd"),
        "opvang": _grouped(conn, zorgtraject.c.opvang_soort, started, OPVANG_SOORTEN, NO_SHELTER_YET),
        "bedenktijd_gestart": small_cell(_count(conn, reflection_started)),
        "bedenktijd_beeindigd": small_cell(_count(conn, reflection_ended)),
        "bedenktijd_afloop": _grouped(conn, zorgtraject.c.bedenktijd_besluit, reflection_ended, BEDENKTIJD_BESLUITEN,
                                      NOT_DECIDED),
        "comensha_gemeld": small_cell(_count(conn, registered)),
    }
