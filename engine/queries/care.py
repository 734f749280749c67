"""What the signal page and API show of a signal's care trajectory, and its waiting deadlines.

Reads the ``zorgtraject`` and ``timer`` projections only (invariant 4). Whether the care part is
shown at all is :func:`engine.people.access.may_see_care_data`'s decision.
"""
from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from ..clock import isoformat
from ..domain.care import BEDENKTIJD_BESLUITEN, EINDE_UITKOMSTEN, OPVANG_SOORTEN
from ..domain.status import TimerStatus
from ..store.schema import ketenpartner, timer, zorgtraject

_TRAJECTORIES = (
    select(zorgtraject, ketenpartner.c.naam.label("aanbieder_naam"))
    .outerjoin(ketenpartner, ketenpartner.c.id == zorgtraject.c.opvang_aanbieder)
    .where(zorgtraject.c.signal_id == bindparam("signal_id"))
    .order_by(zorgtraject.c.id)
)
_WAITING = (
    select(timer.c.naam, timer.c.due_at)
    .where(timer.c.instance_id.in_(bindparam("instance_ids", expanding=True)), timer.c.status == TimerStatus.WAITING)
    .order_by(timer.c.due_at, timer.c.id)
)


def trajectories(conn: Connection, signal_id: int) -> list:
    """The ``zorgtraject`` rows of a signal (with the shelter provider's name), oldest first."""
    return conn.execute(_TRAJECTORIES, {"signal_id": signal_id}).all()


def trajectory_json(row) -> dict:
    """A trajectory as the signal page and API show it to those who may see care data."""
    return {
        "gestart_op": isoformat(row.gestart_op),
        "beeindigd_op": isoformat(row.beeindigd_op),
        "einde_uitkomst": row.einde_uitkomst,
        "einde_uitkomst_naam": EINDE_UITKOMSTEN.get(row.einde_uitkomst or ""),
        "opvang_soort": row.opvang_soort,
        "opvang_soort_naam": OPVANG_SOORTEN.get(row.opvang_soort or ""),
        "opvang_aanbieder": row.aanbieder_naam,
        "opvang_start": row.opvang_start,
        "bedenktijd_start": row.bedenktijd_start,
        "bedenktijd_beeindigd_op": isoformat(row.bedenktijd_beeindigd_op),
        "bedenktijd_besluit": row.bedenktijd_besluit,
        "bedenktijd_besluit_naam": BEDENKTIJD_BESLUITEN.get(row.bedenktijd_besluit or ""),
        "comensha_gemeld_op": isoformat(row.comensha_gemeld_op),
    }


def deadlines(conn: Connection, instance_ids: list[int]) -> list[dict]:
    """The waiting timers of the instances as ``termijnen``: ``[{"naam", "vervalt_op"}]``, soonest first."""
    if not instance_ids:
        return []
    rows = conn.execute(_WAITING, {"instance_ids": list(instance_ids)}).all()
    return [{"naam": r.naam, "vervalt_op": isoformat(r.due_at)} for r in rows]
