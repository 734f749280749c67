"""The overdue board: late and nearly late tasks in a manager's municipalities, and escalations.

Tasks come with the step, role, municipality and assignee, the most overdue first, and
how late they are; totals per step, role, municipality and assignee; for each task the
people who may take it over (a reassignment is :mod:`engine.runtime.reassign`). Read from
``human_task`` only — never a workflow.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, select

from ..clock import as_utc, isoformat
from ..domain.status import TaskStatus
from ..people.users import Actor
from ..store.schema import gemeente, human_task, signal, user, user_role
from .oversight import IS_OPEN, in_scope, scope_of

DUE_SOON = dt.timedelta(days=2)
MAX_PAGE = 200
ESCALATIONS_SHOWN = 25

_assignee = user.alias("assignee")
FILTERS = ("bpmn_id", "rol", "gemeente_id", "toegewezen_aan")


def _filters(scope, filters: dict) -> list:
    where = [IS_OPEN, in_scope(human_task.c.gemeente_id, scope)]
    for name in ("bpmn_id", "rol"):
        if filters.get(name):
            where.append(getattr(human_task.c, name) == filters[name])
    assignee = filters.get("toegewezen_aan")
    if assignee == "niemand":
        where.append(human_task.c.toegewezen_aan.is_(None))
    elif assignee is not None:
        where.append(human_task.c.toegewezen_aan == int(assignee))
    return where


def board(conn: Connection, actor: Actor, now: dt.datetime, *, within: dt.timedelta = DUE_SOON,
          gemeente_id: int | None = None, bpmn_id: str | None = None, rol: str | None = None,
          toegewezen_aan: int | str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """Open tasks overdue or due within ``within``, oldest deadline first, with totals and escalations.

    :param toegewezen_aan: a user id, or ``"niemand"`` for unassigned tasks.
    :raises Forbidden: ``actor`` oversees no municipality (or not ``gemeente_id``).
    """
    scope = scope_of(actor, gemeente_id)
    where = _filters(scope, {"bpmn_id": bpmn_id, "rol": rol, "toegewezen_aan": toegewezen_aan})
    where += [human_task.c.due_at.is_not(None), human_task.c.due_at < now + within]
    limit = max(1, min(limit, MAX_PAGE))
    rows = conn.execute(
        select(human_task.c.id, human_task.c.bpmn_id, human_task.c.naam, human_task.c.rol, human_task.c.gemeente_id,
               human_task.c.toegewezen_aan, human_task.c.created_at, human_task.c.due_at, human_task.c.escalated_at,
               human_task.c.signal_id, gemeente.c.naam.label("gemeente_naam"),
               _assignee.c.naam.label("toegewezen_naam"), signal.c.referentie)
        .join(gemeente, gemeente.c.id == human_task.c.gemeente_id)
        .outerjoin(_assignee, _assignee.c.id == human_task.c.toegewezen_aan)
        .outerjoin(signal, signal.c.id == human_task.c.signal_id)
        .where(*where)
        .order_by(human_task.c.due_at, human_task.c.id)
        .limit(limit)
        .offset(offset)
    ).all()
    late = case((human_task.c.due_at < now, 1), else_=0)
    groups = conn.execute(
        select(human_task.c.bpmn_id, func.min(human_task.c.naam).label("naam"), human_task.c.rol,
               human_task.c.gemeente_id, human_task.c.toegewezen_aan,
               func.sum(late).label("te_laat"), func.count().label("aantal"))
        .where(*where)
        .group_by(human_task.c.bpmn_id, human_task.c.rol, human_task.c.gemeente_id, human_task.c.toegewezen_aan)
    ).all()
    names = _names(conn, {g.gemeente_id for g in groups}, {g.toegewezen_aan for g in groups})
    totals = _totals(groups, names)
    candidates = reassign_candidates(conn, {(r.rol, r.gemeente_id) for r in rows})
    tasks = []
    for r in rows:
        due = as_utc(r.due_at)
        tasks.append({
            "id": r.id, "bpmn_id": r.bpmn_id, "naam": r.naam, "rol": r.rol, "gemeente_id": r.gemeente_id,
            "gemeente": r.gemeente_naam, "toegewezen_aan": r.toegewezen_aan, "toegewezen_naam": r.toegewezen_naam,
            "signaal_id": r.signal_id, "signaal_referentie": r.referentie,
            "aangemaakt_op": isoformat(r.created_at), "deadline": isoformat(due),
            "geescaleerd_op": isoformat(r.escalated_at),
            "te_laat": due < now, "te_laat_seconden": int((now - due).total_seconds()),
            "kandidaten": [c for c in candidates.get((r.rol, r.gemeente_id), []) if c["id"] != r.toegewezen_aan],
        })
    return {
        "taken": tasks,
        "totaal": sum(g.aantal for g in groups),
        "te_laat": sum(g.te_laat for g in groups),
        "bijna": sum(g.aantal - g.te_laat for g in groups),
        "per": totals,
        "escalaties": escalations(conn, scope),
        "limit": limit,
        "offset": offset,
        "binnen_uren": int(within.total_seconds() // 3600),
    }


def _names(conn: Connection, gemeente_ids: set, user_ids: set) -> dict:
    gemeenten = {r.id: r.naam for r in conn.execute(
        select(gemeente.c.id, gemeente.c.naam).where(gemeente.c.id.in_(sorted(gemeente_ids))))} if gemeente_ids else {}
    ids = sorted(i for i in user_ids if i is not None)
    users = {r.id: r.naam for r in conn.execute(select(user.c.id, user.c.naam).where(user.c.id.in_(ids)))} if ids else {}
    return {"gemeente": gemeenten, "user": users}


def _totals(groups, names) -> dict[str, list[dict]]:
    """The groups' counts summed per step, role, municipality and assignee, largest first."""
    keys = {
        "stap": lambda g: (g.bpmn_id, g.naam),
        "rol": lambda g: (g.rol, g.rol),
        "gemeente": lambda g: (g.gemeente_id, names["gemeente"].get(g.gemeente_id, "?")),
        "toegewezen": lambda g: (g.toegewezen_aan or "niemand",
                                 names["user"].get(g.toegewezen_aan, "?") if g.toegewezen_aan else "Niemand (de rol)"),
    }
    result = {}
    for name, key in keys.items():
        sums: dict = {}
        for g in groups:
            value, label = key(g)
            entry = sums.setdefault(value, {"waarde": value, "naam": label, "te_laat": 0, "bijna": 0})
            entry["te_laat"] += g.te_laat
            entry["bijna"] += g.aantal - g.te_laat
        result[name] = sorted(sums.values(), key=lambda e: (-e["te_laat"], -e["bijna"], str(e["naam"])))
    return result


