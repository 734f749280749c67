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
Everything is read from the ``signal`` and ``human_task`` projections.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, case, func, literal, select

from .clock import AMSTERDAM, UTC
from .errors import FieldErrors
from .oversight import grouped_percentiles, in_scope, scope_names, scope_of, seconds_between
from .projections import CANCELLED, DONE, FINISHED, RUNNING
from .schema import human_task, signal
from .users import Actor

MAX_DAYS = 366 * 5
ROUTES = {"zorgtraject": "Zorgtraject", "zorg_en_strafrecht": "Zorg- en strafrechtelijk traject",
          "riec": "Ondermijnende criminaliteit (RIEC)"}
VORMEN = {"seksueel": "Seksuele uitbuiting", "arbeid": "Arbeidsuitbuiting", "crimineel": "Criminele uitbuiting",
          "orgaan": "Gedwongen orgaanverwijdering", "onbekend": "Onbekend"}
MINDERJARIG = {"ja": "Ja", "nee": "Nee", "onbekend": "Onbekend"}
NOT_GIVEN = "(niet ingevuld)"


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
    received = [signal.c.ontvangen_op >= start, signal.c.ontvangen_op < end, in_scope(signal.c.gemeente_id, scope)]
    counts = _signal_counts(conn, received)
    steps, task_exclusions = _steps(conn, scope, start, end)
    closed = [signal.c.status == FINISHED, signal.c.closed_at >= start, signal.c.closed_at < end,
              in_scope(signal.c.gemeente_id, scope)]
    e2e = _end_to_end(conn, closed)
    with_deadline = sum(s["met_deadline"] for s in steps)
    within = sum(s["binnen_deadline"] for s in steps)
    return {
        "periode": {"van": van.isoformat(), "tot": tot.isoformat()},
        "gemeenten": list(scope_names(conn, scope).values()),
        **counts,
        "stappen": steps,
        "doorlooptijd": e2e,
        "binnen_deadline": {"met_deadline": with_deadline, "binnen": within,
                            "aandeel": within / with_deadline if with_deadline else None},
        "uitgesloten": {
            **task_exclusions,
            "lopende_signalen": counts["status"].get(RUNNING, 0),
        },
    }


def _signal_counts(conn: Connection, where: list) -> dict:
    def grouped(column, labels=None, empty=NOT_GIVEN) -> list[dict]:
        rows = conn.execute(select(column, func.count()).where(*where).group_by(column)).all()
        result = [{"waarde": value, "naam": (labels or {}).get(value, value) if value is not None else empty,
                   "aantal": n} for value, n in rows]
        return sorted(result, key=lambda r: (-r["aantal"], str(r["naam"])))

    anonymised = signal.c.get("geanonimiseerd_op")  # the retention job's mark (issue 7), where it exists
    total, minors, acute, stripped = conn.execute(
        select(func.count(), func.sum(case((signal.c.minderjarige == "ja", 1), else_=0)),
               func.sum(case((signal.c.acute_nood, 1), else_=0)),
               func.count(anonymised) if anonymised is not None else literal(0)).where(*where)
    ).one()
    status = dict(conn.execute(select(signal.c.status, func.count()).where(*where).group_by(signal.c.status)).all())
    outcome_where = [*where, signal.c.status == FINISHED]
    outcomes = conn.execute(select(signal.c.uitkomst, func.count()).where(*outcome_where)
                            .group_by(signal.c.uitkomst)).all()
    return {
        "ontvangen": total,
        "geanonimiseerd": stripped or 0,
        "status": {FINISHED: status.get(FINISHED, 0), RUNNING: status.get(RUNNING, 0)},
        "acute_nood": acute or 0,
        "met_minderjarige": minors or 0,
        "uitkomsten": sorted(({"waarde": u, "naam": u or "(geen uitkomst vastgelegd)", "aantal": n}
                              for u, n in outcomes), key=lambda r: (-r["aantal"], r["naam"])),
        "routes": grouped(signal.c.route, ROUTES, "Niet gerouteerd"),
        "vormen": _forms(conn, where),
        "sectoren": grouped(signal.c.sector),
        "minderjarig": grouped(signal.c.minderjarige, MINDERJARIG),
    }


def _forms(conn: Connection, where: list) -> list[dict]:
    """Counts per form of exploitation: the JSON list unnested by the database."""
    unnest = "json_array_elements_text" if conn.dialect.name == "postgresql" else "json_each"
    vorm = getattr(func, unnest)(signal.c.uitbuitingsvormen).table_valued("value").alias("vorm")
    rows = conn.execute(select(vorm.c.value, func.count()).select_from(signal).join(vorm, and_(True))
                        .where(*where).group_by(vorm.c.value)).all()
    return sorted(({"waarde": v, "naam": VORMEN.get(v, v), "aantal": n} for v, n in rows),
                  key=lambda r: (-r["aantal"], r["naam"]))


def _steps(conn: Connection, scope, start: dt.datetime, end: dt.datetime) -> tuple[list[dict], dict]:
    finished = [human_task.c.completed_at >= start, human_task.c.completed_at < end,
                in_scope(human_task.c.gemeente_id, scope)]
    done = [*finished, human_task.c.status == DONE]
    seconds = seconds_between(conn, human_task.c.completed_at, human_task.c.created_at)
    lead = grouped_percentiles(conn, human_task.c.bpmn_id, seconds, done)
    on_time = case((human_task.c.completed_at <= human_task.c.due_at, 1), else_=0)
    rows = conn.execute(
        select(human_task.c.bpmn_id, func.min(human_task.c.naam).label("naam"),
               func.count(human_task.c.due_at).label("met_deadline"), func.sum(on_time).label("binnen"))
        .where(*done).group_by(human_task.c.bpmn_id)
    ).all()
    steps = []
    for r in rows:
        n, (median, p90) = lead.get(r.bpmn_id, (0, [None, None]))
        steps.append({"bpmn_id": r.bpmn_id, "naam": r.naam, "aantal": n, "mediaan_s": median, "p90_s": p90,
                      "met_deadline": r.met_deadline, "binnen_deadline": r.binnen or 0,
                      "aandeel_binnen": (r.binnen or 0) / r.met_deadline if r.met_deadline else None})
    steps.sort(key=lambda s: (-s["aantal"], s["naam"]))
    cancelled = conn.execute(select(func.count()).where(*finished, human_task.c.status == CANCELLED)).scalar_one()
    return steps, {"vervallen_taken": cancelled,
                   "taken_zonder_deadline": sum(s["aantal"] - s["met_deadline"] for s in steps)}


def _end_to_end(conn: Connection, where: list) -> dict:
    seconds = seconds_between(conn, signal.c.closed_at, signal.c.ontvangen_op)
    result = grouped_percentiles(conn, signal.c.status, seconds, where)
    n, (median, p90) = result.get(FINISHED, (0, [None, None]))
    return {"aantal": n, "mediaan_s": median, "p90_s": p90}
