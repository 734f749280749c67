"""What a municipality keeps of a signal it handed over: the reference and the fact (engine.runtime.handover)."""
from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from ..errors import NotFound
from ..people.access import sees_handover
from ..people.users import Actor
from ..store.schema import gemeente, overdracht, signal
from .signal_list import handover_json

_TO = gemeente.alias("naar_gemeente")
_HANDOVERS = (
    select(overdracht.c.van_gemeente_id, signal.c.id, signal.c.referentie, signal.c.ontvangen_op, overdracht.c.op,
           overdracht.c.reden, gemeente.c.naam.label("van_naam"), _TO.c.naam.label("naar_naam"))
    .join(signal, signal.c.id == overdracht.c.signal_id)
    .join(gemeente, gemeente.c.id == overdracht.c.van_gemeente_id)
    .join(_TO, _TO.c.id == overdracht.c.naar_gemeente_id)
    .where(overdracht.c.signal_id == bindparam("signal_id"))
    .order_by(overdracht.c.id.desc())
)


def handed_over_view(conn: Connection, actor: Actor, signal_id: int) -> dict:
    """Signal ``signal_id`` as a municipality that handed it over keeps it: its reference and the
    handover (the latest one from a municipality of ``actor``'s). No personal data: nothing to log.

    :raises NotFound: ``actor``'s municipalities handed no such signal over.
    """
    for row in conn.execute(_HANDOVERS, {"signal_id": signal_id}):
        if sees_handover(actor, row.van_gemeente_id):
            return {**handover_json(row), "overgedragen": True}
    raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
