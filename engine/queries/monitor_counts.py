"""The raw counts of the regional monitor (:mod:`engine.queries.monitor`), before any suppression.

Everything is counted per municipality and per quarter of one half-year, read from projections:
``signal`` (received in the quarter), ``dossier_stap`` (the Veilig Thuis registration a step recorded),
``human_task`` (steps completed in the quarter) and ``zorgtraject`` (care trajectories). Nothing
personal leaves this module: counts, labels of categories, durations.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from ..clock import AMSTERDAM
from ..domain.status import SignalStatus, TaskStatus
from ..store.schema import dossier_stap, human_task, signal, zorgtraject
from .figures import _forms_of, period_bounds
from .oversight import grouped_percentiles, in_scope, seconds_between

# The Veilig Thuis registration, as a step of the Achterhoek route records it in the case file.
VEILIG_THUIS_KEY, VEILIG_THUIS_YES = "veilig_thuis_geregistreerd", "ja"
NOT_GIVEN = None  # a category left empty (no sector, no department)
STILL_RUNNING = "__lopend__"  # the outcome of a signal still in progress


@dataclass(frozen=True)
class Quarter:
    """One quarter of the half-year: its number (1–4), first and last day."""

    nummer: int
    van: dt.date
    tot: dt.date


def quarters(jaar: int, halfjaar: int) -> list[Quarter]:
    """The two quarters of half-year ``halfjaar`` (1 or 2) of ``jaar``."""
    result = []
    for nummer in (2 * halfjaar - 1, 2 * halfjaar):
        van = dt.date(jaar, 3 * nummer - 2, 1)
        tot = (dt.date(jaar + 1, 1, 1) if nummer == 4 else dt.date(jaar, 3 * nummer + 1, 1)) - dt.timedelta(days=1)
        result.append(Quarter(nummer, van, tot))
    return result


@dataclass
class RawCounts:
    """Counts by ``(tabel, categorie, gemeente_id, kwartaal)``; durations by period apart."""

    counts: Counter = field(default_factory=Counter)
    # lead times: (bpmn_id) -> name; (bpmn_id, gemeente_id | None, kwartaal | None) -> (n, median seconds)
    stappen: dict[str, str] = field(default_factory=dict)
    doorloop: dict[tuple, tuple[int, float | None]] = field(default_factory=dict)
    # care duration: (gemeente_id | None, kwartaal | None) -> (n, median seconds)
    zorgduur: dict[tuple, tuple[int, float | None]] = field(default_factory=dict)


def _quarter_of(moment: dt.datetime, quarters_: list[Quarter]) -> int:
    day = moment.astimezone(AMSTERDAM).date()
    for q in quarters_:
        if q.van <= day <= q.tot:
            return q.nummer
    raise ValueError(f"{day} lies outside the half-year")  # the query selected the half-year only


def department(melder) -> str | None:
    """The department (or organisation) a report came from, whitespace normalised; ``None`` when empty."""
    value = melder.get("afdeling") if isinstance(melder, dict) else None
    text = " ".join(str(value).split()) if value else ""
    return text or None


def count(conn: Connection, ids: frozenset[int], jaar: int, halfjaar: int) -> RawCounts:
    """The raw counts for municipalities ``ids`` in the half-year."""
    qs = quarters(jaar, halfjaar)
    start, _ = period_bounds(qs[0].van, qs[0].tot)
    _, end = period_bounds(qs[1].van, qs[1].tot)
    raw = RawCounts()
    _signals(conn, raw, ids, qs, start, end)
    _care(conn, raw, ids, qs, start, end)
    windows = [(q.nummer, *period_bounds(q.van, q.tot)) for q in qs] + [(None, start, end)]
    for nummer, q_start, q_end in windows:
        _lead_times(conn, raw, ids, nummer, q_start, q_end)
        _care_duration(conn, raw, ids, nummer, q_start, q_end)
    return raw


def _signals(conn: Connection, raw: RawCounts, ids, qs, start, end) -> None:
    registered = (select(dossier_stap.c.id)
                  .where(dossier_stap.c.signal_id == signal.c.id,
                         dossier_stap.c.gegevens[VEILIG_THUIS_KEY].as_string() == VEILIG_THUIS_YES)
                  .exists().label("veilig_thuis"))
    rows = conn.execute(
        select(signal.c.gemeente_id, signal.c.ontvangen_op, signal.c.bron, signal.c.melder,
               signal.c.uitbuitingsvormen, signal.c.sector, signal.c.route, signal.c.status, signal.c.uitkomst,
               registered)
        .where(in_scope(signal.c.gemeente_id, ids), signal.c.ontvangen_op >= start, signal.c.ontvangen_op < end)
    ).all()
    c = raw.counts
    for r in rows:
        q = _quarter_of(r.ontvangen_op, qs)
        here = (r.gemeente_id, q)
        c[("signalen", "ontvangen", *here)] += 1
        c[("bron", r.bron, *here)] += 1
        c[("afdeling", department(r.melder), *here)] += 1
        for vorm in _forms_of(r.uitbuitingsvormen if isinstance(r.uitbuitingsvormen, str) else
                              json.dumps(r.uitbuitingsvormen)):
            c[("vorm", vorm, *here)] += 1
        c[("sector", r.sector or NOT_GIVEN, *here)] += 1
        c[("route", r.route, *here)] += 1
        c[("uitkomst", r.uitkomst if r.status == SignalStatus.FINISHED else STILL_RUNNING, *here)] += 1
        if r.veilig_thuis:
            c[("veilig_thuis", "geregistreerd", *here)] += 1


def _care(conn: Connection, raw: RawCounts, ids, qs, start, end) -> None:
    here = in_scope(zorgtraject.c.gemeente_id, ids)
    for category, column in (("gestart", zorgtraject.c.gestart_op), ("beeindigd", zorgtraject.c.beeindigd_op),
                             ("comensha", zorgtraject.c.comensha_gemeld_op)):
        rows = conn.execute(select(zorgtraject.c.gemeente_id, column.label("op"))
                            .where(here, column >= start, column < end)).all()
        for r in rows:
            raw.counts[("zorg", category, r.gemeente_id, _quarter_of(r.op, qs))] += 1


def _lead_times(conn: Connection, raw: RawCounts, ids, nummer, start, end) -> None:
    """Median lead time per step (from put ready to completed) of the tasks completed in the window,
    per municipality and for all together; a care trajectory's steps are left out (care data)."""
    where = [human_task.c.completed_at >= start, human_task.c.completed_at < end, in_scope(human_task.c.gemeente_id, ids),
             human_task.c.status == TaskStatus.DONE,
             ~select(zorgtraject.c.id).where(zorgtraject.c.instance_id == human_task.c.instance_id).exists()]
    seconds = seconds_between(conn, human_task.c.completed_at, human_task.c.created_at)
    name = [func.min(human_task.c.naam).label("naam")]
    for keys in ([human_task.c.bpmn_id, human_task.c.gemeente_id], [human_task.c.bpmn_id]):
        for key, group in grouped_percentiles(conn, keys, seconds, where, fractions=(0.5,), extra=name).items():
            bpmn_id = key[0]
            raw.stappen.setdefault(bpmn_id, group.extra["naam"])
            raw.doorloop[(bpmn_id, key[1] if len(key) > 1 else None, nummer)] = (group.n, group.quantiles[0])


def _care_duration(conn: Connection, raw: RawCounts, ids, nummer, start, end) -> None:
    """Median duration of the care trajectories ended in the window, per municipality and together."""
    where = [in_scope(zorgtraject.c.gemeente_id, ids), zorgtraject.c.beeindigd_op >= start,
             zorgtraject.c.beeindigd_op < end]
    seconds = seconds_between(conn, zorgtraject.c.beeindigd_op, zorgtraject.c.gestart_op)
    for key, group in grouped_percentiles(conn, [zorgtraject.c.gemeente_id], seconds, where, fractions=(0.5,)).items():
        raw.zorgduur[(key[0], nummer)] = (group.n, group.quantiles[0])
    done = zorgtraject.c.beeindigd_op.is_not(None).label("klaar")
    for group in grouped_percentiles(conn, [done], seconds, where, fractions=(0.5,)).values():
        raw.zorgduur[(None, nummer)] = (group.n, group.quantiles[0])
