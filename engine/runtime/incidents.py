"""Incidents: steps that failed at runtime, shown to a ``beheerder``, retried or resolved.

A timer whose path fails (a decision without a matching rule, a broken script) leaves
the instance where it was, gets a back-off and an ``incident`` row per failed attempt
(:mod:`engine.runtime.timers`). One *incident* on screen is the unresolved rows of one timer;
it ends when

* the timer fires after all (a later pass, or "opnieuw proberen" here, once the cause
  was fixed — e.g. a setting, a service that was down): :func:`resolve_fired`;
* a ``beheerder`` marks it resolved (:func:`resolve`): the case was handled outside
  the engine. The timer keeps its back-off; if the cause is still there, the next
  attempt opens a new incident. Moving the instance past the failing element, or onto
  a fixed version, is a migration (:mod:`engine.runtime.instance_migration`), not something this page does.

What is stored and shown is safe for an administrator who may not read cases: the error
*kind* (:data:`KINDS`), the failing element, and the *keys* of the data at that step —
never the values, and never the error message (it can quote process data; it stays in
``incident.fout`` for whoever may read the case's process data).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, and_, case, func, insert, select, update

from ..audit.audit import AuditBatch
from ..clock import isoformat
from ..errors import Conflict, NotFound, WorkflowFailed
from ..people.access import audit_scope, may_read_audit
from ..people.users import Actor, user_names
from ..store.schema import gemeente, human_task, incident, process_definition, process_instance, signal, timer
from .projections import WAITING

KINDS = {
    "beslissing_zonder_regel": "Een beslissing (DMN) heeft geen regel die past bij de gegevens",
    "geen_uitgaande_route": "Geen enkele uitgaande route van de keuze past bij de gegevens",
    "scriptfout": "Een script of expressie gaf een fout",
    "onbekend": "Een onverwachte fout",
}
MAX_KEYS = 100
_NOT_VISIBLE = "Dit incident bestaat niet of u heeft er geen toegang toe."


def kind_of(exc: BaseException) -> str:
    """The error kind of a failed step, from the exception alone (never its message's data)."""
    cause = exc.__cause__ if isinstance(exc, WorkflowFailed) and exc.__cause__ is not None else exc
    name = type(cause).__name__
    if name == "NoMatchingRule":
        return "beslissing_zonder_regel"
    if "No conditions satisfied" in str(cause):  # SpiffWorkflow's exclusive gateway without a matching flow
        return "geen_uitgaande_route"
    if getattr(cause, "error_type", None) or name in ("WorkflowTaskException", "WorkflowException"):
        return "scriptfout"
    return "onbekend"


def data_keys(exc: BaseException) -> list[str]:
    """The keys (only) of the data at the task that failed, if the error names the task."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    data = getattr(getattr(cause, "task", None), "data", None)
    return sorted(str(key) for key in data)[:MAX_KEYS] if isinstance(data, dict) else []


def record_failure(conn: Connection, *, instance_id: int, timer_id: int | None, element_id: str | None,
                   exc: BaseException, attempts: int, now: dt.datetime) -> None:
    """Write the incident row of one failed attempt."""
    conn.execute(insert(incident).values(
        instance_id=instance_id, timer_id=timer_id, element_id=element_id, fout=str(exc)[:4000], pogingen=attempts,
        created_at=now, soort=kind_of(exc), gegevens=data_keys(exc)))


def record_command_failure(conn: Connection, *, task_id: int, exc: WorkflowFailed, now: dt.datetime) -> None:
    """A user's command failed at a step and was rolled back: an incident, so a beheerder sees the
    case stuck there (the element, the error kind, the data keys). The task stays open; once the
    cause is fixed the user submits it again, and the beheerder marks the incident resolved."""
    instance_id = conn.execute(select(human_task.c.instance_id).where(human_task.c.id == task_id)).scalar()
    if instance_id is None:
        return
    earlier = conn.execute(select(func.count()).select_from(incident).where(
        incident.c.instance_id == instance_id, incident.c.timer_id.is_(None), incident.c.resolved_at.is_(None),
    )).scalar_one()
    record_failure(conn, instance_id=instance_id, timer_id=None, element_id=exc.element_id, exc=exc,
                   attempts=earlier + 1, now=now)


def resolve_fired(conn: Connection, instance_id: int, timer_id: int, now: dt.datetime,
                  actor: Actor | None = None) -> int:
    """The timer fired after failing before: its open incident is resolved (audited); returns rows closed."""
    closed = conn.execute(update(incident).where(incident.c.timer_id == timer_id, incident.c.resolved_at.is_(None))
                          .values(resolved_at=now, resolved_by=actor.id if actor else None)).rowcount
    if closed:
        batch = AuditBatch(now, instance_id, _signal_of(conn, instance_id))
        batch.add("incident_opgelost", actor.id if actor else None, timer=timer_id, wijze="timer_afgevuurd")
        batch.write(conn)
    return closed


# --- the list -------------------------------------------------------------------------------------

def _visible(actor: Actor):
    """The condition on ``signal`` for incidents ``actor`` may see; NotFound if none."""
    if not may_read_audit(actor):
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    scope = audit_scope(actor)
    return None if scope is None else signal.c.gemeente_id.in_(scope)


def incident_list(conn: Connection, actor: Actor, now: dt.datetime, *, limit: int = 50, offset: int = 0) -> dict:
    """Incidents ``actor`` (a beheerder) may see: open ones first, then the newest resolved.

    One entry per timer (and resolution): its element, error kind, attempts, first and
    last failure, the data keys, the timer's next attempt, who resolved it.
    """
    where = _visible(actor)
    groups = (
        select(func.max(incident.c.id).label("id"), func.min(incident.c.created_at).label("eerste"),
               func.max(incident.c.created_at).label("laatste"), func.max(incident.c.pogingen).label("pogingen"),
               incident.c.resolved_at)
        .select_from(incident.outerjoin(signal, signal.c.instance_id == incident.c.instance_id))
        .group_by(incident.c.instance_id, incident.c.timer_id, incident.c.resolved_at)
    )
    if where is not None:
        groups = groups.where(where)
    groups = groups.subquery()
    total, open_ = conn.execute(select(func.count(), func.count(case((groups.c.resolved_at.is_(None), 1))))
                                .select_from(groups)).one()
    page = conn.execute(
        select(groups, incident.c.instance_id, incident.c.timer_id, incident.c.element_id, incident.c.soort,
               incident.c.gegevens, incident.c.resolved_by, timer.c.naam.label("timer_naam"),
               timer.c.status.label("timer_status"), timer.c.attempt_at, signal.c.referentie,
               gemeente.c.naam.label("gemeente"), process_definition.c.naam.label("proces"),
               process_definition.c.versie)
        .join(incident, incident.c.id == groups.c.id)
        .join(process_instance, process_instance.c.id == incident.c.instance_id)
        .join(process_definition, process_definition.c.id == process_instance.c.definition_id)
        .outerjoin(timer, timer.c.id == incident.c.timer_id)
        .outerjoin(signal, signal.c.instance_id == incident.c.instance_id)
        .outerjoin(gemeente, gemeente.c.id == signal.c.gemeente_id)
        .order_by(case((groups.c.resolved_at.is_(None), 0), else_=1), groups.c.laatste.desc(), groups.c.id.desc())
        .limit(limit).offset(offset)
    ).all()
    names = user_names(conn, {r.resolved_by for r in page if r.resolved_by})
    return {"incidenten": [_entry(r, names) for r in page], "totaal": total, "open": open_}


def _entry(r, names: dict[int, str]) -> dict:
    is_open = r.resolved_at is None
    return {
        "id": r.id, "instance_id": r.instance_id, "referentie": r.referentie, "gemeente": r.gemeente,
        "proces": r.proces, "versie": r.versie, "element": r.element_id, "soort": r.soort or "onbekend",
        "soort_tekst": KINDS.get(r.soort or "onbekend", KINDS["onbekend"]), "gegevens": list(r.gegevens or []),
        "pogingen": r.pogingen, "eerste_fout": isoformat(r.eerste), "laatste_fout": isoformat(r.laatste),
        "timer": r.timer_naam, "volgende_poging": isoformat(r.attempt_at) if is_open and r.timer_status == WAITING else None,
        "open": is_open, "opgelost_op": isoformat(r.resolved_at),
        "opgelost_door": names.get(r.resolved_by) if r.resolved_by else (None if is_open else "de klok"),
        "kan_opnieuw": is_open and r.timer_id is not None and r.timer_status == WAITING,
    }


# --- the commands ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetryResult:
    """What "opnieuw proberen" did: ``gelukt`` (the timer fired), or failed again with ``soort``."""

    gelukt: bool
    soort: str | None = None
    pogingen: int = 0


def open_incident(conn: Connection, actor: Actor, incident_id: int):
    """The open incident ``incident_id`` as ``actor`` may see it, with its timer's status; else NotFound/Conflict."""
    where = _visible(actor)
    stmt = (select(incident.c.id, incident.c.instance_id, incident.c.timer_id, incident.c.element_id,
                   incident.c.resolved_at, timer.c.status.label("timer_status"))
            .outerjoin(signal, signal.c.instance_id == incident.c.instance_id)
            .outerjoin(timer, timer.c.id == incident.c.timer_id)
            .where(incident.c.id == incident_id))
    row = conn.execute(stmt.where(where) if where is not None else stmt).first()
    if row is None:
        raise NotFound(_NOT_VISIBLE)
    if row.resolved_at is not None:
        raise Conflict("Dit incident is al opgelost.")
    return row


def resolve(conn: Connection, actor: Actor, incident_id: int, now: dt.datetime) -> None:
    """Mark the open incident (all its unresolved attempts) resolved by ``actor``; audited."""
    row = open_incident(conn, actor, incident_id)
    same = and_(incident.c.instance_id == row.instance_id, incident.c.resolved_at.is_(None),
                incident.c.timer_id == row.timer_id if row.timer_id is not None else incident.c.timer_id.is_(None))
    conn.execute(update(incident).where(same).values(resolved_at=now, resolved_by=actor.id))
    batch = AuditBatch(now, row.instance_id, _signal_of(conn, row.instance_id), rol="beheerder")
    batch.add("incident_opgelost", actor.id, incident=row.id, element=row.element_id, timer=row.timer_id,
              wijze="gemarkeerd")
    batch.write(conn)


def audit_retry(conn: Connection, actor: Actor, row, now: dt.datetime, uitkomst: str) -> None:
    """Record one "opnieuw proberen" of incident ``row`` and its ``uitkomst`` (``gelukt``, ``mislukt``)."""
    batch = AuditBatch(now, row.instance_id, _signal_of(conn, row.instance_id), rol="beheerder")
    batch.add("incident_opnieuw_geprobeerd", actor.id, incident=row.id, element=row.element_id, timer=row.timer_id,
              uitkomst=uitkomst)
    batch.write(conn)


def _signal_of(conn: Connection, instance_id: int) -> int | None:
    return conn.execute(select(signal.c.id).where(signal.c.instance_id == instance_id)).scalar()
