"""The ``zorgtraject`` row of a care instance, kept in step in each command (invariant 4).

A care trajectory (processes/zorgtraject) runs as its own instance linked to a signal
(:mod:`engine.runtime.care`). Screens, figures and the CoMensha export read its row, never the
workflow: :func:`care_data` picks the categories out of the workflow while the command has it,
:func:`write_care` stores them. Milestones (reflection period over, CoMensha registration, end of
care) keep the time they were first reached.
"""
from __future__ import annotations

import datetime as dt

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import JSON, Connection, DateTime, Integer, String, bindparam, case, func, select, update

from ..domain.care import CARE_KEYS, REFLECTION_SHELTER, comensha_record
from ..store.schema import zorgtraject

_TS = DateTime(timezone=True)


def care_data(wf) -> dict:
    """The care categories the trajectory recorded so far: its completed tasks' data, later over earlier.

    Branches keep their own copies of the data (the reflection period runs beside the care plan),
    so no one task holds all of it.
    """
    done = [task for workflow in (wf, *wf.subprocesses.values()) for task in workflow.tasks.values()
            if task._state == TaskState.COMPLETED]
    data: dict = {}
    for task in sorted(done, key=lambda t: t.last_state_change):
        data.update({key: value for key, value in task.data.items() if key in CARE_KEYS})
    return data


def _provider(value) -> int | None:
    try:
        return int(value) if value not in (None, "") and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


_LINKED = select(zorgtraject.c.signal_id, zorgtraject.c.gemeente_id).where(
    zorgtraject.c.instance_id == bindparam("instance_id"))


def linked_signal(conn: Connection, instance_id: int):
    """``(signal_id, gemeente_id)`` of the signal a care instance belongs to, else ``None``."""
    return conn.execute(_LINKED, {"instance_id": instance_id}).first()


def _first(column, reached: bool):
    """The column's time if it has one, else now if ``reached``: a milestone keeps its first time."""
    flag = bindparam(f"b_{column.name}_bereikt", type_=Integer)
    return func.coalesce(column, case((flag == 1, bindparam("b_now", type_=_TS)), else_=None))


def _text(name: str):
    return bindparam(f"b_{name}", type_=String)


_WRITE = (
    update(zorgtraject)
    .where(zorgtraject.c.instance_id == bindparam("b_instance_id"))
    .values(
        opvang_soort=_text("opvang_soort"), opvang_aanbieder=bindparam("b_opvang_aanbieder", type_=Integer),
        opvang_start=_text("opvang_start"), bedenktijd_start=_text("bedenktijd_start"),
        bedenktijd_besluit=func.coalesce(_text("bedenktijd_besluit"), zorgtraject.c.bedenktijd_besluit),
        bedenktijd_beeindigd_op=_first(zorgtraject.c.bedenktijd_beeindigd_op, True),
        comensha_gemeld_op=_first(zorgtraject.c.comensha_gemeld_op, True),
        comensha_gegevens=case((zorgtraject.c.comensha_gemeld_op.is_(None),
                                bindparam("b_comensha_gegevens", type_=JSON(none_as_null=True))),
                               else_=zorgtraject.c.comensha_gegevens),
        beeindigd_op=_first(zorgtraject.c.beeindigd_op, True),
        einde_uitkomst=_text("einde_uitkomst"),
    )
)


def write_care(conn: Connection, instance_id: int, data: dict, *, finished: bool, now: dt.datetime) -> None:
    """Store the categories of ``data`` (:func:`care_data`) in the instance's ``zorgtraject`` row."""
    soort = data.get("opvang_soort")
    reflection = soort == REFLECTION_SHELTER and isinstance(data.get("opvang_start"), str)
    reflection_over = reflection and (data.get("bedenktijd_afgelopen") is True or finished)
    besluit = data.get("bedenktijd_besluit") if reflection else None
    if reflection and finished and data.get("bedenktijd_afgelopen") is not True and besluit is None:
        besluit = "zorg_beeindigd"  # the care ended before the reflection period did
    gemeld = data.get("comensha_gemeld") is True
    conn.execute(_WRITE, {
        "b_instance_id": instance_id, "b_now": now,
        "b_opvang_soort": soort if isinstance(soort, str) else None,
        "b_opvang_aanbieder": _provider(data.get("opvang_aanbieder")),
        "b_opvang_start": data["opvang_start"] if isinstance(data.get("opvang_start"), str) else None,
        "b_bedenktijd_start": data["opvang_start"] if reflection else None,
        "b_bedenktijd_besluit": besluit if isinstance(besluit, str) else None,
        "b_bedenktijd_beeindigd_op_bereikt": int(bool(reflection_over)),
        "b_comensha_gemeld_op_bereikt": int(gemeld),
        "b_comensha_gegevens": comensha_record(data) if gemeld else None,
        "b_beeindigd_op_bereikt": int(finished),
        "b_einde_uitkomst": data.get("einde_uitkomst") if isinstance(data.get("einde_uitkomst"), str) else None,
    })
