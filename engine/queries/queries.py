"""Named queries for screens and the API. They read projection tables only (invariant 4)."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, func, or_, select

from ..audit.audit import RAADPLEGEN
from ..clock import isoformat
from ..domain.categories import ZORGGEGEVENS
from ..domain.feedback import feedback_text
from ..domain.labels import label
from ..domain.status import TaskStatus
from ..errors import NotFound
from ..people.access import (
    GRONDSLAGEN,
    MELDERGEGEVENS,
    PROCESGEGEVENS,
    SIGNAALGEGEVENS,
    TAAKGEGEVENS,
    Visibility,
    case_file_access,
    exists_role,
    legal_ground,
    may_see_access_log,
    may_see_care_data,
    may_see_reporter,
    may_see_task,
    may_work_task,
    signal_access,
    signal_scope,
    task_scope_branches,
)
from ..people.users import Actor, user_names
from ..store.schema import (
    audit_event,
    gemeente,
    human_task,
    notificatie,
    process_definition,
    process_instance,
    signal,
    user,
)
from . import care
from .dossier import case_file

MAX_PAGE = 200


def task_json(row) -> dict:
    """A task as the API writes it (stable Dutch field names); ``row`` comes from :func:`_task_select`."""
    return {
        "id": row.id,
        "bpmn_id": row.bpmn_id,
        "naam": row.naam,
        "rol": row.rol,
        "signaal_id": row.signal_id,
        "gemeente": row.gemeente_naam,
        "toegewezen_aan": row.toegewezen_gebruikersnaam,
        "toegewezen_naam": row.toegewezen_naam,
        "rol_naam": label("rol", row.rol),
        "deadline": isoformat(row.due_at),
        "aangemaakt_op": isoformat(row.created_at),
        "status": row.status,
        "formulier": row.formulier,
        "geescaleerd_op": isoformat(row.escalated_at),
        "signaal_referentie": row.signaal_referentie,
        "proces": row.proces_naam,
        # Priority marks (engine.domain.acute; a minor is vulnerable by definition): shown in every list.
        "acuut": bool(row.signaal_acuut),
        "minderjarige": row.signaal_minderjarige == "ja",
    }


_assignee = user.alias("assignee")
_task_signal = signal.alias("task_signal")
_task_instance = process_instance.alias("task_instance")
_task_definition = process_definition.alias("task_definition")


def _task_select():
    """Tasks with their municipality's name and the assignee's username: one query for a page."""
    return (
        select(human_task, gemeente.c.naam.label("gemeente_naam"),
               _assignee.c.gebruikersnaam.label("toegewezen_gebruikersnaam"), _assignee.c.naam.label("toegewezen_naam"),
               _task_signal.c.referentie.label("signaal_referentie"),
               _task_signal.c.acuut.label("signaal_acuut"), _task_signal.c.minderjarige.label("signaal_minderjarige"),
               _task_definition.c.naam.label("proces_naam"))
        .join(gemeente, gemeente.c.id == human_task.c.gemeente_id)
        .join(_task_instance, _task_instance.c.id == human_task.c.instance_id)  # the process it is a step of
        .join(_task_definition, _task_definition.c.id == _task_instance.c.definition_id)
        .outerjoin(_assignee, _assignee.c.id == human_task.c.toegewezen_aan)
        .outerjoin(_task_signal, _task_signal.c.id == human_task.c.signal_id)
    )


_TASK_BY_ID = _task_select().where(human_task.c.id == bindparam("task_id"))
_SIGNAL_ROW = (
    select(signal, gemeente.c.naam.label("gemeente_naam"))
    .join(gemeente, gemeente.c.id == signal.c.gemeente_id)
    .where(signal.c.id == bindparam("signal_id"))
)
_SIGNAL_TASKS = (
    _task_select()
    .where(human_task.c.signal_id == bindparam("signal_id"), human_task.c.status == TaskStatus.OPEN)
    .order_by(human_task.c.id)
)
_SIGNAL_EVENTS = (
    select(audit_event, user.c.naam.label("wie"))
    .outerjoin(user, user.c.id == audit_event.c.user_id)
    .where(audit_event.c.signal_id == bindparam("signal_id"), audit_event.c.soort != RAADPLEGEN)
    .order_by(audit_event.c.id)
)
_REPORTED = "signaal_gemeld"
_HISTORY_KEYS = ("stap", "uitkomst", "route", "referentie", "acute_nood", "van", "naar")
_completer = user.alias("completer")
_SIGNAL_STEPS = (
    select(human_task.c.id, human_task.c.bpmn_id, human_task.c.naam, human_task.c.rol, human_task.c.status,
           human_task.c.created_at, human_task.c.due_at, human_task.c.completed_at, human_task.c.escalated_at,
           human_task.c.instance_id, _completer.c.naam.label("voltooid_door"))
    .outerjoin(_completer, _completer.c.id == human_task.c.completed_by)
    .where(human_task.c.signal_id == bindparam("signal_id"))
    .order_by(human_task.c.id)
)
_SIGNAL_DEFINITION = (
    select(process_definition.c.id, process_definition.c.sleutel, process_definition.c.versie,
           process_definition.c.naam)
    .join(process_instance, process_instance.c.definition_id == process_definition.c.id)
    .join(signal, signal.c.instance_id == process_instance.c.id)
    .where(signal.c.id == bindparam("signal_id"))
)


def _usernames(conn: Connection, ids: set) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {r.id: r.gebruikersnaam for r in conn.execute(select(user.c.id, user.c.gebruikersnaam).where(user.c.id.in_(ids)))}


_ME = bindparam("user_id")
_FILTERS = {
    "alleen_mijn": lambda: human_task.c.toegewezen_aan == _ME,
    "bpmn_id": lambda: human_task.c.bpmn_id == bindparam("bpmn_id"),
    "gemeente_id": lambda: human_task.c.gemeente_id == bindparam("gemeente_id"),
    "overdue_at": lambda: human_task.c.due_at < bindparam("overdue_at"),
    "due_before": lambda: human_task.c.due_at <= bindparam("due_before"),
    "due_after": lambda: human_task.c.due_at >= bindparam("due_after"),
}


@functools.lru_cache(maxsize=512)
def _inbox_statements(filters: tuple[str, ...], descending: bool, roles: frozenset):
    """The page and count statements for one combination of filters, order and roles.

    The scope is spelled out per role (see :func:`~engine.people.access.task_scope_branches`):
    plain comparisons on the task row, so the page walks open tasks in deadline order
    through an index and stops after one page, and the count can use an index per role.
    """
    where = and_(human_task.c.status == TaskStatus.OPEN, or_(*task_scope_branches(roles, _ME)),
                 *(_FILTERS[name]() for name in filters))
    due = human_task.c.due_at.desc() if descending else human_task.c.due_at.asc()
    page = (
        _task_select()
        .where(where)
        .order_by(due.nulls_last(), human_task.c.id.desc() if descending else human_task.c.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    count = select(func.count()).select_from(human_task).where(where)
    return page, count


def inbox(conn: Connection, actor: Actor, *, bpmn_id: str | None = None, gemeente_id: int | None = None,
          alleen_mijn: bool = False, overdue_at: dt.datetime | None = None, due_before: dt.datetime | None = None,
          due_after: dt.datetime | None = None, latest_first: bool = False, limit: int = 50,
          offset: int = 0, total: int | None = None) -> dict:
    """Open tasks ``actor`` may do: theirs and their roles', earliest deadline first (or last).

    :param total: the number of matching tasks, if the caller knows it already (saves a count).
    """
    given = {"bpmn_id": bpmn_id, "gemeente_id": gemeente_id, "overdue_at": overdue_at, "due_before": due_before,
             "due_after": due_after, "alleen_mijn": True if alleen_mijn else None}
    filters = tuple(name for name in _FILTERS if given[name] is not None)
    params = {name: given[name] for name in filters if name != "alleen_mijn"}
    limit = max(1, min(limit, MAX_PAGE))
    page, count = _inbox_statements(filters, latest_first, actor.roles)
    rows = conn.execute(page, {**params, "user_id": actor.id, "limit": limit, "offset": offset}).all()
    if offset == 0 and len(rows) < limit:
        total = len(rows)  # the whole result is on this page
    elif total is None:
        total = conn.execute(count, {**params, "user_id": actor.id}).scalar_one()
    # mag_doen: whether the actor may claim or complete it (a manager oversees tasks they may not do)
    taken = [{**task_json(r), "mag_doen": may_work_task(actor, r)} for r in rows]
    return {"taken": taken, "totaal": total, "limit": limit, "offset": offset}


def overdue(conn: Connection, now: dt.datetime, actor: Actor, *, limit: int = 50, offset: int = 0) -> dict:
    """Open tasks in ``actor``'s scope whose deadline passed before ``now``, most overdue first."""
    return inbox(conn, actor, overdue_at=now, limit=limit, offset=offset)


