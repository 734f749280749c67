"""Commands: each one loads, applies, runs the engine until it waits, and writes.

Every function here runs inside the caller's write transaction (``Database.write()``)
and either writes everything — instance state, projections, audit — or raises and
writes nothing (invariant 1). Concurrency is decided by the database (invariant 2):
the instance row's version for the workflow state, and conditional updates on the
task row for claims; losing either race raises :class:`StaleInstance`.

The statements on this path are built once at import, with bind parameters: building
SQLAlchemy statements per call costs more than running them.
"""
from __future__ import annotations

import datetime as dt
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, bindparam, insert, or_, select, update

from ..audit.audit import AuditBatch
from ..clock import AMSTERDAM, as_utc
from ..definitions.definitions import DefinitionCache, latest_definition_id
from ..definitions.forms import validate_submission
from ..errors import Conflict, FieldErrors, Forbidden, NotFound, WorkflowFailed
from ..people.access import may_see_task, may_work_task
from ..people.users import Actor, user_names
from ..spiff.serialization import load_state
from ..spiff.spiff_compat import engine_time
from ..store.schema import human_task, process_instance, signal
from .care import CARE_NOT_A_ROUTE, allowed_choices, check_care_rules, is_care, start_linked
from .care import choices as care_choices
from .dossier import record_intake, record_step
from .instances import Outcome, StaleInstance, persist, public_tasks, run_engine, save_instance, start_instance
from .intake import INTAKE_PROCESS, intake_form, prepare_intake, signal_columns
from .projections import OPEN, project, waiting_before
from .route_choice import ROUTE_QUESTIONS, choose_for_place

DEFAULT_PROCESS = INTAKE_PROCESS  # the default route: its form is the report form, its table chooses the route


_INSERT_SIGNAL = insert(signal).returning(signal.c.id)
# The task, its instance's state, and the instance's other open tasks: one round trip.
_TASK_WITH_INSTANCE = (
    select(human_task, process_instance.c.definition_id, process_instance.c.version.label("instance_version"),
           process_instance.c.state, signal.c.terugkoppeling.label("told_before"))
    .join(process_instance, process_instance.c.id == human_task.c.instance_id)
    .outerjoin(signal, signal.c.id == human_task.c.signal_id)
    .where(
        human_task.c.instance_id == select(human_task.c.instance_id)
        .where(human_task.c.id == bindparam("task_id")).scalar_subquery(),
        or_(human_task.c.status == OPEN, human_task.c.id == bindparam("task_id")),
    )
)
_TASK = select(human_task).where(human_task.c.id == bindparam("task_id"))
_CLAIM = (
    update(human_task)
    .where(human_task.c.id == bindparam("task_id"), human_task.c.toegewezen_aan.is_(None), human_task.c.status == OPEN,
           # still where the claimant's role was checked: a handover (engine.runtime.handover) may have moved it
           human_task.c.gemeente_id == bindparam("read_gemeente_id"))
    .values(toegewezen_aan=bindparam("actor_id"))
)
_UNCLAIM = (
    update(human_task)
    .where(human_task.c.id == bindparam("task_id"), human_task.c.toegewezen_aan == bindparam("actor_id"),
           human_task.c.status == OPEN)
    .values(toegewezen_aan=None)
)


