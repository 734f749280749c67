"""The recorded history a replay needs (engine.runtime.impact): per signal its intake and its steps,
and where it stands now (its route and end, its done and open tasks).

Three statements for any number of signals: the signals of one process received since a date (newest
first, at most ``limit``), and the case-file entries of exactly those signals. What they return holds
personal data (the report's answers): it lives in memory for the replay only and is never shown
(the replay's answer is counts, steps and routes).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ..clock import as_utc
from ..domain.status import TaskStatus
from ..store.schema import dossier_stap, gemeente, human_task, process_definition, process_instance, signal

MAX_SIGNALS = 10_000  # the most signals one replay takes
INTAKE, STAP = "intake", "stap"  # dossier_stap.soort (engine.runtime.dossier)
DONE, OPEN = TaskStatus.DONE, TaskStatus.OPEN

# The report's answers the signal row keeps (engine.runtime.intake.signal_columns), by process data key.
_REPORT_COLUMNS = ("bron", "melder", "omschrijving", "locatie", "onderwerp", "uitbuitingsvormen",
                   "identificeerbaar_slachtoffer", "minderjarige", "acute_nood", "al_112_gebeld", "sector",
                   "indicatoren")


@dataclass
class RecordedSignal:
    """One signal as the case file recorded it: its version, its report and its steps in order."""

    signal_id: int
    definition_id: int
    ontvangen_op: dt.datetime
    report: dict
    steps: list[tuple[str, str, dict, dt.datetime]] = field(default_factory=list)  # bpmn id, name, answers, when
    # Where it stands, as the projections say: route, end, status, its done tasks in order, its open ones.
    route: str | None = None
    uitkomst: str | None = None
    status: str | None = None
    done: list[tuple[str, dt.datetime | None]] = field(default_factory=list)  # bpmn id, deadline
    open: list[tuple[str, dt.datetime | None]] = field(default_factory=list)
    reported_at: dt.datetime | None = None  # when the report was made (the intake's command)


def _chosen(sleutel: str, since: dt.datetime, limit: int):
    return (
        select(signal.c.id)
        .join(process_instance, process_instance.c.id == signal.c.instance_id)
        .join(process_definition, process_definition.c.id == process_instance.c.definition_id)
        .where(process_definition.c.sleutel == sleutel, signal.c.ontvangen_op >= since,
               signal.c.geanonimiseerd_op.is_(None))
        .order_by(signal.c.ontvangen_op.desc(), signal.c.id.desc())
        .limit(limit)
    )


def replay_history(conn: Connection, sleutel: str, since: dt.datetime,
                   limit: int = MAX_SIGNALS) -> list[RecordedSignal]:
    """The signals of process ``sleutel`` received since ``since`` (newest ``limit``), oldest first,
    each with its report (the signal's intake columns overlaid by the intake's answers) and the steps
    of its current instance in the order they were completed."""
    chosen = _chosen(sleutel, since, limit).subquery()
    rows = conn.execute(
        select(signal.c.id, signal.c.instance_id, signal.c.ontvangen_op, gemeente.c.naam.label("gemeente"),
               signal.c.route, signal.c.uitkomst, signal.c.status,
               process_instance.c.definition_id, *(signal.c[name] for name in _REPORT_COLUMNS))
        .join(process_instance, process_instance.c.id == signal.c.instance_id)
        .join(gemeente, gemeente.c.id == signal.c.gemeente_id)
        .where(signal.c.id.in_(select(chosen.c.id)))
        .order_by(signal.c.ontvangen_op, signal.c.id)
    ).all()
    found: dict[int, RecordedSignal] = {}
    instance_of: dict[int, int] = {}
    for row in rows:
        report = {name: row._mapping[name] for name in _REPORT_COLUMNS}
        ontvangen_op = as_utc(row.ontvangen_op)
        report["ontvangen_op"] = ontvangen_op.isoformat().replace("+00:00", "Z")
        report["gemeente"] = row.gemeente
        found[row.id] = RecordedSignal(row.id, row.definition_id, ontvangen_op, report, route=row.route,
                                       uitkomst=row.uitkomst, status=row.status)
        instance_of[row.id] = row.instance_id
    entries = conn.execute(
        select(dossier_stap.c.signal_id, dossier_stap.c.instance_id, dossier_stap.c.soort, dossier_stap.c.bpmn_id,
               dossier_stap.c.stap, dossier_stap.c.gegevens, dossier_stap.c.voltooid_op)
        .where(dossier_stap.c.signal_id.in_(select(chosen.c.id)), dossier_stap.c.soort.in_((INTAKE, STAP)))
        .order_by(dossier_stap.c.signal_id, dossier_stap.c.id)
    ).all()
    for entry in entries:
        recorded = found.get(entry.signal_id)
        if recorded is None or not isinstance(entry.gegevens, dict):
            continue
        if entry.soort == INTAKE:
            recorded.report.update(entry.gegevens)
            recorded.reported_at = as_utc(entry.voltooid_op)
        elif entry.instance_id == instance_of[entry.signal_id] and entry.bpmn_id:
            recorded.steps.append((entry.bpmn_id, entry.stap, entry.gegevens, as_utc(entry.voltooid_op)))
    tasks = conn.execute(
        select(human_task.c.signal_id, human_task.c.instance_id, human_task.c.bpmn_id, human_task.c.status,
               human_task.c.due_at)
        .where(human_task.c.signal_id.in_(select(chosen.c.id)), human_task.c.status.in_((DONE, OPEN)))
        .order_by(human_task.c.signal_id, human_task.c.completed_at, human_task.c.id)
    ).all()
    for task in tasks:
        recorded = found.get(task.signal_id)
        if recorded is not None and task.instance_id == instance_of[task.signal_id]:
            (recorded.done if task.status == DONE else recorded.open).append((task.bpmn_id, as_utc(task.due_at)))
    return list(found.values())
