"""Moving running instances from one version of a process to a newer one, previewed first.

SpiffWorkflow aligns the two specs (``SpiffWorkflow.bpmn.util.diff``: ``diff_workflow``
matches task specs by BPMN id, then by structure) and ``migrate_workflow`` points the
instance's tasks at the new specs and re-predicts its open branches. Around that this
module decides what may not move (an instance waiting at, or having passed, a step the
new version no longer has), keeps what should not change (a waiting timer keeps its due
time unless its own definition changed), and writes the projections for the new version:
open ``human_task`` rows (name, role, form, deadline), ``timer`` rows, the signal's
``fase`` and ``status``; and ``process_instance.definition_id``.

:func:`plan` is the preview and changes nothing; :func:`migrate` is one command for one
instance in the caller's transaction, with the instance version check. Nothing here reads
or returns a signal's content: a plan names the reference, the steps and the version.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, bindparam, insert, select, update

from ..audit.audit import AuditBatch
from ..clock import AMSTERDAM
from ..definitions.definitions import DefinitionCache
from ..definitions.validation import CompiledDefinition
from ..errors import Conflict, WorkflowFailed
from ..mail.notify import queue_tasks_opened
from ..spiff.serialization import dump_state, load_state
from ..spiff.spiff_compat import engine_time
from ..store.schema import human_task, process_instance, signal, timer, zorgtraject
from .care_projection import write_care
from .instances import StaleInstance, log_task_changes, run_engine, tell_reporter
from .projections import CANCELLED, OPEN, RUNNING, WAITING, Projection, project, update_signal, waiting_before, write_tasks

_REGISTRY = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)).registry
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
MAX_PREVIEW = 500


@dataclass
class Plan:
    """What migrating one instance does (or why it cannot): process data only."""

    instantie: int
    referentie: str | None
    versie: int  # the instance row's version the plan was made from
    huidige_stappen: list[str]
    nieuwe_stappen: list[str] = field(default_factory=list)
    wijzigingen: list[str] = field(default_factory=list)
    kan_migreren: bool = False
    reden: str | None = None
    # for migrate(): the moved workflow and its projection (not part of the preview)
    _wf: object = None
    _projection: Projection | None = None
    _before: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"instantie": self.instantie, "referentie": self.referentie, "versie": self.versie,
                "huidige_stappen": self.huidige_stappen, "nieuwe_stappen": self.nieuwe_stappen,
                "wijzigingen": self.wijzigingen, "kan_migreren": self.kan_migreren, "reden": self.reden}


class CannotMigrate(Exception):
    """An instance cannot move to the new version; the message says why (in Dutch)."""


def _name(spec) -> str:
    bpmn_name = getattr(spec, "bpmn_name", None)
    return f"'{bpmn_name}' ({spec.bpmn_id})" if bpmn_name else f"'{spec.bpmn_id}'"


def _local(value: dt.datetime) -> str:
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _open_rows(conn: Connection, instance_id: int) -> dict[str, object]:
    rows = conn.execute(select(human_task).where(human_task.c.instance_id == instance_id,
                                                 human_task.c.status == OPEN)).all()
    return {row.spiff_task_id: row for row in rows}


def _blockers(diff, subprocess_diffs, naar_versie: int) -> list[str]:
    reasons = []
    for task in diff.removed:
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None:
            continue  # the engine's own tasks (start, end, joins) follow their process
        if task.has_state(_ACTIVE):
            reasons.append(f"wacht bij {_name(spec)}, dat in versie {naar_versie} niet meer bestaat")
        elif task.has_state(TaskState.FINISHED_MASK):
            reasons.append(f"heeft {_name(spec)} al doorlopen, en die stap bestaat in versie {naar_versie} niet meer")
    for sp_id, sp_diff in subprocess_diffs.items():
        if sp_diff is None:
            reasons.append(f"loopt in een deelproces ({sp_id}) dat in versie {naar_versie} niet meer bestaat")
    return reasons


def _saved_timers(wf, before) -> dict[str, dict]:
    saved = {}
    for spiff_id in before:
        task = wf.get_task_from_id(UUID(spiff_id))
        saved[spiff_id] = copy.deepcopy(task.internal_data)
    return saved


def _spec_changed(diff, bpmn_id: str) -> bool:
    return any(getattr(task.task_spec, "bpmn_id", None) == bpmn_id for task in diff.changed)


def plan(conn: Connection, cache: DefinitionCache, row, referentie: str | None, *, naar_id: int, naar_versie: int,
         now: dt.datetime) -> Plan:
    """What migrating the instance ``row`` (a ``process_instance`` row) to version ``naar_id`` would do.

    The workflow is moved in memory only; nothing is written.
    """
    old = cache.get(conn, row.definition_id)
    new = cache.get(conn, naar_id)
    wf = load_state(row.state, old.spec, old.subprocess_specs)
    open_rows = _open_rows(conn, row.id)
    current = sorted({r.naam for r in open_rows.values()})
    result = Plan(row.id, referentie, row.version, current)
    before = waiting_before(wf, old)
    try:
        diff, subprocess_diffs = diff_workflow(_REGISTRY, wf, new.spec, new.subprocess_specs)
    except (SpiffWorkflowException, KeyError, AttributeError, TypeError) as exc:
        result.reden = f"de versies laten zich niet vergelijken: {exc}"
        return result
    blockers = _blockers(diff, subprocess_diffs, naar_versie)
    if blockers:
        result.reden = "De instantie " + "; ".join(blockers) + "."
        return result
    saved = _saved_timers(wf, before)
    try:
        with engine_time(now):
            migrate_workflow(diff, wf, new.spec)
            for sp_id, sp_diff in subprocess_diffs.items():
                sub = wf.subprocesses[sp_id]
                migrate_workflow(sp_diff, sub, new.subprocess_specs[sub.spec.name])
            _keep_timers(wf, saved, diff)
            run_engine(wf)
        load_state(dump_state(wf), new.spec, new.subprocess_specs)  # the moved state must restore on the new spec
    except (WorkflowFailed, SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError) as exc:
        result.reden = f"De instantie kan niet verder op versie {naar_versie}: {exc}"
        return result
    projection = project(wf, new, open_rows, now, before)
    result.nieuwe_stappen = sorted(_ready_names(wf, new))
    result.wijzigingen = _changes(open_rows, projection, before, old, new, diff, naar_versie)
    result.kan_migreren = True
    result._wf, result._projection, result._before = wf, projection, before
    return result


def _ready_names(wf, compiled: CompiledDefinition) -> set[str]:
    return {compiled.tasks[t.task_spec.bpmn_id].naam for t in wf.get_tasks(state=TaskState.READY)
            if t.task_spec.manual and t.task_spec.bpmn_id in compiled.tasks}


def _keep_timers(wf, saved: dict[str, dict], diff) -> None:
    """A timer that was waiting keeps its due time, unless the new version changed that timer."""
    for spiff_id, internal in saved.items():
        task = wf.tasks.get(UUID(spiff_id))
        if task is None or task.state != TaskState.WAITING or "event_value" not in internal:
            continue
        if _spec_changed(diff, task.task_spec.bpmn_id):
            continue
        task.internal_data["event_value"] = internal["event_value"]


def _changes(open_rows, projection: Projection, before, old: CompiledDefinition, new: CompiledDefinition,
             diff, naar_versie: int) -> list[str]:
    changes = []
    for spiff_id, row in open_rows.items():
        if spiff_id in projection.vanishing:
            continue
        meta = new.tasks.get(row.bpmn_id)
        if meta is None:
            continue
        if meta.naam != row.naam:
            changes.append(f"stap '{row.naam}' heet voortaan '{meta.naam}'")
        if meta.rol != row.rol:
            changes.append(f"stap '{row.naam}' gaat naar de rol {meta.rol} (was {row.rol})")
        if meta.formulier != row.formulier:
            changes.append(f"stap '{row.naam}' krijgt formulier '{meta.formulier}' (was '{row.formulier}')")
        elif old.forms.get(row.formulier) is not None and new.forms.get(meta.formulier) is not None and \
                old.forms[row.formulier].schema != new.forms[meta.formulier].schema:
            changes.append(f"het formulier van stap '{row.naam}' is gewijzigd")
    for task in projection.new_tasks:
        changes.append(f"nieuwe taak '{task['naam']}' (rol {task['rol']})")
    for spiff_id in projection.vanishing:
        changes.append(f"taak '{open_rows[spiff_id].naam}' vervalt")
    for spiff_id, old_timer in before.items():
        waiting = projection.waiting.get(spiff_id)
        naam = (new.timers.get(old_timer.bpmn_id) or old.timers.get(old_timer.bpmn_id))
        label = naam.naam if naam else old_timer.bpmn_id
        if waiting is None:
            changes.append(f"timer '{label}' vervalt")
        elif waiting.due_at != old_timer.due_at:
            changes.append(f"timer '{label}' loopt voortaan af op {_local(waiting.due_at)} "
                           f"(was {_local(old_timer.due_at)})")
    for spiff_id, waiting in projection.waiting.items():
        if spiff_id not in before:
            meta = new.timers.get(waiting.bpmn_id)
            changes.append(f"nieuwe timer '{meta.naam if meta else waiting.bpmn_id}' loopt af op "
                           f"{_local(waiting.due_at)}")
    return changes or [f"geen zichtbare wijziging: de instantie volgt voortaan versie {naar_versie}"]


_INSTANCE = select(process_instance).where(process_instance.c.id == bindparam("instance_id"))
_REFERENCE = select(signal.c.id, signal.c.referentie, signal.c.gemeente_id).where(
    signal.c.instance_id == bindparam("instance_id"))
# A care trajectory's signal (engine.runtime.care): its tasks belong to it, its row is never written.
_LINKED_REFERENCE = (
    select(signal.c.id, signal.c.referentie, zorgtraject.c.gemeente_id)
    .join(zorgtraject, zorgtraject.c.signal_id == signal.c.id)
    .where(zorgtraject.c.instance_id == bindparam("instance_id"))
)


def spec_changes(conn: Connection, cache: DefinitionCache, van_id: int, naar_id: int) -> dict[str, list[dict]]:
    """The steps added, removed and changed between two versions (by BPMN id and name)."""
    diff = SpecDiff(_REGISTRY, cache.get(conn, van_id).spec, cache.get(conn, naar_id).spec)

    def listed(specs) -> list[dict]:
        return sorted(({"element": s.bpmn_id, "naam": getattr(s, "bpmn_name", None) or s.bpmn_id}
                       for s in specs if getattr(s, "bpmn_id", None)), key=lambda e: e["element"])

    return {"toegevoegd": listed(diff.added), "verwijderd": listed(diff.removed), "gewijzigd": listed(diff.changed)}


def running_on(conn: Connection, definition_id: int, limit: int = MAX_PREVIEW) -> list:
    """The running instances of one version with their signal's reference (oldest first)."""
    return conn.execute(
        select(process_instance, signal.c.referentie)
        .outerjoin(signal, signal.c.instance_id == process_instance.c.id)
        .where(process_instance.c.definition_id == definition_id, process_instance.c.status == RUNNING)
        .order_by(process_instance.c.id).limit(limit)
    ).all()


