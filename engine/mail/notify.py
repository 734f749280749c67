"""Mail notifications into the outbox (``mail_bericht``), in the transaction of their cause.

* a task put ready for a role: a row for each person holding that role in the task's
  municipality (``klaargezet``) — written by the command that opened the task; a task of an
  acute signal (:mod:`engine.domain.acute`) is ``spoed``: sent at once, never in a digest;
* a task put on someone's name by a manager: a row for that person (``toegewezen``);
* a task that passed its deadline: a row for its assignee, or for its role when nobody
  holds it (``te_laat``) — written by the clock's scan :func:`queue_overdue`;
* a signal handled: a row for its reporter (``terugkoppeling``, :func:`queue_feedback`) with
  the general sentence of :mod:`engine.domain.feedback` and the signal's reference.

Only people with a mail address in ``mail_instelling`` get rows. A row names the step and
a link, nothing else: never data about the signal or the people in it. Sending is
:mod:`engine.mail.outbox`.

Each row carries a key (``sleutel``, unique) made of its cause and its recipient, and is
inserted with "on conflict do nothing": the same cause queued twice gives one row, so one
mail. The cause of a new task is the instance's move to its new version (a timer fired again
from the same state after a lost commit moves it to the same version and opens the same
element); of a passed deadline the task and its due time; of an assignment the task and its
moment; of feedback the signal and what the reporter is told.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Connection, String, Text, bindparam, cast, insert, literal, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..clock import isoformat
from ..domain.feedback import feedback_text
from ..domain.status import MailStatus, TaskStatus
from ..people.access import exists_role
from ..store.schema import human_task, mail_bericht, mail_instelling, mail_stand, user

DIRECT, DAILY = "direct", "dagelijks"
PREFERENCES = {DIRECT: "Direct, een mail per taak", DAILY: "Eén overzicht per dag (om 7:00)"}
WAITING, SENT, BUNDLED, FAILED, NO_ADDRESS = (MailStatus.WAITING, MailStatus.SENT, MailStatus.BUNDLED, MailStatus.FAILED,
                                             MailStatus.NO_ADDRESS)
# Not delivered because mail delivery is off (no MAIL_URL): nothing left this machine.
UNDELIVERED = MailStatus.UNDELIVERED
OPENED, ASSIGNED, OVERDUE, DIGEST = "klaargezet", "toegewezen", "te_laat", "dagoverzicht"
FEEDBACK = "terugkoppeling"  # to a reporter: their signal was handled (engine.domain.feedback), in general terms
HANDED_OVER = "overgedragen"  # to the aandachtsfunctionaris of a municipality a signal was handed over to

# After downtime or on the first pass, deadlines passed up to this long ago are still mailed.
CATCH_UP = dt.timedelta(days=1)
_OVERDUE_MARK = "te_laat"

MY_REPORTS_LINK = "/mijn-meldingen"

_COLUMNS = ["soort", "user_id", "human_task_id", "stap", "link", "status", "pogingen", "created_at", "attempt_at",
            "spoed", "sleutel"]
_KEY_LENGTH = 500


def recipient_key(cause: str, user_id) -> str:
    """The key of a row for ``user_id`` caused by ``cause`` (what :func:`_rows_for` computes in SQL)."""
    return f"{cause}:u{user_id}"


def once(conn: Connection, statements: dict):
    """The statement of ``statements`` (one per dialect) for ``conn``: an insert that skips a row
    whose key is already there (``ON CONFLICT (sleutel) DO NOTHING``)."""
    return statements[conn.dialect.name]


def keyed_insert(build) -> dict:
    """``build(insert)`` for PostgreSQL's and SQLite's insert, each with "on conflict (sleutel) do
    nothing"; :func:`once` picks the one for a connection."""
    return {name: build(make).on_conflict_do_nothing(index_elements=["sleutel"])
            for name, make in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def _rows_for(recipients) -> dict:
    """INSERT … SELECT: one outbox row per recipient selected by ``recipients`` (user ids),
    keyed by the bound ``oorzaak`` (cause) and the recipient."""
    ids = recipients.subquery()
    # WHERE true: SQLite reads "SELECT … FROM x ON CONFLICT" as a join's ON without it.
    return keyed_insert(lambda make: make(mail_bericht).from_select(_COLUMNS, select(
        cast(bindparam("soort"), String(30)), ids.c.id, bindparam("task_id"), cast(bindparam("stap"), String(300)),
        cast(bindparam("link"), String(500)), literal(WAITING.value), literal(0), bindparam("now"), bindparam("now"),
        bindparam("spoed", False, type_=Boolean),
        cast(bindparam("oorzaak"), String(_KEY_LENGTH)) + literal(":u") + cast(ids.c.id, String(20)),
    ).select_from(ids).where(true())))


# People holding the role for the task's municipality (there, in its region or installation-wide:
# the access policy's rule), active, with an address.
_ROLE_RECIPIENTS = _rows_for(
    select(user.c.id)
    .join(mail_instelling, mail_instelling.c.user_id == user.c.id)
    .where(exists_role(user.c.id, bindparam("rol"), bindparam("gemeente_id")),
           user.c.actief, mail_instelling.c.email.is_not(None))
)
_USER_RECIPIENT = _rows_for(
    select(user.c.id)
    .join(mail_instelling, mail_instelling.c.user_id == user.c.id)
    .where(user.c.id == bindparam("user_id"), user.c.actief, mail_instelling.c.email.is_not(None))
)


_FEEDBACK_ROW = keyed_insert(lambda make: make(mail_bericht).from_select(
    ["soort", "user_id", "stap", "link", "tekst", "status", "pogingen", "created_at", "attempt_at", "sleutel"],
    select(literal(FEEDBACK), user.c.id, cast(bindparam("referentie"), String(300)), literal(MY_REPORTS_LINK),
           cast(bindparam("tekst"), Text), literal(WAITING.value), literal(0), bindparam("now"), bindparam("now"),
           cast(bindparam("oorzaak"), String(_KEY_LENGTH)) + literal(":u") + cast(user.c.id, String(20)))
    .select_from(user.join(mail_instelling, mail_instelling.c.user_id == user.c.id))
    .where(user.c.id == bindparam("user_id"), user.c.actief, mail_instelling.c.email.is_not(None))
))


def queue_feedback(conn: Connection, user_id: int | None, referentie: str, kind: str, *, now: dt.datetime) -> None:
    """A row for the reporter ``user_id`` (if they have an address): their signal ``referentie`` was
    handled, in the general words of :data:`engine.domain.feedback.TEKSTEN` — nothing about what was found."""
    if user_id is None:
        return
    conn.execute(once(conn, _FEEDBACK_ROW), {
        "user_id": user_id, "referentie": referentie, "tekst": feedback_text(kind), "now": now,
        "oorzaak": _cause(FEEDBACK, referentie, kind)})


def queue_handed_over(conn: Connection, *, signal_id: int, referentie: str, rol: str, gemeente_id: int, cause: str,
                      now: dt.datetime) -> None:
    """Rows for the people of ``rol`` in ``gemeente_id`` (the receiving municipality): signal ``referentie``
    was handed over to them (engine.runtime.handover). The reference and a link, nothing of the case."""
    conn.execute(once(conn, _ROLE_RECIPIENTS), {
        "soort": HANDED_OVER, "task_id": None, "stap": referentie, "link": f"/signalen/{signal_id}", "rol": rol,
        "gemeente_id": gemeente_id, "now": now, "oorzaak": _cause(HANDED_OVER, cause)})


def task_link(task_id: int) -> str:
    return f"/taken/{task_id}"


def _cause(*parts) -> str:
    """A cause as a key prefix: its parts joined with ':' (cut to leave room for the recipient)."""
    return ":".join(str(part) for part in parts)[:_KEY_LENGTH - 30]


def opened_causes(created: list[dict], *, instance_id: int, version: int) -> list[str]:
    """The cause of each new task: the instance's move to ``version`` opening its element (the
    n-th of that element in this move, for a multi-instance task). Not the task's row id: a timer
    fired again from the same state opens a new row for the same element."""
    seen: dict[str, int] = {}
    causes = []
    for task in created:
        n = seen[task["bpmn_id"]] = seen.get(task["bpmn_id"], -1) + 1
        causes.append(_cause(OPENED, f"{instance_id}.{version}", task["bpmn_id"], n))
    return causes


def queue_tasks_opened(conn: Connection, created: list[dict], *, gemeente_id: int, now: dt.datetime,
                       instance_id: int, version: int, spoed: bool = False) -> None:
    """Rows for the people of each new task's role (``created``: the tasks a command opened,
    each with ``id``, ``naam``, ``bpmn_id`` and ``rol``; the command moved instance
    ``instance_id`` to ``version``).

    :param spoed: the signal is acute (:mod:`engine.domain.acute`): the rows go out at once, also
        to people who chose a daily digest.
    """
    if not created:
        return
    causes = opened_causes(created, instance_id=instance_id, version=version)
    conn.execute(once(conn, _ROLE_RECIPIENTS), [
        {"soort": OPENED, "task_id": task["id"], "stap": task["naam"], "link": task_link(task["id"]),
         "rol": task["rol"], "gemeente_id": gemeente_id, "now": now, "oorzaak": cause, "spoed": spoed}
        for task, cause in zip(created, causes, strict=True)
    ])


def queue_assigned(conn: Connection, task, user_id: int, *, now: dt.datetime) -> None:
    """A row for ``user_id``, who now holds ``task`` (a ``human_task`` row)."""
    conn.execute(once(conn, _USER_RECIPIENT), {
        "soort": ASSIGNED, "task_id": task.id, "stap": task.naam, "link": task_link(task.id), "user_id": user_id,
        "now": now, "oorzaak": _cause(ASSIGNED, task.id, isoformat(now))})


_DUE_BETWEEN = (
    select(human_task.c.id, human_task.c.naam, human_task.c.rol, human_task.c.gemeente_id, human_task.c.toegewezen_aan,
           human_task.c.due_at)
    .where(human_task.c.status == TaskStatus.OPEN, human_task.c.due_at > bindparam("since"),
           human_task.c.due_at <= bindparam("now"))
    .order_by(human_task.c.due_at, human_task.c.id)
)


def queue_overdue(conn: Connection, now: dt.datetime, *, postgres: bool = False) -> int:
    """Rows for the open tasks whose deadline passed since the previous scan; returns how many tasks.

    The scan's progress is a ``mail_stand`` row, locked for the transaction: with several
    clock processes one scans and the others wait, then find nothing new (on SQLite the
    write transaction serialises them anyway). A deadline is mailed once.
    """
    stmt = select(mail_stand.c.tot).where(mail_stand.c.naam == _OVERDUE_MARK)
    since = conn.execute(stmt.with_for_update() if postgres else stmt).scalar_one_or_none()
    if since is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(mail_stand).values(naam=_OVERDUE_MARK, tot=now))
        except IntegrityError:
            return 0  # another process made it at the same moment; the next pass goes on from there
        since = now - CATCH_UP
    else:
        conn.execute(update(mail_stand).where(mail_stand.c.naam == _OVERDUE_MARK).values(tot=now))
    tasks = conn.execute(_DUE_BETWEEN, {"since": since, "now": now}).all()
    for task in tasks:
        params = {"soort": OVERDUE, "task_id": task.id, "stap": task.naam, "link": task_link(task.id), "now": now,
                  "oorzaak": _cause(OVERDUE, task.id, isoformat(task.due_at))}
        if task.toegewezen_aan is not None:
            conn.execute(once(conn, _USER_RECIPIENT), {**params, "user_id": task.toegewezen_aan})
        else:
            conn.execute(once(conn, _ROLE_RECIPIENTS), {**params, "rol": task.rol, "gemeente_id": task.gemeente_id})
    return len(tasks)


def settings(conn: Connection, user_id: int) -> dict:
    row = conn.execute(select(mail_instelling).where(mail_instelling.c.user_id == user_id)).first()
    return {"email": row.email if row else None, "wijze": row.wijze if row else DIRECT}


def save_settings(conn: Connection, user_id: int, *, email: str | None, wijze: str, now: dt.datetime) -> None:
    """Store a user's address and preference (validated by the caller's command)."""
    values = {"email": email, "wijze": wijze, "updated_at": now}
    if conn.execute(update(mail_instelling).where(mail_instelling.c.user_id == user_id).values(**values)).rowcount:
        return
    conn.execute(insert(mail_instelling).values(user_id=user_id, **values))
