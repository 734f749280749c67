"""Move a signal to another process: the analist's correction of the intake's choice.

One command, one transaction: the old instance is cancelled (its workflow cancelled and
saved with status :data:`CANCELLED_INSTANCE`, its open tasks and waiting timers marked
``vervallen``) — never deleted — and the new process starts on the same signal with the
data the report started with. The signal keeps its row, its referentie and its report; it
points at the new instance, and its status, phase and route follow the new process.
The move is recorded in ``proceswissel`` and in the audit log (from, to, reason).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, func, insert, select, update

from ..audit.audit import AuditBatch
from ..definitions.definitions import DefinitionCache, latest_definition_id
from ..domain.status import SignalStatus
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..people.access import CASE_ROLES, Visibility, signal_access
from ..people.users import Actor
from ..spiff.serialization import load_state
from ..store.schema import human_task, process_definition, process_instance, proceswissel, signal, timer
from .care import CARE_NOT_A_ROUTE, is_care, start_linked
from .dossier import discard_drafts
from .instances import Outcome, StaleInstance, persist, public_tasks, save_instance, start_instance
from .projections import CANCELLED, FINISHED, OPEN, WAITING

CANCELLED_INSTANCE = SignalStatus.CANCELLED  # process_instance.status of an instance a signal moved away from
# Process data the new process must work out itself, not inherit.
_NOT_CARRIED = frozenset({"route", "terugkoppeling", "politie_ingeschakeld"})
MAX_REDEN = 1000

_SIGNAL = (
    select(signal.c.id, signal.c.gemeente_id, signal.c.route, signal.c.gemeld_door, signal.c.status, signal.c.terugkoppeling,
           signal.c.instance_id, process_instance.c.version, process_instance.c.state,
           process_instance.c.definition_id, process_definition.c.sleutel)
    .join(process_instance, process_instance.c.id == signal.c.instance_id)
    .join(process_definition, process_definition.c.id == process_instance.c.definition_id)
)
# What the case page needs to offer a move: who may, and from which process; not the workflow's state.
_SIGNAL_FOR_CHOICES = (
    select(signal.c.id, signal.c.gemeente_id, signal.c.route, signal.c.gemeld_door, signal.c.status,
           process_definition.c.sleutel)
    .join(process_instance, process_instance.c.id == signal.c.instance_id)
    .join(process_definition, process_definition.c.id == process_instance.c.definition_id)
    .where(signal.c.id == bindparam("signal_id"))
)


def may_change_process(actor: Actor, row) -> bool:
    """Whether ``actor`` may move signal ``row`` to another process: the analist or the
    aandachtsfunctionaris of its municipality who sees it in full."""
    visibility, _ = signal_access(actor, row)
    return visibility is Visibility.FULL and any(actor.has_role(rol, row.gemeente_id) for rol in CASE_ROLES)


def _start_data(wf) -> dict:
    """The data the old instance started with (the report), from its first task."""
    start = next(iter(wf.get_tasks(spec_name="Start")), None)  # SpiffWorkflow's start task holds the report
    data = dict(start.data) if start is not None else dict(wf.data)
    return {key: value for key, value in data.items() if key not in _NOT_CARRIED}


def change_process(conn: Connection, cache: DefinitionCache, actor: Actor, signal_id: int, proces: str,
                   reden: str, *, now: dt.datetime) -> Outcome:
    """Cancel the signal's running instance and start ``proces`` on the same signal.

    :param reden: why (required; shown in the signal's history and the processing log).
    :raises NotFound: the signal does not exist or ``actor`` may not see it.
    :raises Forbidden: ``actor`` sees it but may not move it.
    :raises Conflict: the signal is closed.
    :raises FieldErrors: no reason, an unknown process, or the process it already follows.
    """
    row = conn.execute(_SIGNAL.where(signal.c.id == signal_id)).first()
    if row is None or signal_access(actor, row)[0] is Visibility.NONE:
        raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
    if not may_change_process(actor, row):
        raise Forbidden("Alleen de analist of de aandachtsfunctionaris van de gemeente kan het proces wijzigen.")
    if row.status == FINISHED:
        raise Conflict("Dit signaal is afgerond; het kan niet meer naar een ander proces.")
    errors = {}
    reden = reden.strip() if isinstance(reden, str) else ""
    if not reden:
        errors["reden"] = "is verplicht: waarom volgt dit signaal een ander proces?"
    elif len(reden) > MAX_REDEN:
        errors["reden"] = f"mag hoogstens {MAX_REDEN} tekens zijn"
    definition_id = None
    if not isinstance(proces, str) or not proces.strip():
        errors["proces"] = "kies een proces"
    elif proces == row.sleutel:
        errors["proces"] = "het signaal volgt dit proces al"
    else:
        try:
            definition_id = latest_definition_id(conn, proces)
        except NotFound:
            errors["proces"] = f"proces '{proces}' is niet gedeployd"
    if errors:
        raise FieldErrors(errors)

    old = cache.get(conn, row.definition_id)
    old_wf = load_state(row.state, old.spec, old.subprocess_specs)
    data = _start_data(old_wf)
    old_wf.cancel()
    save_instance(conn, row.instance_id, row.version, old_wf, CANCELLED_INSTANCE, now)
    vervallen = conn.execute(
        update(human_task).where(human_task.c.instance_id == row.instance_id, human_task.c.status == OPEN)
        .values(status=CANCELLED, completed_at=now).returning(human_task.c.id, human_task.c.naam)).all()
    conn.execute(update(timer).where(timer.c.instance_id == row.instance_id, timer.c.status == WAITING)
                 .values(status=CANCELLED))
    discard_drafts(conn, [task_id for task_id, _naam in vervallen])  # a draft ends with its task

    compiled = cache.get(conn, definition_id)
    if is_care(compiled):
        raise FieldErrors({"proces": CARE_NOT_A_ROUTE})
    projection, instance_id = start_instance(conn, compiled, definition_id, data, now)
    moved = conn.execute(update(signal).where(signal.c.id == signal_id, signal.c.instance_id == row.instance_id)
                         .values(instance_id=instance_id))
    if moved.rowcount != 1:
        raise StaleInstance("Het signaal is intussen door iemand anders gewijzigd.")
    conn.execute(insert(proceswissel).values(
        signal_id=signal_id, van_instance_id=row.instance_id, naar_instance_id=instance_id, van_proces=row.sleutel,
        naar_proces=proces, reden=reden, door=actor.id, op=now))
    rol = next(rol for rol in CASE_ROLES if actor.has_role(rol, row.gemeente_id))
    log = AuditBatch(now, instance_id, signal_id, rol=rol)
    log.add("proces_gewijzigd", actor.id, van=row.sleutel, naar=proces, reden=reden,
            oude_instantie=row.instance_id, vervallen=[naam for _id, naam in vervallen])
    persist(conn, compiled, projection, log, instance_id=instance_id, version=1, signal_id=signal_id,
            gemeente_id=row.gemeente_id, now=now, before={}, told_before=row.terugkoppeling)
    start_linked(conn, cache, projection, instance_id=instance_id, signal_id=signal_id, gemeente_id=row.gemeente_id,
                 now=now)
    return Outcome(signal_id, instance_id, projection.status, projection.route, projection.uitkomst, None,
                   public_tasks(projection.created),
                   proces)


_NEWEST = select(process_definition.c.sleutel, func.max(process_definition.c.versie).label("versie")) \
    .group_by(process_definition.c.sleutel).subquery()
# Built once: the case page asks on every view (a statement built per call cost more than it ran).
_NEWEST_DEFINITIONS = select(process_definition.c.id, process_definition.c.sleutel, process_definition.c.naam).join(
    _NEWEST, (_NEWEST.c.sleutel == process_definition.c.sleutel) & (_NEWEST.c.versie == process_definition.c.versie)) \
    .order_by(process_definition.c.naam)


def choices(conn: Connection, actor: Actor, signal_id: int, cache: DefinitionCache | None = None) -> list[dict]:
    """The deployed processes signal ``signal_id`` can move to, if ``actor`` may move it (else none); with
    ``cache``, not a care trajectory (engine.runtime.care: it starts from a route, it is none itself)."""
    row = conn.execute(_SIGNAL_FOR_CHOICES, {"signal_id": signal_id}).first()
    if row is None or row.status == FINISHED or not may_change_process(actor, row):
        return []
    rows = conn.execute(_NEWEST_DEFINITIONS).all()
    return [{"sleutel": r.sleutel, "naam": r.naam} for r in rows
            if r.sleutel != row.sleutel and (cache is None or not is_care(cache.get(conn, r.id)))]  # no route
