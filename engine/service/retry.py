""""Opnieuw proberen": fire a failing timer now, from the incidents page.

It lives in the service layer because it opens its own transactions (one to fire, one to
record a new failure) and calls both :mod:`engine.runtime.timers` and
:mod:`engine.runtime.incidents`; so timers records failures through incidents and
incidents never imports timers.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..definitions.definitions import DefinitionCache
from ..domain.status import TimerStatus
from ..errors import Conflict, NotFound
from ..people.users import Actor
from ..runtime import timers
from ..runtime.incidents import RetryResult, audit_retry, kind_of, open_incident, resolve_fired
from ..runtime.instances import StaleInstance
from ..store.db import Database, is_postgres
from ..store.schema import timer


def retry(db: Database, cache: DefinitionCache, actor: Actor, incident_id: int, now: dt.datetime) -> RetryResult:
    """Fire the incident's timer now, in this request: one command (resolved and audited if it
    fires); if it fails again, one command records the attempt (a new incident row, the
    back-off from now) and its audit event."""
    with db.read() as conn:
        row = open_incident(conn, actor, incident_id)
    if row.timer_id is None or row.timer_status != TimerStatus.WAITING:
        raise Conflict("Dit incident hoort niet bij een wachtende timer; er valt niets opnieuw te proberen. "
                       "Markeer het als opgelost als het is afgehandeld.")
    try:
        with db.write() as conn:
            open_incident(conn, actor, incident_id)  # still open now that we write
            fired = timers.fire_timers_of(conn, cache, row.instance_id, now=now, postgres=is_postgres(db.engine))
            if fired is None:
                raise Conflict("Het dossier wordt op dit moment gewijzigd; probeer het zo opnieuw.")
            still_waiting = conn.execute(select(timer.c.status).where(timer.c.id == row.timer_id)).scalar_one()
            if still_waiting == TimerStatus.WAITING:
                raise Conflict("De timer was nog niet aan de beurt; er is niets gewijzigd.")
            resolve_fired(conn, row.instance_id, row.timer_id, now, actor)
            audit_retry(conn, actor, row, now, "gelukt")
        return RetryResult(True)
    except StaleInstance:
        raise Conflict("Het dossier is intussen gewijzigd; probeer het opnieuw.") from None
    except (Conflict, NotFound):
        raise
    except Exception as exc:  # noqa: BLE001 - the step failed again: recorded, like a pass would
        with db.write() as conn:
            attempts = timers.record_failure(conn, row.timer_id, row.instance_id, exc, now)
            audit_retry(conn, actor, row, now, "mislukt")
        return RetryResult(False, kind_of(exc), attempts)
