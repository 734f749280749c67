"""Workload: open tasks per person and per role in a manager's municipalities, by age.

Age is the time since a task was put ready (``created_at``), in the buckets of
:data:`AGE_BUCKETS`. People who hold a task role there but have nothing open are listed
too (with zero): they are who work can go to. Read from ``human_task`` only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, select

from ..domain.roles import ROLES, TASK_ROLES
from ..people.users import Actor
from ..store.schema import human_task, user, user_role
from .oversight import IS_OPEN, in_scope, scope_of

# (label, upper bound of the age); the last bucket has no bound.
AGE_BUCKETS: list[tuple[str, dt.timedelta | None]] = [
    ("< 1 dag", dt.timedelta(days=1)),
    ("1–3 dagen", dt.timedelta(days=3)),
    ("3–7 dagen", dt.timedelta(days=7)),
    ("1–2 weken", dt.timedelta(days=14)),
    ("> 2 weken", None),
]


def _bucket(now: dt.datetime):
    whens = [(human_task.c.created_at > now - bound, index)
             for index, (_label, bound) in enumerate(AGE_BUCKETS) if bound is not None]
    return case(*whens, else_=len(AGE_BUCKETS) - 1)


def _empty() -> dict:
    return {"open": 0, "te_laat": 0, "leeftijd": [0] * len(AGE_BUCKETS)}


def workload(conn: Connection, actor: Actor, now: dt.datetime, *, gemeente_id: int | None = None) -> dict:
    """Open tasks per user, per role and unassigned, each with overdue count and age buckets.

    :raises Forbidden: ``actor`` oversees no municipality (or not ``gemeente_id``).
    """
    scope = scope_of(actor, gemeente_id)
    bucket = _bucket(now).label("emmer")
    late = func.sum(case((human_task.c.due_at < now, 1), else_=0)).label("te_laat")
    rows = conn.execute(
        select(human_task.c.rol, human_task.c.toegewezen_aan, bucket, func.count().label("aantal"), late)
        .where(IS_OPEN, in_scope(human_task.c.gemeente_id, scope))
        .group_by(human_task.c.rol, human_task.c.toegewezen_aan, bucket)
    ).all()
    people: dict[int, dict] = {}
    roles: dict[str, dict] = {}
    unassigned = _empty()
    total = _empty()
    for r in rows:
        targets = [total, roles.setdefault(r.rol, {**_empty(), "niet_toegewezen": 0})]
        if r.toegewezen_aan is None:
            targets.append(unassigned)
            targets[1]["niet_toegewezen"] += r.aantal
        else:
            targets.append(people.setdefault(r.toegewezen_aan, _empty()))
        for target in targets:
            target["open"] += r.aantal
            target["te_laat"] += r.te_laat or 0
            target["leeftijd"][r.emmer] += r.aantal
    staff = _staff(conn, scope)
    for user_id in set(people) - set(staff):  # e.g. someone who lost the role but still holds tasks
        staff[user_id] = {"naam": None, "rollen": set()}
    if any(s["naam"] is None for s in staff.values()):
        missing = [i for i, s in staff.items() if s["naam"] is None]
        for r in conn.execute(select(user.c.id, user.c.naam).where(user.c.id.in_(missing))):
            staff[r.id]["naam"] = r.naam
    per_user = [
        {"id": user_id, "naam": info["naam"] or "?", "rollen": sorted(info["rollen"]),
         **people.get(user_id, _empty())}
        for user_id, info in staff.items()
    ]
    per_user.sort(key=lambda p: (-p["open"], -p["te_laat"], p["naam"]))
    per_role = [{"rol": rol, "rol_naam": ROLES.get(rol, rol), **values} for rol, values in sorted(roles.items())]
    return {
        "per_gebruiker": per_user,
        "per_rol": per_role,
        "niet_toegewezen": unassigned,
        "totaal": total,
        "leeftijden": [label for label, _ in AGE_BUCKETS],
    }


def _staff(conn: Connection, scope) -> dict[int, dict]:
    """Active users holding a task role in the scope (or region-wide)."""
    where = [user.c.actief, user_role.c.rol.in_(sorted(TASK_ROLES))]
    if scope is not None:
        where.append(user_role.c.gemeente_id.in_(sorted(scope)) | user_role.c.gemeente_id.is_(None))
    staff: dict[int, dict] = {}
    for r in conn.execute(select(user.c.id, user.c.naam, user_role.c.rol)
                          .join(user_role, user_role.c.user_id == user.c.id).where(*where)):
        staff.setdefault(r.id, {"naam": r.naam, "rollen": set()})["rollen"].add(r.rol)
    return staff
