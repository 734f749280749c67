"""Flow figures for a period and municipality, for the manager and the monitoring reports.

What is counted, precisely (the page and the downloads say the same):

* **Signals received**: signals with ``ontvangen_op`` in the period. They are counted by
  status, outcome (the end event they reached), route, form of exploitation (a signal
  with two forms counts once for each), sector and minor involved.
* **Lead time per step**: user tasks *completed* in the period, from being put ready to
  being completed; median and 90th percentile (linear interpolation, as PostgreSQL's
  ``percentile_cont``).
* **End to end**: signals *closed* in the period, from ``ontvangen_op`` to closing.
* **Within deadline**: of the tasks completed in the period that had a deadline, the
  share completed at or before it.

Nothing is left out silently: what a figure does not include is counted under
``uitgesloten`` (tasks without a deadline, cancelled tasks, signals still running), and
signals whose personal data the retention job removed are counted (``geanonimiseerd``):
they stay in every count, as the tombstones they are.
Everything is read from the ``signal`` and ``human_task`` projections. The steps of care
trajectories are left out of the lead times: care is counted apart, counts only, with small
cells hidden (:mod:`engine.queries.figures_care`, under ``zorg``).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import Connection, Text, case, cast, func, select, text

from ..clock import AMSTERDAM, UTC
from ..domain.labels import ROUTES, SECTOREN, VORMEN
from ..domain.status import SignalStatus, TaskStatus
from ..errors import FieldErrors
from ..people.users import Actor
from ..store.schema import human_task, signal, zorgtraject
from .figures_care import care_figures
from .oversight import grouped_percentiles, in_scope, scope_names, scope_of, seconds_between

MAX_DAYS = 366 * 5
MINDERJARIG = {"ja": "Ja", "nee": "Nee", "onbekend": "Onbekend"}
NOT_GIVEN = "(niet ingevuld)"
# Memory for the figures' sorts on PostgreSQL (for this transaction only): a year of the
# region's steps, sorted for their percentiles, fits in it.
WORK_MEM = "64MB"


def period_bounds(van: dt.date, tot: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of the period: from the start of day ``van`` to the end of day ``tot``
    (both inclusive, days in Europe/Amsterdam).

    :raises FieldErrors: ``tot`` before ``van``, or a period longer than five years.
    """
    if tot < van:
        raise FieldErrors({"tot": "ligt vóór de begindatum"})
    if (tot - van).days > MAX_DAYS:
        raise FieldErrors({"tot": "de periode is langer dan vijf jaar"})
    start = dt.datetime.combine(van, dt.time(), AMSTERDAM).astimezone(UTC)
    end = dt.datetime.combine(tot + dt.timedelta(days=1), dt.time(), AMSTERDAM).astimezone(UTC)
    return start, end


def figures(conn: Connection, actor: Actor, *, van: dt.date, tot: dt.date, gemeente_id: int | None = None) -> dict:
    """The flow figures of the module docstring for ``actor``'s municipalities (or one of them).

    :raises Forbidden: ``actor`` oversees no municipality (or not ``gemeente_id``).
    :raises FieldErrors: an impossible period.
    """
    scope = scope_of(actor, gemeente_id)
    start, end = period_bounds(van, tot)
    names = scope_names(conn, scope)
    # The region as the list of its municipalities: the (municipality, time) indexes then serve
    # a region-wide period as one range per municipality instead of a scan of all history.
    ids = frozenset(names)
    if conn.dialect.name == "postgresql":
        # The percentiles sort every duration of the period in memory rather than on disk.
        conn.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    received = [signal.c.ontvangen_op >= start, signal.c.ontvangen_op < end, in_scope(signal.c.gemeente_id, ids)]
    counts = _signal_counts(conn, received)
    steps, task_exclusions = _steps(conn, ids, start, end)
    closed = [signal.c.status == SignalStatus.FINISHED, signal.c.closed_at >= start, signal.c.closed_at < end,
              in_scope(signal.c.gemeente_id, ids)]
    e2e = _end_to_end(conn, closed)
    care = care_figures(conn, ids, start, end)  # counts only, small cells hidden (engine.queries.figures_care)
    with_deadline = sum(s["met_deadline"] for s in steps)
    within = sum(s["binnen_deadline"] for s in steps)
    return {
        "periode": {"van": van.isoformat(), "tot": tot.isoformat()},
        "gemeenten": list(names.values()),
        **counts,
        "stappen": steps,
        "doorlooptijd": e2e,
        "zorg": care,
        "binnen_deadline": {"met_deadline": with_deadline, "binnen": within,
                            "aandeel": within / with_deadline if with_deadline else None},
        "uitgesloten": {
            **task_exclusions,
            "lopende_signalen": counts["status"].get(SignalStatus.RUNNING, 0),
        },
    }


