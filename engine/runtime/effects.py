"""What a fired timer does besides moving its workflow on: escalate to the manager.

An escalation marks the user task the timer sits on and leaves a notification for the
``manager`` role of the task's municipality — or, for a task of a regional role, for the role the
catalog names as that role's manager (``escalatie_rol``, e.g. the ``regiomanager``), which holds
in the task's region (issue #17). The notification names the step and the
signal's reference only: never personal data.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, insert, select, update

from ..audit.audit import AuditBatch
from ..clock import isoformat
from ..domain.roles import ESCALATION_ROLES
from ..domain.status import TaskStatus
from ..store.schema import human_task, notificatie, signal
from .projections import FiredTimer

_MARK_ESCALATED = (
    update(human_task)
    .where(human_task.c.id == bindparam("task_id"), human_task.c.escalated_at.is_(None))
    .values(escalated_at=bindparam("now"))
)
_TASK_FOR_NOTICE = (
    select(human_task.c.naam, human_task.c.status, human_task.c.rol, signal.c.referentie)
    .outerjoin(signal, signal.c.id == human_task.c.signal_id)
    .where(human_task.c.id == bindparam("task_id"))
)
_NOTIFY = insert(notificatie)


def apply_timer_effects(conn: Connection, fired: list[FiredTimer], *, signal_id: int | None, gemeente_id: int,
                        now: dt.datetime, log: AuditBatch) -> None:
    """Record each fired timer in the audit log and carry out its ``actie``."""
    for timer in fired:
        log.add("timer_afgevuurd", timer_id=timer.timer_id, stap=timer.naam, timer_actie=timer.actie,
                gepland=isoformat(timer.due_at))
        if timer.actie != "escalatie" or timer.human_task_id is None:
            continue
        task = conn.execute(_TASK_FOR_NOTICE, {"task_id": timer.human_task_id}).first()
        if task is None or task.status != TaskStatus.OPEN:
            continue
        conn.execute(_MARK_ESCALATED, {"task_id": timer.human_task_id, "now": now})
        conn.execute(_NOTIFY, {
            "soort": "escalatie", "rol": ESCALATION_ROLES.get(task.rol or "", "manager"), "gemeente_id": gemeente_id,
            "signal_id": signal_id,
            "human_task_id": timer.human_task_id, "created_at": now,
            "bericht": f"De deadline van '{task.naam}' is verstreken"
                       + (f" (signaal {task.referentie})." if task.referentie else "."),
        })
        log.add("taak_geescaleerd", taak_id=timer.human_task_id, stap=task.naam)