def due_soon(conn: Connection, now: dt.datetime, within: dt.timedelta, actor: Actor, *, limit: int = 50,
             offset: int = 0) -> dict:
    """Open tasks in ``actor``'s scope due between ``now`` and ``now + within``."""
    return inbox(conn, actor, due_after=now, due_before=now + within, limit=limit, offset=offset)


_NOTIFICATIONS = (
    select(notificatie)
    .where(exists_role(bindparam("user_id"), notificatie.c.rol, notificatie.c.gemeente_id))
    .order_by(notificatie.c.created_at.desc(), notificatie.c.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def notifications(conn: Connection, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """Notifications for a role ``actor`` holds in the notification's municipality, newest first."""
    rows = conn.execute(_NOTIFICATIONS, {"user_id": actor.id, "limit": max(1, min(limit, MAX_PAGE)),
                                         "offset": offset}).all()
    return [
        {"id": r.id, "soort": r.soort, "bericht": r.bericht, "signaal_id": r.signal_id, "taak_id": r.human_task_id,
         "aangemaakt_op": isoformat(r.created_at), "gelezen_op": isoformat(r.gelezen_op)}
        for r in rows
    ]


@functools.lru_cache(maxsize=256)
def _disjoint_branches(roles: frozenset) -> list[list]:
    """The open tasks of someone with ``roles``, per scope branch (engine.people.access.task_scope_branches),
    each without the tasks an earlier branch holds — so counts per branch add up — the roles first and
    "mine" (small) last: a role's branch reads a covering index only."""
    result = []
    earlier = []
    for branch in reversed(task_scope_branches(roles, _ME)):
        where = [human_task.c.status == TaskStatus.OPEN, branch]
        if earlier:
            where.append(~or_(*earlier))
        result.append(where)
        earlier.append(branch)
    return result


@functools.lru_cache(maxsize=256)
def _steps_statements(roles: frozenset) -> list:
    """Per scope branch, open tasks by step (:func:`_disjoint_branches`)."""
    return [select(human_task.c.bpmn_id, func.min(human_task.c.naam).label("naam"), func.count().label("aantal"))
            .where(*where).group_by(human_task.c.bpmn_id)
            for where in _disjoint_branches(roles)]


def inbox_steps(conn: Connection, actor: Actor) -> list[dict]:
    """The steps in ``actor``'s task list with how many open tasks each: the inbox's step filter."""
    steps: dict[str, dict] = {}
    for statement in _steps_statements(actor.roles):
        for row in conn.execute(statement, {"user_id": actor.id}):
            step = steps.setdefault(row.bpmn_id, {"bpmn_id": row.bpmn_id, "naam": row.naam, "aantal": 0})
            step["aantal"] += row.aantal
    return sorted(steps.values(), key=lambda step: step["naam"])


def gemeente_names(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.naam for r in conn.execute(select(gemeente.c.id, gemeente.c.naam).where(gemeente.c.id.in_(ids)))}


def task_list(conn: Connection, actor: Actor, **filters) -> dict:
    """The task list page in one go: a page of tasks, the step filter with counts, and the
    navigation's counts — counting the user's open tasks once, by step."""
    steps = inbox_steps(conn, actor)
    open_total = sum(step["aantal"] for step in steps)
    narrowed = any(filters.get(name) for name in ("bpmn_id", "gemeente_id", "alleen_mijn"))
    if filters.get("bpmn_id") and not any(filters.get(name) for name in ("gemeente_id", "alleen_mijn")):
        known = next((step["aantal"] for step in steps if step["bpmn_id"] == filters["bpmn_id"]), 0)
    else:
        known = None if narrowed else open_total
    result = inbox(conn, actor, total=known, **filters)
    _page, mine = _inbox_statements(("alleen_mijn",), False, actor.roles)
    result["stappen"] = steps
    result["tellers"] = {"open": open_total, "open_meer": False,
                         "mijn": conn.execute(mine, {"user_id": actor.id}).scalar_one()}
    return result


# The navigation's badge counts a task list up to this many and then says "99+", as badges do:
# counting all of 10,000 open tasks on every page walked 10,000 index entries per page view
# (bench/web.py). The task list itself (task_list) and its caption still count them all.
NAV_COUNT_CAP = 99


@functools.lru_cache(maxsize=256)
def _nav_count_statements(roles: frozenset, cap: int) -> list:
    """Per scope branch (:func:`_disjoint_branches`), its open tasks counted up to ``cap + 1``."""
    return [select(func.count()).select_from(select(human_task.c.id).where(*where).limit(cap + 1).subquery())
            for where in _disjoint_branches(roles)]


def inbox_counts(conn: Connection, actor: Actor, *, cap: int | None = None) -> dict:
    """For the navigation: open tasks in ``actor``'s task list (``open``, at most the cap, and
    ``open_meer`` when there are more), and how many are theirs (``mijn``)."""
    cap = NAV_COUNT_CAP if cap is None else cap
    _page, mine = _inbox_statements(("alleen_mijn",), False, actor.roles)
    counted = 0
    for statement in _nav_count_statements(actor.roles, cap):
        counted += conn.execute(statement, {"user_id": actor.id}).scalar_one()
        if counted > cap:
            break
    return {
        "open": min(counted, cap),
        "open_meer": counted > cap,
        "mijn": conn.execute(mine, {"user_id": actor.id}).scalar_one(),
    }


def task_detail(conn: Connection, actor: Actor, task_id: int) -> dict:
    """One task with its form, if ``actor`` may see it."""
    row = conn.execute(_TASK_BY_ID, {"task_id": task_id}).first()
    if row is None or not may_see_task(actor, row):
        raise NotFound("Deze taak bestaat niet of u heeft er geen toegang toe.")
    result = task_json(row)
    result["voltooid_door"] = _usernames(conn, {row.completed_by}).get(row.completed_by)
    result["voltooid_door_naam"] = user_names(conn, {row.completed_by}).get(row.completed_by)
    result["voltooid_op"] = isoformat(row.completed_at)
    result["instance_id"] = row.instance_id
    result["casustafel"] = row.casustafel  # decided at a meeting of this table (engine.runtime.casustafel)
    result["gemeente_id"] = row.gemeente_id
    return result


@dataclass(frozen=True)
class SignalRead:
    """A signal as one user may see it, and what that view is in the processing log's terms.

    :param rol: the role the view rests on.
    :param categorieen: the personal data categories shown (empty: none, nothing to log).
    :param grondslag: the legal ground (the case's covenant, or the municipality's task).
    """

    view: dict
    visibility: Visibility
    rol: str | None
    categorieen: tuple[str, ...]
    grondslag: str


def signal_view(conn: Connection, actor: Actor, signal_id: int) -> tuple[dict, Visibility]:
    """A signal as ``actor`` may see it: in full, its process only, or (for its reporter) its status."""
    read = signal_read(conn, actor, signal_id)
    return read.view, read.visibility


def signal_read(conn: Connection, actor: Actor, signal_id: int, *, timeline: bool = True) -> SignalRead:
    """:func:`signal_view` with what the view showed, for the processing log.

    :param timeline: with the signal's open tasks, steps, process and history (the signal page);
        without them for a task page, which shows the signal and its case file beside the form.
    """
    row = conn.execute(_SIGNAL_ROW, {"signal_id": signal_id}).first()
    visibility, rol = signal_access(actor, row) if row is not None else (Visibility.NONE, None)
    if visibility is Visibility.NONE:
        raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
    base = {
        "id": row.id,
        "referentie": row.referentie,
        "status": row.status,
        "ontvangen_op": isoformat(row.ontvangen_op),
        "afgesloten_op": isoformat(row.closed_at),
        "terugkoppeling": row.terugkoppeling,  # what the reporter is told (engine.domain.feedback), general terms only
    }
    grondslag = legal_ground(row.convenant)
    if visibility is Visibility.STATUS:
        return SignalRead(base, visibility, rol, (), grondslag)
    if timeline:
        tasks = conn.execute(_SIGNAL_TASKS, {"signal_id": signal_id}).all()
        events = conn.execute(_SIGNAL_EVENTS, {"signal_id": signal_id}).all()
        steps = conn.execute(_SIGNAL_STEPS, {"signal_id": signal_id}).all()
        definition = conn.execute(_SIGNAL_DEFINITION, {"signal_id": signal_id}).one()
    else:
        tasks, events, steps, definition = [], [], [], None
    # The care trajectory's steps, events and deadlines are care data (engine.queries.care).
    zorg = care.trajectories(conn, signal_id)
    zorg_ids = {t.instance_id for t in zorg}
    zorg_zichtbaar = bool(zorg) and may_see_care_data(actor, row)
    if zorg_ids and not zorg_zichtbaar:
        tasks = [t for t in tasks if t.instance_id not in zorg_ids]
        steps = [t for t in steps if t.instance_id not in zorg_ids]
        events = [e for e in events if e.instance_id not in zorg_ids]
    categorieen: tuple[str, ...] = ()
    reporter = may_see_reporter(actor, row)  # who reported is a right of its own, also in the timeline
    base.update({
        "acuut": bool(row.acuut),  # acute danger without a call to 112: a mark, no personal data
        "fase": row.fase,
        "uitkomst": row.uitkomst,
        "route": row.route,
        "convenant": row.convenant,
        "grondslag": GRONDSLAGEN[grondslag],
        "gemeente": row.gemeente_naam,
        "geanonimiseerd_op": isoformat(row.geanonimiseerd_op),
        "mag_inzage_zien": may_see_access_log(actor, row),
    })
    if visibility is Visibility.FULL:
        base["gegevens"] = {
            "bron": row.bron,
            "omschrijving": row.omschrijving,
            "locatie": row.locatie,
            "uitbuitingsvormen": row.uitbuitingsvormen,
            "identificeerbaar_slachtoffer": row.identificeerbaar_slachtoffer,
            "minderjarige": row.minderjarige,
            "acute_nood": row.acute_nood,
            "al_112_gebeld": row.al_112_gebeld,
            "sector": row.sector,
            "indicatoren": row.indicatoren,
        }
        if reporter:
            base["gegevens"]["melder"] = row.melder
        if row.geanonimiseerd_op is None:  # a tombstone holds no personal data any more
            categorieen = (SIGNAALGEGEVENS, PROCESGEGEVENS) + ((MELDERGEGEVENS,) if reporter else ())
    # The case file: every step's answers and the notes, as far as this role sees them (engine.queries.dossier).
    base["dossier"], base["aantekeningen"] = case_file(
        conn, case_file_access(actor, row), signal_id,
        hidden_instances=frozenset() if zorg_zichtbaar else frozenset(zorg_ids))  # care data: its own right
    if categorieen and (base["aantekeningen"] or any(e["gegevens"] for e in base["dossier"] if e["soort"] != "intake")):
        categorieen += (TAAKGEGEVENS,)
    if zorg_zichtbaar:
        base["zorgtraject"] = [care.trajectory_json(t) for t in zorg]
        categorieen += (ZORGGEGEVENS,)
    base["termijnen"] = care.deadlines(conn, [row.instance_id, *(zorg_ids if zorg_zichtbaar else ())])
    if not timeline:
        return SignalRead(base, visibility, rol, categorieen, grondslag)
    base.update({
        "taken": [task_json(t) for t in tasks],
        "stappen": [
            {"taak_id": t.id, "bpmn_id": t.bpmn_id, "naam": t.naam, "rol": t.rol, "status": t.status,
             "aangemaakt_op": isoformat(t.created_at), "deadline": isoformat(t.due_at),
             "voltooid_op": isoformat(t.completed_at), "voltooid_door": t.voltooid_door,
             "geescaleerd_op": isoformat(t.escalated_at),
             "huidig_proces": t.instance_id == row.instance_id,  # False: a process the signal moved away from,
             "zorgtraject": t.instance_id in zorg_ids}  # or its care trajectory, which runs beside the route
            for t in steps
        ],
        "proces": {"definitie_id": definition.id, "sleutel": definition.sleutel, "versie": definition.versie,
                   "naam": definition.naam},
        "historie": [
            {"wanneer": isoformat(e.at), "wie": e.wie if reporter or e.actie != _REPORTED else None, "actie": e.actie,
             **{k: v for k, v in (e.detail or {}).items() if k in _HISTORY_KEYS}}
            for e in events
        ],
    })
    return SignalRead(base, visibility, rol, categorieen, grondslag)


def my_signals(conn: Connection, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """The signals ``actor`` reported, status only."""
    rows = conn.execute(
        select(signal.c.id, signal.c.referentie, signal.c.status, signal.c.ontvangen_op, signal.c.closed_at,
               signal.c.terugkoppeling, signal.c.teruggekoppeld_op, signal.c.onderwerp)
        .where(signal.c.gemeld_door == actor.id)
        .order_by(signal.c.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
        .offset(offset)
    ).all()
    return [
        {"id": r.id, "referentie": r.referentie, "status": r.status, "ontvangen_op": isoformat(r.ontvangen_op),
         "afgesloten_op": isoformat(r.closed_at), "terugkoppeling": r.terugkoppeling,
         "terugkoppeling_tekst": feedback_text(r.terugkoppeling), "teruggekoppeld_op": isoformat(r.teruggekoppeld_op),
         "onderwerp": r.onderwerp}
        for r in rows
    ]


def visible_signals(conn: Connection, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """Signals ``actor`` may see in full, newest first (summary fields only)."""
    rows = conn.execute(
        select(signal.c.id, signal.c.referentie, signal.c.status, signal.c.fase, signal.c.route,
               signal.c.ontvangen_op)
        .where(signal_scope(actor))
        .order_by(signal.c.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
        .offset(offset)
    ).all()
    return [
        {"id": r.id, "referentie": r.referentie, "status": r.status, "fase": r.fase, "route": r.route,
         "ontvangen_op": isoformat(r.ontvangen_op)}
        for r in rows
    ]