def _signal_counts(conn: Connection, where: list) -> dict:
    """Every count over the signals received, from one pass: the signals grouped by all the
    dimensions at once (a few thousand combinations at most), summed per dimension here.

    The forms of exploitation are grouped by the JSON list as stored and unnested here, once
    per distinct list: the same counts as unnesting every row in the database, without parsing
    each row's JSON there.
    """
    vormen = cast(signal.c.uitbuitingsvormen, Text).label("vormen")
    dimensions = [signal.c.status, signal.c.uitkomst, signal.c.route, signal.c.sector, signal.c.minderjarige,
                  signal.c.acute_nood, signal.c.acuut, vormen]
    rows = conn.execute(select(*dimensions, func.count().label("n")).where(*where).group_by(*dimensions)).all()
    per = {name: Counter() for name in ("status", "uitkomst", "route", "sector", "minderjarige", "vorm")}
    total = acute = urgent = 0
    for r in rows:
        total += r.n
        acute += r.n if r.acute_nood else 0
        urgent += r.n if r.acuut else 0
        per["status"][r.status] += r.n
        if r.status == SignalStatus.FINISHED:
            per["uitkomst"][r.uitkomst] += r.n
        per["route"][r.route] += r.n
        per["sector"][r.sector] += r.n
        per["minderjarige"][r.minderjarige] += r.n
        for vorm in _forms_of(r.vormen):
            per["vorm"][vorm] += r.n
    stripped = conn.execute(select(func.count()).where(*where, signal.c.geanonimiseerd_op.is_not(None))).scalar_one()

    def listed(counter: Counter, labels=None, empty=NOT_GIVEN) -> list[dict]:
        result = [{"waarde": value, "naam": (labels or {}).get(value, value) if value is not None else empty,
                   "aantal": n} for value, n in counter.items()]
        return sorted(result, key=lambda r: (-r["aantal"], str(r["naam"])))

    return {
        "ontvangen": total,
        "geanonimiseerd": stripped,
        "status": {s: per["status"][s] for s in (SignalStatus.FINISHED, SignalStatus.RUNNING)},
        "acute_nood": acute,
        "acuut_niet_gebeld": urgent,  # acute danger without a call to 112 at the report (engine.domain.acute)
        "met_minderjarige": per["minderjarige"]["ja"],
        "uitkomsten": sorted(({"waarde": u, "naam": u or "(geen uitkomst vastgelegd)", "aantal": n}
                              for u, n in per["uitkomst"].items()), key=lambda r: (-r["aantal"], r["naam"])),
        "routes": listed(per["route"], ROUTES, "Nog niet doorgeleid"),
        "vormen": sorted(({"waarde": v, "naam": VORMEN.get(v, v), "aantal": n} for v, n in per["vorm"].items()),
                         key=lambda r: (-r["aantal"], r["naam"])),
        "sectoren": listed(per["sector"], SECTOREN),
        "minderjarig": listed(per["minderjarige"], MINDERJARIG),
    }


def _forms_of(stored: str | None) -> list[str]:
    """The elements of a stored JSON list of forms, as the database's unnesting yields them
    (text elements as they are, others as their JSON text; ``null`` left out)."""
    value = json.loads(stored) if stored else []
    if not isinstance(value, list):
        return []
    return [v if isinstance(v, str) else json.dumps(v) for v in value if v is not None]


def _steps(conn: Connection, ids: frozenset[int], start: dt.datetime, end: dt.datetime) -> tuple[list[dict], dict]:
    """Per step, from one pass over the tasks finished in the period (done or cancelled):
    lead time percentiles of the done ones, their deadlines met, and the cancelled ones."""
    finished = [human_task.c.completed_at >= start, human_task.c.completed_at < end,
                in_scope(human_task.c.gemeente_id, ids),
                # a care trajectory's steps are care data: counted in the care figures only (figures_care)
                ~select(zorgtraject.c.id).where(zorgtraject.c.instance_id == human_task.c.instance_id).exists()]
    seconds = seconds_between(conn, human_task.c.completed_at, human_task.c.created_at)
    on_time = case((human_task.c.completed_at <= human_task.c.due_at, 1), else_=0)
    keys = [human_task.c.bpmn_id, human_task.c.status]
    extra = [func.min(human_task.c.naam).label("naam"), func.count(human_task.c.due_at).label("met_deadline"),
             func.sum(on_time).label("binnen")]
    ended = human_task.c.status.in_([TaskStatus.DONE, TaskStatus.CANCELLED])
    groups = grouped_percentiles(conn, keys, seconds, [*finished, ended], extra=extra)
    steps = []
    cancelled = 0
    for (bpmn_id, status), g in groups.items():
        if status == TaskStatus.CANCELLED:
            cancelled += g.n
            continue
        median, p90 = g.quantiles
        with_deadline, within = g.extra["met_deadline"], g.extra["binnen"] or 0
        steps.append({"bpmn_id": bpmn_id, "naam": g.extra["naam"], "aantal": g.n, "mediaan_s": median, "p90_s": p90,
                      "met_deadline": with_deadline, "binnen_deadline": within,
                      "aandeel_binnen": within / with_deadline if with_deadline else None})
    steps.sort(key=lambda s: (-s["aantal"], s["naam"]))
    return steps, {"vervallen_taken": cancelled,
                   "taken_zonder_deadline": sum(s["aantal"] - s["met_deadline"] for s in steps)}


def _end_to_end(conn: Connection, where: list) -> dict:
    seconds = seconds_between(conn, signal.c.closed_at, signal.c.ontvangen_op)
    result = grouped_percentiles(conn, [signal.c.status], seconds, where)
    group = result.get((SignalStatus.FINISHED,))
    if group is None:
        return {"aantal": 0, "mediaan_s": None, "p90_s": None}
    median, p90 = group.quantiles
    return {"aantal": group.n, "mediaan_s": median, "p90_s": p90}