def start_signal(conn: Connection, cache: DefinitionCache, actor: Actor, raw: dict, *, now: dt.datetime,
                 proces: str | None = None) -> Outcome:
    """Report a signal: validate the intake, start the process, run it to its first wait.

    :param proces: the process to start; ``None`` lets the intake choose it from the report's
        answers (:func:`engine.runtime.route_choice.choose_process`).
    """
    gekozen = proces is None
    if gekozen:
        shared = cache.get(conn, latest_definition_id(conn, INTAKE_PROCESS))
        form = intake_form(conn, cache, shared)
        clean, gemeente_id = prepare_intake(conn, shared, actor, raw, now, form)
        proces, inrichting = choose_for_place(conn, clean, gemeente_id, INTAKE_PROCESS)
    if not isinstance(proces, str) or not proces.strip():
        raise FieldErrors({"proces": "moet de sleutel van een gedeployd proces zijn (tekst)"})
    definition_id = latest_definition_id(conn, proces)
    compiled = cache.get(conn, definition_id)
    if is_care(compiled):
        raise FieldErrors({"proces": CARE_NOT_A_ROUTE})
    if not gekozen:
        form = intake_form(conn, cache, compiled)
        clean, gemeente_id = prepare_intake(conn, compiled, actor, raw, now, form)
    projection, instance_id = start_instance(conn, compiled, definition_id, clean, now)
    referentie = f"MH-{now.year}-{instance_id:06d}"
    signal_id = conn.execute(_INSERT_SIGNAL, {
        "referentie": referentie, "instance_id": instance_id, "gemeente_id": gemeente_id, "gemeld_door": actor.id,
        "created_at": now, **signal_columns(clean), **projection.signal_values(now),
    }).scalar_one()
    record_intake(conn, signal_id=signal_id, instance_id=instance_id, actor_id=actor.id,  # the case file's first entry
                  form=form or compiled.forms.get(compiled.start_form or ""), clean=clean, bpmn_id=None, now=now)
    log = AuditBatch(now, instance_id, signal_id, rol="melder")
    log.add("signaal_gemeld", actor.id, referentie=referentie, proces=proces, acute_nood=clean["acute_nood"],
            **({"proceskeuze": {key: clean[key] for key in ROUTE_QUESTIONS}, "route_inrichting": inrichting}
               if gekozen else {}))
    persist(conn, compiled, projection, log, instance_id=instance_id, version=1, signal_id=signal_id,
            gemeente_id=gemeente_id, now=now, before={}, signal_row_written=True)
    start_linked(conn, cache, projection, instance_id=instance_id, signal_id=signal_id, gemeente_id=gemeente_id,
                 now=now)
    return Outcome(signal_id, instance_id, projection.status, projection.route, projection.uitkomst, referentie,
                   public_tasks(projection.created), proces)


def _check_task(conn: Connection, actor: Actor, row) -> None:
    if row is None or not may_see_task(actor, row):
        raise NotFound("Deze taak bestaat niet of u heeft er geen toegang toe.")
    if row.status != OPEN:
        raise already_done(conn, row)


def already_done(conn: Connection, row) -> Conflict:
    """The 409 for a task that is no longer open: who completed it and when."""
    if row.status != OPEN and row.completed_by is not None:
        who = user_names(conn, {row.completed_by}).get(row.completed_by, "een ander")
        when = f" op {as_utc(row.completed_at).astimezone(AMSTERDAM):%d-%m-%Y om %H:%M}" if row.completed_at else ""
        return Conflict(f"Deze taak is al voltooid door {who}{when}.")
    return Conflict("Deze taak is vervallen: het proces is langs een andere weg verder gegaan.")


