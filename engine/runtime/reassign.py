"""Reassign: a manager puts an open task on the name of another person with the task's role.

One command, one transaction: the task row changes only if its assignee is still the one
the manager saw (``UPDATE … WHERE toegewezen_aan IS NOT DISTINCT FROM :gezien``), so a
colleague who claimed or completed it meanwhile wins and the manager gets a 409 saying
so. The change is audited and the new assignee gets a mail (:mod:`engine.mail.notify`).
:func:`hand_back_task` puts a task back in its role's queue (nobody's name), the same way.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, select, update

from ..audit.audit import AuditBatch
from ..domain.labels import label
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..mail.notify import queue_assigned
from ..people.access import SUPERVISOR_ROLES, may_reassign_task, may_see_task
from ..people.users import Actor, load_actor, user_names
from ..store.schema import human_task
from .commands import already_done
from .projections import OPEN

_TASK = select(human_task).where(human_task.c.id == bindparam("task_id"))
_REASSIGN = (
    update(human_task)
    .where(human_task.c.id == bindparam("task_id"), human_task.c.status == OPEN,
           human_task.c.toegewezen_aan.is_not_distinct_from(bindparam("seen")))
    .values(toegewezen_aan=bindparam("to_id"))
)
UNSET = object()


def reassign_task(conn: Connection, actor: Actor, task_id: int, to_user_id: int, *, now: dt.datetime,
                  seen=UNSET) -> dict:
    """Put task ``task_id`` on ``to_user_id``'s name.

    :param seen: the assignee (user id or ``None``) the manager saw when choosing; if it
        changed meanwhile the command refuses (409). Leave it out to take the current one.
    :raises NotFound: the task does not exist or ``actor`` may not know it.
    :raises Forbidden: ``actor`` is no manager in the task's municipality.
    :raises FieldErrors: ``naar``: unknown or inactive user, or without the task's role there.
    :raises Conflict: the task is no longer open, or its assignee changed since ``seen``.
    """
    row = _open_task_of_a_managed_municipality(conn, actor, task_id, seen, "taken toewijzen")
    try:
        target = load_actor(conn, to_user_id)
    except NotFound:
        raise FieldErrors({"naar": "onbekende of uitgeschakelde gebruiker"}) from None
    if not may_reassign_task(actor, row, target):
        raise FieldErrors({"naar": f"{target.naam} heeft niet de rol '{label('rol', row.rol)}' in de gemeente van "
                                   "deze taak"})
    if row.toegewezen_aan == target.id:
        raise FieldErrors({"naar": f"de taak staat al op naam van {target.naam}"})
    if conn.execute(_REASSIGN, {"task_id": task_id, "seen": row.toegewezen_aan, "to_id": target.id}).rowcount != 1:
        raise _changed(conn, conn.execute(_TASK, {"task_id": task_id}).first())
    log = AuditBatch(now, row.instance_id, row.signal_id)
    log.add("taak_toegewezen", actor.id, taak_id=row.id, stap=row.naam, van=row.toegewezen_aan, naar=target.id)
    log.write(conn)
    queue_assigned(conn, row, target.id, now=now)
    return {"taak_id": row.id, "stap": row.naam, "van": row.toegewezen_aan, "naar": target.id,
            "naar_naam": target.naam}


def _open_task_of_a_managed_municipality(conn: Connection, actor: Actor, task_id: int, seen, doing: str):
    """The open task ``task_id`` that ``actor``, a manager of its municipality, may act on, unchanged since
    ``seen``; else NotFound, Forbidden ("Alleen een manager van deze gemeente kan ``doing``.") or Conflict."""
    row = conn.execute(_TASK, {"task_id": task_id}).first()
    if row is None or not may_see_task(actor, row):
        raise NotFound("Deze taak bestaat niet of u heeft er geen toegang toe.")
    if not any(actor.has_role(rol, row.gemeente_id) for rol in SUPERVISOR_ROLES):
        raise Forbidden(f"Alleen een manager van deze gemeente kan {doing}.")
    if row.status != OPEN:
        raise already_done(conn, row)
    if seen is not UNSET and seen != row.toegewezen_aan:
        raise _changed(conn, row)
    return row


def hand_back_task(conn: Connection, actor: Actor, task_id: int, *, now: dt.datetime, seen=UNSET) -> dict:
    """Take task ``task_id`` off whoever has it: back in the queue of its role (a manager's undo of a reassignment).

    :raises NotFound: the task does not exist or ``actor`` may not know it.
    :raises Forbidden: ``actor`` is no manager in the task's municipality.
    :raises FieldErrors: ``naar``: the task is on nobody's name already.
    :raises Conflict: the task is no longer open, or its assignee changed since ``seen``.
    """
    row = _open_task_of_a_managed_municipality(conn, actor, task_id, seen, "taken teruggeven aan de rol")
    if row.toegewezen_aan is None:
        raise FieldErrors({"naar": "de taak staat al bij de rol, op niemands naam"})
    if conn.execute(_REASSIGN, {"task_id": task_id, "seen": row.toegewezen_aan, "to_id": None}).rowcount != 1:
        raise _changed(conn, conn.execute(_TASK, {"task_id": task_id}).first())
    log = AuditBatch(now, row.instance_id, row.signal_id)
    log.add("taak_vrijgegeven", actor.id, taak_id=row.id, stap=row.naam, van=row.toegewezen_aan)
    log.write(conn)
    return {"taak_id": row.id, "stap": row.naam, "van": row.toegewezen_aan, "naar": None,
            "rol_naam": label("rol", row.rol)}


def _changed(conn: Connection, row) -> Conflict:
    if row.status != OPEN:
        return already_done(conn, row)
    if row.toegewezen_aan is None:
        return Conflict("Deze taak is intussen teruggegeven aan de rol; bekijk het overzicht opnieuw.")
    who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
    return Conflict(f"Deze taak staat intussen op naam van {who}; bekijk het overzicht opnieuw.")