def reassign_candidates(conn: Connection, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], list[dict]]:
    """Per (role, municipality): the active users holding that role there or region-wide."""
    if not pairs:
        return {}
    roles = sorted({rol for rol, _ in pairs})
    rows = conn.execute(
        select(user.c.id, user.c.naam, user_role.c.rol, user_role.c.gemeente_id)
        .join(user_role, user_role.c.user_id == user.c.id)
        .where(user.c.actief, user_role.c.rol.in_(roles))
        .order_by(user.c.naam)
    ).all()
    result: dict[tuple[str, int], list[dict]] = {}
    for rol, gemeente_id in pairs:
        seen = set()
        for r in rows:
            if r.rol == rol and r.gemeente_id in (gemeente_id, None) and r.id not in seen:
                seen.add(r.id)
                result.setdefault((rol, gemeente_id), []).append({"id": r.id, "naam": r.naam})
    return result


_STATE = {TaskStatus.OPEN: "open", TaskStatus.DONE: "afgerond na escalatie", TaskStatus.CANCELLED: "vervallen"}


def escalations(conn: Connection, scope, limit: int = ESCALATIONS_SHOWN) -> dict:
    """Tasks whose escalation timer fired, newest first, with what became of them."""
    where = [human_task.c.escalated_at.is_not(None), in_scope(human_task.c.gemeente_id, scope)]
    rows = conn.execute(
        select(human_task.c.id, human_task.c.naam, human_task.c.status, human_task.c.escalated_at,
               human_task.c.completed_at, human_task.c.due_at, human_task.c.signal_id,
               gemeente.c.naam.label("gemeente_naam"), _assignee.c.naam.label("toegewezen_naam"), signal.c.referentie)
        .join(gemeente, gemeente.c.id == human_task.c.gemeente_id)
        .outerjoin(_assignee, _assignee.c.id == human_task.c.toegewezen_aan)
        .outerjoin(signal, signal.c.id == human_task.c.signal_id)
        .where(*where)
        .order_by(human_task.c.escalated_at.desc(), human_task.c.id.desc())
        .limit(limit)
    ).all()
    still_open, total = conn.execute(
        select(func.sum(case((human_task.c.status == TaskStatus.OPEN, 1), else_=0)), func.count()).where(*where)
    ).one()
    return {
        "open": still_open or 0,
        "afgehandeld": total - (still_open or 0),
        "lijst": [{
            "taak_id": r.id, "naam": r.naam, "status": r.status, "toestand": _STATE.get(r.status, r.status),
            "geescaleerd_op": isoformat(r.escalated_at), "afgerond_op": isoformat(r.completed_at),
            "deadline": isoformat(r.due_at), "gemeente": r.gemeente_naam, "toegewezen_naam": r.toegewezen_naam,
            "signaal_id": r.signal_id, "signaal_referentie": r.referentie,
        } for r in rows],
    }
