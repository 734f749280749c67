"""Hand a signal over to another municipality: where the victim lives or was found.

One command, one transaction. The signal's municipality becomes the receiving one; its open
tasks move with it, deadlines and timers unchanged, claims released (nobody of the handing-over
municipality can work them any more), and they leave any agenda of the old municipality's case
tables they were waiting on. The receiving municipality's aandachtsfunctionaris is told (a
notification and a mail naming the reference, and the usual mail for each task now ready for a
role there). The
handing-over municipality keeps the row in ``overdracht``: the reference and the fact, nothing
of the content. The reporter keeps their status view (it rests on who reported, not where).

Why move the open tasks rather than open a new "assess the handed-over signal" task: an
aandachtsfunctionaris receiving a case expects to pick it up where it stands — the enrichment
done is not redone, the deadlines that keep a victim's case from stalling keep running — and
one decision in one task, not a second task next to the process's own assessment. When the
case stands at the aandachtsfunctionaris's step, the receiving one has that task; when it
stands at the analist's enrichment, the receiving analist (who has the address data of that
municipality) does it, and the aandachtsfunctionaris's task follows from the process.

The instance's version is raised: a command that read the signal's old municipality (a task
completed at the same moment) loses with "changed meanwhile" instead of opening tasks there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..domain.status import SignalStatus, TaskStatus
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..mail.notify import queue_handed_over, queue_tasks_opened
from ..people.access import HANDOVER_ROLE, Visibility, may_hand_over, signal_access
from ..people.users import Actor, find_gemeente
from ..store.schema import agendapunt, gemeente, human_task, notificatie, overdracht, process_instance, signal
from .instances import StaleInstance

MAX_REDEN = 1000
NOTIFICATION = "overdracht"

_SIGNAL = (
    select(signal.c.id, signal.c.referentie, signal.c.gemeente_id, signal.c.route, signal.c.gemeld_door,
           signal.c.status, signal.c.instance_id, process_instance.c.version, gemeente.c.naam.label("gemeente_naam"))
    .join(process_instance, process_instance.c.id == signal.c.instance_id)
    .join(gemeente, gemeente.c.id == signal.c.gemeente_id)
)


@dataclass(frozen=True)
class Handover:
    """What a handover did: to where, and the open tasks that moved with the signal."""

    signal_id: int
    referentie: str
    van: str
    naar: str
    taken: list[dict]


def _target(conn: Connection, row, naam) -> tuple[int | None, str | None, str | None]:
    """The receiving municipality's id and name, or the reason it cannot be (for the field ``gemeente``)."""
    if isinstance(naam, int) and not isinstance(naam, bool):
        naam = str(naam)  # an id, as the API may send it
    if not isinstance(naam, str) or not naam.strip():
        return None, None, "kies de gemeente waar het slachtoffer woont of is aangetroffen"
    naam = naam.strip()
    if len(naam) > 200 or "\x00" in naam:
        return None, None, "onbekende gemeente"
    found = int(naam) if naam.isascii() and naam.isdigit() and len(naam) < 10 else find_gemeente(conn, naam)
    target = conn.execute(select(gemeente.c.id, gemeente.c.naam).where(gemeente.c.id == found)).first() \
        if found is not None else None
    if target is None:
        return None, None, f"onbekende gemeente '{naam}'"
    if target.id == row.gemeente_id:
        return None, None, "het signaal hoort al bij deze gemeente; kies een andere"
    return target.id, target.naam, None


