"""The case file's write side: each step's answers, progress reports, notes and task drafts.

A completed step's answers are recorded by :func:`record_step` in the completing command's
transaction (``engine.runtime.commands.complete_task``), the intake by :func:`record_intake` in
the report's. Entries and notes are append-only: nothing here updates them, and the database
refuses UPDATE on both tables (migration 0016). A correction is a new note naming the old one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from sqlalchemy import Connection, bindparam, delete, insert, select

from ..audit.audit import AuditBatch
from ..definitions.forms import Form, validate_submission
from ..domain.roles import REGIONAL_ROLES
from ..errors import FieldErrors, Forbidden, NotFound
from ..people.access import may_note, may_see_task, may_work_task, signal_access
from ..people.users import Actor
from ..store.driver_sql import DriverStatement
from ..store.schema import aantekening, dossier_stap, human_task, signal, taak_concept
from .projections import OPEN

INTAKE, STAP, VOORTGANG = "intake", "stap", "voortgang"
INTAKE_STAP = "Signaal gemeld"
MAX_NOTE = 4000  # characters of one note
MAX_DRAFT = 64 * 1024  # characters of a draft's JSON

_INSERT_ENTRY = DriverStatement(insert(dossier_stap))


def form_fields(form: Form | None) -> list[dict]:
    """The labels a form asks its fields by, with its choices' labels: kept with each entry, so an
    answer is shown as it was asked even after the form changed."""
    if form is None:
        return []
    choices: dict[str, dict] = {}

    def walk(components, prefix=""):
        for comp in components:
            if comp.get("type") in ("group", "default"):
                path = comp.get("path") or ""
                walk(comp.get("components") or [], f"{prefix}{path}." if path else prefix)
            elif comp.get("key"):
                choices[prefix + comp["key"]] = {
                    str(_json_key(v.get("value"))): v.get("label") for v in comp.get("values") or []
                    if isinstance(v, dict)}

    walk(form.schema.get("components") or [])
    return [{"sleutel": f.key, "label": f.label, "soort": f.type, "waarden": choices.get(f.key, {})}
            for f in form.fields]


def _json_key(value) -> str:
    """A choice value as a dict key (JSON keys are text): ``True`` → ``"true"``."""
    return "true" if value is True else "false" if value is False else str(value)


def record_step(conn: Connection, *, signal_id: int | None, instance_id: int, task, actor_id: int,
                form: Form | None, gegevens: dict, now: dt.datetime, soort: str = STAP) -> None:
    """Append a completed step's (or a progress report's) answers to the case file.

    :param task: the ``human_task`` row (``id``, ``naam``, ``bpmn_id``, ``rol``).
    :param gegevens: the validated answers of this step's form only.
    """
    if signal_id is None:
        return
    _INSERT_ENTRY.executemany(conn, [{
        "signal_id": signal_id, "instance_id": instance_id, "human_task_id": task.id, "soort": soort,
        "stap": task.naam, "bpmn_id": task.bpmn_id, "rol": task.rol, "door": actor_id, "voltooid_op": now,
        "gegevens": gegevens, "velden": form_fields(form),
    }])


def record_intake(conn: Connection, *, signal_id: int, instance_id: int, actor_id: int, form: Form | None,
                  clean: dict, bpmn_id: str | None, now: dt.datetime) -> None:
    """The case file's first entry: the report's answers to the report form."""
    asked = form_fields(form)
    tops = {f["sleutel"].split(".")[0] for f in asked}
    gegevens = {key: value for key, value in clean.items() if key in tops} if asked else dict(clean)
    _INSERT_ENTRY.executemany(conn, [{
        "signal_id": signal_id, "instance_id": instance_id, "human_task_id": None, "soort": INTAKE,
        "stap": INTAKE_STAP, "bpmn_id": bpmn_id, "rol": "melder", "door": actor_id, "voltooid_op": now,
        "gegevens": gegevens, "velden": asked,
    }])


# --- progress reports ---------------------------------------------------------------------------

# A task whose name says it follows a case up ("Regie en opvolging", "Gemeentelijke opvolging").
_FOLLOW_UP = re.compile(r"opvolg|regie", re.IGNORECASE)


def takes_progress_reports(task) -> bool:
    """Whether ``task`` (a ``human_task`` row) can be saved as a progress report and stay open: a task of
    a regie party (the regional roles), or one whose name says it follows a case up."""
    return task.rol in REGIONAL_ROLES or bool(_FOLLOW_UP.search(task.naam or ""))


def _partial(form: Form) -> Form:
    """``form`` with nothing required: a progress report records what is known so far."""
    return dataclasses.replace(form, fields=[dataclasses.replace(f, required=False) for f in form.fields])


_OPEN_TASK = select(human_task).where(human_task.c.id == bindparam("task_id"))


def _workable_task(conn: Connection, actor: Actor, task_id: int):
    row = conn.execute(_OPEN_TASK, {"task_id": task_id}).first()
    if row is None or not may_see_task(actor, row):
        raise NotFound("Deze taak bestaat niet of u heeft er geen toegang toe.")
    if not may_work_task(actor, row):
        raise Forbidden("U heeft niet de rol om deze taak te doen, of hij staat op naam van een ander.")
    if row.status != OPEN:
        raise FieldErrors({"taak": "deze taak staat niet meer open"})
    return row


def save_progress(conn: Connection, actor: Actor, task_id: int, form: Form | None, data: dict, *,
                  now: dt.datetime) -> int:
    """Keep a progress report of an open regie or follow-up task in the case file; the task stays open.

    :returns: the new entry's id.
    """
    row = _workable_task(conn, actor, task_id)
    if not takes_progress_reports(row):
        raise FieldErrors({"taak": "van deze taak kan geen voortgangsverslag worden opgeslagen"})
    if form is None:
        raise FieldErrors({"taak": "deze taak heeft geen formulier"})
    clean = validate_submission(_partial(form), data)
    given = {k: v for k, v in clean.items() if v not in (None, "", [], False, {})}
    if not given:
        raise FieldErrors({"data": "vul minstens één veld in voor een voortgangsverslag"})
    (entry_id,) = conn.execute(insert(dossier_stap).returning(dossier_stap.c.id), {
        "signal_id": row.signal_id, "instance_id": row.instance_id, "human_task_id": row.id, "soort": VOORTGANG,
        "stap": row.naam, "bpmn_id": row.bpmn_id, "rol": row.rol, "door": actor.id, "voltooid_op": now,
        "gegevens": given, "velden": form_fields(form),
    }).one()
    log = AuditBatch(now, row.instance_id, row.signal_id, rol=row.rol)
    log.add("voortgang_vastgelegd", actor.id, taak_id=row.id, stap=row.naam, velden=sorted(given))
    log.write(conn)
    discard_drafts(conn, [row.id], user_id=actor.id)
    return entry_id


# --- notes --------------------------------------------------------------------------------------

_SIGNAL = select(signal.c.id, signal.c.gemeente_id, signal.c.route, signal.c.gemeld_door, signal.c.instance_id,
                 signal.c.geanonimiseerd_op).where(signal.c.id == bindparam("signal_id"))
_NOTE_OF_SIGNAL = select(aantekening.c.id).where(aantekening.c.id == bindparam("note_id"),
                                                 aantekening.c.signal_id == bindparam("signal_id"))


def add_note(conn: Connection, actor: Actor, signal_id: int, tekst, corrigeert=None, *, now: dt.datetime) -> int:
    """Add a dated note to a case; ``corrigeert`` names the note it corrects. Returns its id."""
    row = conn.execute(_SIGNAL, {"signal_id": signal_id}).first()
    if row is None or not may_note(actor, row):
        raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
    errors = {}
    if not isinstance(tekst, str) or not tekst.strip():
        errors["tekst"] = "schrijf een aantekening (het veld is leeg)"
    elif len(tekst.strip()) > MAX_NOTE:
        errors["tekst"] = f"is te lang: hoogstens {MAX_NOTE} tekens (nu {len(tekst.strip())})"
    if corrigeert in ("", None):
        corrigeert = None
    else:
        try:
            corrigeert = int(corrigeert) if not isinstance(corrigeert, (bool, float)) else None
        except (TypeError, ValueError):
            corrigeert = None
        if corrigeert is None or not 0 < corrigeert < 2**31:  # a database integer; no note has a larger id
            corrigeert = None
            errors["corrigeert"] = "moet het nummer van een aantekening bij dit signaal zijn"
        if corrigeert is not None and conn.execute(
                _NOTE_OF_SIGNAL, {"note_id": corrigeert, "signal_id": signal_id}).first() is None:
            errors["corrigeert"] = "deze aantekening bestaat niet bij dit signaal"
    if row.geanonimiseerd_op is not None:
        errors["tekst"] = "dit signaal is na de bewaartermijn geanonimiseerd; er kan niets meer bij"
    if errors:
        raise FieldErrors(errors)
    _visibility, rol = signal_access(actor, row)
    (note_id,) = conn.execute(insert(aantekening).returning(aantekening.c.id), {
        "signal_id": signal_id, "door": actor.id, "rol": rol, "op": now, "tekst": tekst.strip(),
        "corrigeert": corrigeert,
    }).one()
    log = AuditBatch(now, row.instance_id, signal_id, rol=rol)
    log.add("aantekening_gemaakt", actor.id, aantekening_id=note_id, corrigeert=corrigeert)
    log.write(conn)
    return note_id


# --- drafts -------------------------------------------------------------------------------------

_DRAFT = select(taak_concept.c.gegevens, taak_concept.c.opgeslagen_op).where(
    taak_concept.c.human_task_id == bindparam("task_id"), taak_concept.c.user_id == bindparam("user_id"))
_DELETE_DRAFT = delete(taak_concept).where(taak_concept.c.human_task_id == bindparam("task_id"),
                                           taak_concept.c.user_id == bindparam("user_id"))


def save_draft(conn: Connection, actor: Actor, task_id: int, data, *, now: dt.datetime) -> None:
    """Keep ``actor``'s half-filled form of an open task (replacing their earlier draft of it)."""
    row = _workable_task(conn, actor, task_id)
    if not isinstance(data, dict):
        raise FieldErrors({"data": "moet een JSON-object met de formuliervelden zijn"})
    if len(json.dumps(data)) > MAX_DRAFT:
        raise FieldErrors({"data": f"het concept is te groot (hoogstens {MAX_DRAFT // 1024} kB)"})
    conn.execute(_DELETE_DRAFT, {"task_id": row.id, "user_id": actor.id})
    conn.execute(insert(taak_concept), {"human_task_id": row.id, "user_id": actor.id, "gegevens": data,
                                        "opgeslagen_op": now})