def complete_task(conn: Connection, cache: DefinitionCache, actor: Actor, task_id: int, data: dict, *,
                  now: dt.datetime, at_meeting: bool = False) -> Outcome:
    """Complete a user task with the submitted form data and run on to the next wait.

    :param at_meeting: the caller is :func:`engine.runtime.casustafel.record_decision`: a task decided by
        a case table (``human_task.casustafel``) can be completed from its meeting only.
    """
    rows = conn.execute(_TASK_WITH_INSTANCE, {"task_id": task_id}).all()
    row = next((r for r in rows if r.id == task_id), None)
    _check_task(conn, actor, row)
    if row.casustafel and not at_meeting:
        raise Forbidden("Dit besluit wordt genomen in het overleg van de casustafel: de aandachtsfunctionaris "
                        "agendeert het, en het wordt vastgelegd in de notulen van dat overleg.")
    if not may_work_task(actor, row):
        if row.toegewezen_aan not in (None, actor.id):
            who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
            raise Forbidden(f"Deze taak is toegewezen aan {who}.")
        raise Forbidden("U heeft niet de rol om deze taak te doen.")
    compiled = cache.get(conn, row.definition_id)
    form = compiled.forms[row.formulier]
    clean = validate_submission(form, data, choices=allowed_choices(care_choices(conn, compiled, row.gemeente_id)))
    wf = load_state(row.state, compiled.spec, compiled.subprocess_specs)
    task = wf.get_task_from_id(UUID(row.spiff_task_id))
    if task is None or task.state != TaskState.READY:
        raise StaleInstance("Deze taak staat niet meer open.")
    check_care_rules(compiled, task.data, clean)
    before = waiting_before(wf, compiled)
    merge_answers(task.data, clean)
    with engine_time(now):
        try:
            task.run()
        except SpiffWorkflowException as exc:
            raise WorkflowFailed(f"De taak '{row.naam}' kon niet worden afgerond: {exc}", row.bpmn_id) from exc
        run_engine(wf, row.bpmn_id)
    others = {r.spiff_task_id: (r.id, r.naam) for r in rows if r.status == OPEN and r.id != row.id}
    projection = project(wf, compiled, others, now, before)
    save_instance(conn, row.instance_id, row.instance_version, wf, projection.status, now)
    log = AuditBatch(now, row.instance_id, row.signal_id, rol=row.rol)
    log.add("taak_voltooid", actor.id, taak_id=row.id, stap=row.naam, velden=sorted(clean))
    persist(conn, compiled, projection, log, instance_id=row.instance_id, version=row.instance_version + 1,
            signal_id=row.signal_id, gemeente_id=row.gemeente_id, now=now, before=before, actor_id=actor.id,
            completed_task_id=row.id, told_before=row.told_before)
    record_step(conn, signal_id=row.signal_id, instance_id=row.instance_id, task=row, actor_id=actor.id, form=form,
                gegevens=clean, now=now)  # the case file keeps this step's own answers (engine.runtime.dossier)
    start_linked(conn, cache, projection, instance_id=row.instance_id, signal_id=row.signal_id,
                 gemeente_id=row.gemeente_id, now=now)
    return Outcome(row.signal_id, row.instance_id, projection.status, projection.route, projection.uitkomst,
                   None, public_tasks(projection.created))


def merge_answers(target: dict, updates: dict) -> None:
    """Merge a step's answers into the task data, nested objects key by key (also the replay's, engine.runtime.replay)."""
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_answers(target[key], value)
        else:
            target[key] = value


def claim_task(conn: Connection, actor: Actor, task_id: int, *, now: dt.datetime) -> None:
    """Take an open task of one's role; claiming one's own claimed task is a no-op."""
    row = conn.execute(_TASK, {"task_id": task_id}).first()
    _check_task(conn, actor, row)
    if row.toegewezen_aan == actor.id:
        return
    if row.toegewezen_aan is not None:
        who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
        raise Conflict(f"Deze taak is al geclaimd door {who}.")
    if not may_work_task(actor, row):
        raise Forbidden("U heeft niet de rol om deze taak te doen.")
    if conn.execute(_CLAIM, {"task_id": task_id, "actor_id": actor.id, "read_gemeente_id": row.gemeente_id}).rowcount != 1:
        raise StaleInstance("Deze taak is intussen door iemand anders geclaimd.")
    log = AuditBatch(now, row.instance_id, row.signal_id, rol=row.rol)
    log.add("taak_geclaimd", actor.id, taak_id=row.id, stap=row.naam)
    log.write(conn)


def unclaim_task(conn: Connection, actor: Actor, task_id: int, *, now: dt.datetime) -> None:
    """Give a claimed task back to the role's queue (only the assignee can)."""
    row = conn.execute(_TASK, {"task_id": task_id}).first()
    _check_task(conn, actor, row)
    if row.toegewezen_aan is None:
        return
    if row.toegewezen_aan != actor.id:
        raise Forbidden("Alleen wie de taak heeft geclaimd kan hem vrijgeven.")
    if conn.execute(_UNCLAIM, {"task_id": task_id, "actor_id": actor.id}).rowcount != 1:
        raise StaleInstance("Deze taak is intussen gewijzigd.")
    log = AuditBatch(now, row.instance_id, row.signal_id, rol=row.rol)
    log.add("taak_vrijgegeven", actor.id, taak_id=row.id, stap=row.naam)
    log.write(conn)
