"""The one access policy: who may see a signal and who may work a task.

Every screen and API endpoint asks here; nothing else decides. Deny by default: a
user who may not see a signal gets the same answer as for one that does not exist.
"""
from __future__ import annotations

import enum

from sqlalchemy import and_, false, or_, select, true

from .schema import human_task, signal, user_role
from .users import Actor

# The party with regie per route, and so the regional role that sees a routed case.
ROUTE_ROLE = {"zorgtraject": "zorgcoordinator", "zorg_en_strafrecht": "zvh", "riec": "riec"}

# Municipal roles that work signals of their municipality with personal data.
CASE_ROLES = ("analist", "aandachtsfunctionaris")


class Visibility(enum.Enum):
    NONE = "geen"
    STATUS = "status"  # the reporter: that it is handled, not what was found
    FULL = "volledig"


def signal_visibility(actor: Actor, row) -> Visibility:
    """How much of signal ``row`` (needs ``gemeente_id``, ``route``, ``gemeld_door``) ``actor`` may see."""
    if any(actor.has_role(rol, row.gemeente_id) for rol in CASE_ROLES):
        return Visibility.FULL
    regie = ROUTE_ROLE.get(row.route or "")
    if regie and actor.has_role(regie, row.gemeente_id):
        return Visibility.FULL
    if row.gemeld_door is not None and row.gemeld_door == actor.id:
        return Visibility.STATUS
    return Visibility.NONE


def may_work_task(actor: Actor, task) -> bool:
    """Whether ``actor`` may claim or complete ``task`` (a ``human_task`` row)."""
    if task.toegewezen_aan not in (None, actor.id):
        return False
    return actor.has_role(task.rol, task.gemeente_id)


# Roles that oversee the tasks of their municipality without doing them (no personal data in a task).
SUPERVISOR_ROLES = ("manager",)


def may_see_task(actor: Actor, task) -> bool:
    """Whether ``actor`` may know ``task`` exists: their own, one of their role's, or as its manager."""
    return (
        task.toegewezen_aan == actor.id
        or actor.has_role(task.rol, task.gemeente_id)
        or any(actor.has_role(rol, task.gemeente_id) for rol in SUPERVISOR_ROLES)
    )


def exists_role(user_id, rol, gemeente_id):
    """SQL: the user holds ``rol`` in ``gemeente_id`` or region-wide (the rule of ``Actor.has_role``)."""
    return (
        select(user_role.c.id)
        .where(
            user_role.c.user_id == user_id,
            user_role.c.rol == rol,
            or_(user_role.c.gemeente_id == gemeente_id, user_role.c.gemeente_id.is_(None)),
        )
        .exists()
    )


def task_scope_branches(roles: frozenset, user_id) -> list:
    """The rule of :func:`may_see_task` as one condition per role (plus "mine"), each of
    which an index on ``human_task`` serves; a task list combines them with UNION.

    :param roles: the user's ``(rol, gemeente_id)`` pairs (:attr:`Actor.roles`).
    :param user_id: the user's id, or a bind parameter for it.
    """
    branches = [human_task.c.toegewezen_aan == user_id]
    for rol, gemeente_id in sorted(roles, key=lambda r: (r[0], r[1] or 0)):
        if rol in SUPERVISOR_ROLES:
            branches.append(human_task.c.gemeente_id == gemeente_id if gemeente_id is not None else true())
        elif gemeente_id is None:
            branches.append(human_task.c.rol == rol)
        else:
            branches.append(and_(human_task.c.rol == rol, human_task.c.gemeente_id == gemeente_id))
    return branches


def signal_scope(actor: Actor):
    """SQL condition: the signals ``actor`` may see in full."""
    clauses = []
    for rol, gemeente_id in actor.roles:
        if rol in CASE_ROLES and gemeente_id is not None:
            clauses.append(signal.c.gemeente_id == gemeente_id)
        routes = [route for route, regie in ROUTE_ROLE.items() if regie == rol]
        if routes:
            where = signal.c.route.in_(routes)
            clauses.append(where if gemeente_id is None else and_(where, signal.c.gemeente_id == gemeente_id))
    return or_(*clauses) if clauses else false()


def supervised_gemeenten(actor: Actor) -> frozenset[int] | None:
    """The municipalities whose tasks, workload and figures ``actor`` oversees (a supervisor
    role there): ``None`` means the whole region, an empty set means none (no overview)."""
    scope: set[int] = set()
    for rol, gemeente_id in actor.roles:
        if rol in SUPERVISOR_ROLES:
            if gemeente_id is None:
                return None
            scope.add(gemeente_id)
    return frozenset(scope)


def may_reassign_task(actor: Actor, task, to_actor: Actor) -> bool:
    """Whether ``actor`` may put ``task`` (a ``human_task`` row) on ``to_actor``'s name: a supervisor
    of the task's municipality, to someone who holds the task's role there."""
    return (any(actor.has_role(rol, task.gemeente_id) for rol in SUPERVISOR_ROLES)
            and to_actor.has_role(task.rol, task.gemeente_id))