def migrate(conn: Connection, cache: DefinitionCache, instance_id: int, *, van_id: int, naar_id: int,
            naar_versie: int, van_versie: int, user_id: int | None, now: dt.datetime,
            seen_version: int | None = None) -> Plan:
    """Move one instance from version ``van_id`` to ``naar_id`` in the caller's transaction.

    Raises :class:`CannotMigrate` with the reason when it cannot move (nothing written),
    :class:`~engine.errors.Conflict` when the instance changed since ``seen_version`` (the
    preview) or while migrating.
    """
    row = conn.execute(_INSTANCE, {"instance_id": instance_id}).first()
    if row is None or row.definition_id != van_id:
        raise CannotMigrate(f"De instantie loopt niet (meer) op versie {van_versie}.")
    if row.status != RUNNING:
        raise CannotMigrate("De instantie is al afgerond.")
    if seen_version is not None and row.version != seen_version:
        raise Conflict("De instantie is gewijzigd sinds het voorbeeld; bekijk het voorbeeld opnieuw.")
    sig = conn.execute(_REFERENCE, {"instance_id": instance_id}).first() \
        or conn.execute(_LINKED_REFERENCE, {"instance_id": instance_id}).first()
    result = plan(conn, cache, row, sig.referentie if sig else None, naar_id=naar_id, naar_versie=naar_versie,
                  now=now)
    if not result.kan_migreren:
        raise CannotMigrate(result.reden)
    new = cache.get(conn, naar_id)
    projection = result._projection
    saved = conn.execute(
        update(process_instance)
        .where(process_instance.c.id == instance_id, process_instance.c.version == row.version,
               process_instance.c.definition_id == van_id)
        .values(state=dump_state(result._wf), version=row.version + 1, definition_id=naar_id,
                status=projection.status, updated_at=now, completed_at=None if projection.status == RUNNING else now)
    ).rowcount
    if saved != 1:
        raise StaleInstance("De instantie is intussen door iemand anders gewijzigd; probeer het opnieuw.")
    gemeente_id = sig.gemeente_id if sig else conn.execute(
        select(human_task.c.gemeente_id).where(human_task.c.instance_id == instance_id).limit(1)).scalar()
    _update_open_rows(conn, instance_id, projection, new)
    write_tasks(conn, projection, instance_id=instance_id, signal_id=sig.id if sig else None,
                gemeente_id=gemeente_id, now=now)
    queue_tasks_opened(conn, projection.created, gemeente_id=gemeente_id, now=now, instance_id=instance_id,
                       version=row.version + 1)
    _sync_timers(conn, instance_id, projection, result._before, new, now)
    care = projection.care is not None  # a care trajectory: its own row, never the signal's
    if care:
        write_care(conn, instance_id, projection.care, finished=projection.status != RUNNING, now=now)
    elif sig is not None:
        update_signal(conn, projection, sig.id, now)
    log = AuditBatch(now, instance_id, sig.id if sig else None, rol="procesbeheerder")
    log.add("instantie_gemigreerd", user_id, van_versie=van_versie, naar_versie=naar_versie,
            wijzigingen=result.wijzigingen)
    log_task_changes(log, projection)
    if sig is not None and not care:  # the new version may tell the reporter something else (its end events, its data)
        tell_reporter(conn, projection, sig.id, log, now=now)
    log.write(conn)
    return result