def hand_over(conn: Connection, actor: Actor, signal_id: int, naar: str, reden: str, *, now: dt.datetime) -> Handover:
    """Hand signal ``signal_id`` over to municipality ``naar`` (a name, code or id) for ``reden``.

    :raises NotFound: the signal does not exist or ``actor`` may not see it.
    :raises Forbidden: ``actor`` sees it but is not its municipality's aandachtsfunctionaris.
    :raises Conflict: the signal is closed.
    :raises FieldErrors: no reason, no or an unknown municipality, or the one it is in.
    :raises StaleInstance: the case changed meanwhile.
    """
    row = conn.execute(_SIGNAL.where(signal.c.id == signal_id)).first()
    if row is None or signal_access(actor, row)[0] is Visibility.NONE:
        raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
    if not may_hand_over(actor, row):
        raise Forbidden("Alleen de aandachtsfunctionaris van de gemeente kan een signaal overdragen.")
    if row.status == SignalStatus.FINISHED:
        raise Conflict("Dit signaal is afgesloten; het kan niet meer worden overgedragen.")
    errors = {}
    reden = reden.strip() if isinstance(reden, str) else ""
    if not reden:
        errors["reden"] = "is verplicht: waarom hoort dit signaal bij een andere gemeente?"
    elif len(reden) > MAX_REDEN:
        errors["reden"] = f"mag hoogstens {MAX_REDEN} tekens zijn"
    elif "\x00" in reden:
        errors["reden"] = "bevat een ongeldig teken"
    target_id, target_naam, problem = _target(conn, row, naar)
    if problem:
        errors["gemeente"] = problem
    if errors:
        raise FieldErrors(errors)

    new_version = row.version + 1
    bumped = conn.execute(update(process_instance)
                          .where(process_instance.c.id == row.instance_id, process_instance.c.version == row.version)
                          .values(version=new_version, updated_at=now))
    if bumped.rowcount != 1:
        raise StaleInstance("Het dossier is intussen door iemand anders gewijzigd.")
    moved_signal = conn.execute(update(signal)
                                .where(signal.c.id == signal_id, signal.c.gemeente_id == row.gemeente_id)
                                .values(gemeente_id=target_id, updated_at=now))
    if moved_signal.rowcount != 1:
        raise StaleInstance("Het signaal is intussen door iemand anders gewijzigd.")
    tasks = conn.execute(
        update(human_task).where(human_task.c.signal_id == signal_id, human_task.c.status == TaskStatus.OPEN)
        .values(gemeente_id=target_id, toegewezen_aan=None)
        .returning(human_task.c.id, human_task.c.naam, human_task.c.bpmn_id, human_task.c.rol)).all()
    tasks = sorted(({"id": t.id, "naam": t.naam, "bpmn_id": t.bpmn_id, "rol": t.rol} for t in tasks),
                   key=lambda t: t["id"])
    task_ids = [t["id"] for t in tasks]
    off_agenda = 0
    if task_ids:  # the old municipality's tables no longer decide these
        off_agenda = conn.execute(delete(agendapunt).where(agendapunt.c.human_task_id.in_(task_ids),
                                                           agendapunt.c.besluit.is_(None))).rowcount
    handover_id = conn.execute(insert(overdracht).values(
        signal_id=signal_id, van_gemeente_id=row.gemeente_id, naar_gemeente_id=target_id, reden=reden, door=actor.id,
        op=now).returning(overdracht.c.id)).scalar_one()
    waiting = ", ".join(f"'{t['naam']}'" for t in tasks)
    conn.execute(insert(notificatie).values(
        soort=NOTIFICATION, rol=HANDOVER_ROLE, gemeente_id=target_id, signal_id=signal_id,
        human_task_id=task_ids[0] if task_ids else None, created_at=now,
        bericht=f"Signaal {row.referentie} is door de gemeente {row.gemeente_naam} aan uw gemeente overgedragen"
                + (f"; open: {waiting}." if waiting else ".")))
    queue_handed_over(conn, signal_id=signal_id, referentie=row.referentie, rol=HANDOVER_ROLE, gemeente_id=target_id,
                      cause=str(handover_id), now=now)
    queue_tasks_opened(conn, tasks, gemeente_id=target_id, now=now, instance_id=row.instance_id, version=new_version)
    log = AuditBatch(now, row.instance_id, signal_id, rol=HANDOVER_ROLE)
    log.add("signaal_overgedragen", actor.id, van=row.gemeente_naam, naar=target_naam, reden=reden,
            taken=[t["naam"] for t in tasks], van_agenda=off_agenda)
    log.write(conn)
    return Handover(signal_id, row.referentie, row.gemeente_naam, target_naam, tasks)


_CHOICES = select(gemeente.c.id, gemeente.c.naam).order_by(gemeente.c.naam)


def targets(conn: Connection, actor: Actor, signal_id: int) -> list[dict]:
    """The municipalities ``actor`` may hand signal ``signal_id`` over to (none if they may not hand it over)."""
    row = conn.execute(_SIGNAL.where(signal.c.id == signal_id)).first()
    if row is None or row.status == SignalStatus.FINISHED or not may_hand_over(actor, row):
        return []
    return [{"id": r.id, "naam": r.naam} for r in conn.execute(_CHOICES) if r.id != row.gemeente_id]
