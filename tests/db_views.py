"""What the tests read straight from the engine's tables, named once.

The engine's own read models (``engine.queries``) answer for a signed-in actor and shape
rows for screens; a test that checks what a command *wrote* (an audit event, a timer row)
reads the table here instead. Each helper takes the engine's ``Database`` or anything
holding one (an ``Orchestrator``, a ``RouteActions``).
"""
from __future__ import annotations

from sqlalchemy import Row, select

from engine.store.db import Database
from engine.store.schema import audit_event, timer, user


def _db(source) -> Database:
    if isinstance(source, Database):
        return source
    orchestrator = getattr(source, "orchestrator", source)
    return orchestrator.db


def audit_events(source, actie: str | None = None, *, signal_id: int | None = None,
                 instance_id: int | None = None) -> list[Row]:
    """The audit events (of kind ``actie``, of one signal or instance), oldest first."""
    query = select(audit_event).order_by(audit_event.c.id)
    if actie is not None:
        query = query.where(audit_event.c.actie == actie)
    if signal_id is not None:
        query = query.where(audit_event.c.signal_id == signal_id)
    if instance_id is not None:
        query = query.where(audit_event.c.instance_id == instance_id)
    with _db(source).read() as conn:
        return conn.execute(query).all()


def audit_details(source, actie: str) -> list[dict]:
    """The ``detail`` of each audit event of kind ``actie``, oldest first."""
    return [event.detail for event in audit_events(source, actie)]


def instance_timers(source, instance_id: int) -> list[Row]:
    """The timer rows of one process instance, in the order they were written."""
    with _db(source).read() as conn:
        return conn.execute(select(timer).where(timer.c.instance_id == instance_id).order_by(timer.c.id)).all()


def user_id_of(source, gebruikersnaam: str) -> int | None:
    """The id of the user of that name; ``None`` if there is none."""
    with _db(source).read() as conn:
        return conn.execute(select(user.c.id).where(user.c.gebruikersnaam == gebruikersnaam)).scalar()