def record_refusal(conn: Connection, instance_id: int, *, van_versie: int, naar_versie: int, reden: str,
                   user_id: int | None, now: dt.datetime) -> str | None:
    """Audit a migration that did not happen, with its reason (nothing for an unknown instance).

    :return: the reference of the instance's signal (``None`` without one).
    """
    if conn.execute(select(process_instance.c.id).where(process_instance.c.id == instance_id)).first() is None:
        return None
    sig = conn.execute(_REFERENCE, {"instance_id": instance_id}).first()
    log = AuditBatch(now, instance_id, sig.id if sig else None, rol="procesbeheerder")
    log.add("migratie_geweigerd", user_id, van_versie=van_versie, naar_versie=naar_versie, reden=reden[:500])
    log.write(conn)
    return sig.referentie if sig else None


def _update_open_rows(conn: Connection, instance_id: int, projection: Projection, new: CompiledDefinition) -> None:
    """Open tasks that stay open take the new version's name, role, form and deadline."""
    for row in _open_rows(conn, instance_id).values():
        if row.spiff_task_id in projection.vanishing:
            continue
        meta = new.tasks.get(row.bpmn_id)
        if meta is None:
            continue
        values = {"naam": meta.naam, "rol": meta.rol, "formulier": meta.formulier}
        if meta.rol != row.rol:
            values["toegewezen_aan"] = None  # someone of the new role takes it up
        for waiting in projection.waiting.values():
            timer_meta = new.timers.get(waiting.bpmn_id)
            if waiting.attached_task == row.spiff_task_id and timer_meta is not None and timer_meta.actie == "escalatie":
                values["due_at"] = waiting.due_at
        conn.execute(update(human_task).where(human_task.c.id == row.id).values(**values))


