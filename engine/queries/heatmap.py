"""The heat map: per step of a process, how many cases wait there and how long steps take.

Per user task (BPMN id) of the process ``sleutel`` — all its versions — in a manager's
municipalities: open tasks now and their median age so far, and for the tasks completed
in the last :data:`WINDOW` the median time spent. The diagram shown is the newest
version's; steps of older versions that it lacks are listed in the text only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from ..definitions.definitions import DefinitionCache, latest_definition_id, load_package
from ..domain.care import CARE_KIND
from ..domain.status import TaskStatus
from ..errors import NotFound
from ..people.users import Actor
from ..store.schema import human_task, process_definition, process_instance
from .figures_care import SMALL, small_cell
from .oversight import IS_OPEN, grouped_percentiles, in_scope, scope_of, seconds_between

WINDOW = dt.timedelta(days=90)


def processes(conn: Connection) -> list[dict]:
    """The deployed processes (newest version's name), for choosing a diagram."""
    rows = conn.execute(select(process_definition.c.sleutel, process_definition.c.naam, process_definition.c.versie)
                        .order_by(process_definition.c.sleutel, process_definition.c.versie)).all()
    newest = {r.sleutel: r for r in rows}
    return [{"sleutel": r.sleutel, "naam": r.naam, "versie": r.versie} for r in newest.values()]


def heatmap(conn: Connection, cache: DefinitionCache, actor: Actor, now: dt.datetime, *, sleutel: str,
            gemeente_id: int | None = None, window: dt.timedelta = WINDOW) -> dict:
    """Per step: ``wachtend`` (open now), ``wacht_mediaan_s`` (their median age), ``doorloop_mediaan_s``
    (median time spent by the steps completed within ``window`` before ``now``) and ``afgerond``.

    :raises NotFound: no process ``sleutel`` is deployed.
    :raises Forbidden: ``actor`` oversees no municipality (or not ``gemeente_id``).
    """
    scope = scope_of(actor, gemeente_id)
    versions = list(conn.execute(select(process_definition.c.id).where(process_definition.c.sleutel == sleutel))
                    .scalars())
    if not versions:
        raise NotFound(f"Het proces '{sleutel}' bestaat niet.")
    of_process = human_task.c.instance_id.in_(
        select(process_instance.c.id).where(process_instance.c.definition_id.in_(versions)))
    base = [of_process, in_scope(human_task.c.gemeente_id, scope)]
    waiting = grouped_percentiles(conn, [human_task.c.bpmn_id], seconds_between(conn, now, human_task.c.created_at),
                                  [*base, IS_OPEN], fractions=(0.5,))
    spent = grouped_percentiles(conn, [human_task.c.bpmn_id],
                                seconds_between(conn, human_task.c.completed_at, human_task.c.created_at),
                                [*base, human_task.c.status == TaskStatus.DONE, human_task.c.completed_at >= now - window],
                                fractions=(0.5,))
    definition_id = latest_definition_id(conn, sleutel)
    compiled = cache.get(conn, definition_id)
    names = {bpmn_id: meta.naam for bpmn_id, meta in compiled.tasks.items()}
    steps = []
    waiting = {key: (g.n, g.quantiles) for (key,), g in waiting.items()}
    spent = {key: (g.n, g.quantiles) for (key,), g in spent.items()}
    for bpmn_id in sorted(set(waiting) | set(spent) | set(names)):
        open_n, (open_median,) = waiting.get(bpmn_id, (0, [None]))
        done_n, (done_median,) = spent.get(bpmn_id, (0, [None]))
        steps.append({"bpmn_id": bpmn_id, "naam": names.get(bpmn_id, bpmn_id), "wachtend": open_n,
                      "wacht_mediaan_s": open_median, "afgerond": done_n, "doorloop_mediaan_s": done_median,
                      "in_diagram": bpmn_id in names})
    busiest = max((s["wachtend"] for s in steps), default=0)
    for step in steps:
        step["intensiteit"] = step["wachtend"] / busiest if busiest else 0.0
    steps.sort(key=lambda s: (-s["wachtend"], s["naam"]))
    if compiled.meta.get("soort") == CARE_KIND:
        _hide_small_cells(steps)
    return {"sleutel": sleutel, "definitie_id": definition_id, "stappen": steps,
            "venster_dagen": window.days}


def _hide_small_cells(steps: list[dict]) -> None:
    """A care trajectory's steps (care data: counts only): 1 to 4 as "<5", no median over fewer than five,
    and no colour that would tell a small count from none (engine.queries.figures_care)."""
    for step in steps:
        for count, median in (("wachtend", "wacht_mediaan_s"), ("afgerond", "doorloop_mediaan_s")):
            if 0 < step[count] < SMALL:
                step[median] = None
            step[count] = small_cell(step[count])
        if not isinstance(step["wachtend"], int):
            step["intensiteit"] = 0.0
    steps.sort(key=lambda s: s["naam"])  # the order of the counts would tell the small ones apart


def diagram_xml(conn: Connection, sleutel: str) -> bytes:
    """The BPMN XML of the newest version of ``sleutel`` (process data, no case data)."""
    package = load_package(conn, latest_definition_id(conn, sleutel))
    return package.files[package.bpmn_file()]