def draft_of(conn: Connection, actor: Actor, task_id: int) -> dict | None:
    """``actor``'s own draft of a task (``{"gegevens", "opgeslagen_op"}``), if any; nobody else's."""
    found = conn.execute(_DRAFT, {"task_id": task_id, "user_id": actor.id}).first()
    return None if found is None else {"gegevens": found.gegevens, "opgeslagen_op": found.opgeslagen_op}


# Every completion runs it: on the driver's cursor (engine.store.driver_sql), like the task writes.
_DISCARD = DriverStatement(delete(taak_concept).where(taak_concept.c.human_task_id == bindparam("task_id")))


def discard_drafts(conn: Connection, task_ids, *, user_id: int | None = None) -> None:
    """Delete the drafts of tasks that completed or vanished (every user's), or one user's."""
    task_ids = list(task_ids)
    if not task_ids:
        return
    if user_id is None:
        for task_id in task_ids:
            _DISCARD.rowcount(conn, {"task_id": task_id})
        return
    statement = delete(taak_concept).where(taak_concept.c.human_task_id.in_(task_ids))
    if user_id is not None:
        statement = statement.where(taak_concept.c.user_id == user_id)
    conn.execute(statement)


def erase_case_file(conn: Connection, signal_id: int) -> None:
    """Retention: delete a signal's case-file entries, notes and any drafts of its tasks (they hold
    its personal data; the append-only tables refuse an edit, so they are deleted)."""
    tasks = select(human_task.c.id).where(human_task.c.signal_id == signal_id).scalar_subquery()
    conn.execute(delete(taak_concept).where(taak_concept.c.human_task_id.in_(tasks)))
    conn.execute(delete(dossier_stap).where(dossier_stap.c.signal_id == signal_id))
    # A correction names the note it corrects: delete corrections before what they correct.
    conn.execute(delete(aantekening).where(aantekening.c.signal_id == signal_id,
                                           aantekening.c.corrigeert.is_not(None)))
    conn.execute(delete(aantekening).where(aantekening.c.signal_id == signal_id))