def _sync_timers(conn: Connection, instance_id: int, projection: Projection, before: dict,
                 new: CompiledDefinition, now: dt.datetime) -> None:
    """The instance's timer rows as the migrated workflow waits on them (nothing counts as fired)."""
    of = (timer.c.instance_id == instance_id, timer.c.status == WAITING)
    for spiff_id in before:
        if spiff_id not in projection.waiting:
            conn.execute(update(timer).where(*of, timer.c.spiff_task_id == spiff_id).values(status=CANCELLED))
    task_ids = {r.spiff_task_id: r.id for r in conn.execute(
        select(human_task.c.spiff_task_id, human_task.c.id).where(human_task.c.instance_id == instance_id))}
    for spiff_id, waiting in projection.waiting.items():
        meta = new.timers.get(waiting.bpmn_id)
        values = {"bpmn_id": waiting.bpmn_id, "naam": meta.naam if meta else waiting.bpmn_id,
                  "actie": meta.actie if meta else None, "due_at": waiting.due_at,
                  "human_task_id": task_ids.get(waiting.attached_task)}
        changed = conn.execute(update(timer).where(*of, timer.c.spiff_task_id == spiff_id)
                               .values(attempt_at=waiting.due_at, **values)).rowcount
        if not changed:
            conn.execute(insert(timer).values(instance_id=instance_id, spiff_task_id=spiff_id, attempt_at=waiting.due_at,
                                              status=WAITING, afgevuurd=0, pogingen=0, created_at=now, **values))
