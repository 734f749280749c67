"""The Signalen list: the signals a case worker may see, filtered and paged (projection tables only).

Who sees which signal is :func:`~engine.people.access.signal_scope` (the aandachtsfunctionaris
every signal of their municipalities, closed ones included; a regie party the cases on its routes,
route-map referrals included); the signals a municipality handed over are
:func:`~engine.people.access.handover_scope`, listed apart with their reference and the fact only.

A row shows no personal data of the case: reference, dates, status, phase, route, outcome, the
owner of the open step and its deadline, and the two categorical marks ``acute`` and
``minderjarige`` (kept even in a tombstone: docs/privacy.md, *Signalen*). So a list view is not
written to the processing log, as the task list is not; opening a signal is.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, and_, exists, func, select

from ..clock import AMSTERDAM, UTC, as_utc, isoformat
from ..domain.roles import ROLES
from ..domain.status import SignalStatus, TaskStatus
from ..domain.user_input import EARLIEST_DATE, LATEST_DATE
from ..errors import FieldErrors
from ..people.access import handover_scope, signal_scope
from ..people.users import Actor, find_gemeente
from ..store.schema import gemeente, human_task, overdracht, process_definition, process_instance, signal, user
from .figures import ROUTES

MAX_PAGE = 200
HANDED_OVER = "overgedragen"  # a status filter value: the signals this municipality handed over
STATUSES = {SignalStatus.RUNNING.value: "In behandeling", SignalStatus.FINISHED.value: "Afgesloten",
            HANDED_OVER: "Overgedragen aan een andere gemeente"}
MINDERJARIG = ("ja", "nee", "onbekend")
MAX_TEXT = 200
_YES, _NO = ("1", "ja", "true", "on"), ("0", "nee", "false", "off")
_DATE_NL = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
# Filters that read what a handed-over signal no longer shows its former municipality.
_CONTENT_FILTERS = ("fase", "route", "proces", "overdue", "acute", "minderjarige")


@dataclass(frozen=True)
class SignalFilter:
    """What the list is narrowed to; every field optional. Built by :func:`parse_filter`."""

    status: str | None = None
    fase: str | None = None
    route: str | None = None
    proces: str | None = None
    gemeente: str | None = None
    ontvangen_van: dt.date | None = None
    ontvangen_tot: dt.date | None = None
    overdue: bool = False
    acute: bool | None = None
    minderjarige: str | None = None
    referentie: str | None = None


def _text(raw: Mapping, name: str, errors: dict) -> str | None:
    value = (raw.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        errors[name] = f"mag hoogstens {MAX_TEXT} tekens zijn"
        return None
    if "\x00" in value:
        errors[name] = "bevat een ongeldig teken"
        return None
    return value or None


def _flag(raw: Mapping, name: str, errors: dict) -> bool | None:
    value = (raw.get(name) or "").strip().lower()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    errors[name] = "kies ja of nee"
    return None


def _date(raw: Mapping, name: str, errors: dict) -> dt.date | None:
    value = (raw.get(name) or "").strip()
    if not value:
        return None
    try:
        if len(value) > 10:
            raise ValueError(value[:20])
        nl = _DATE_NL.fullmatch(value)
        day = (dt.date(int(nl.group(3)), int(nl.group(2)), int(nl.group(1))) if nl
               else dt.date.fromisoformat(value))
    except ValueError:
        errors[name] = "is geen geldige datum (dd-mm-jjjj)"
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:  # a day at either end of what datetime holds overflows as UTC
        errors[name] = (f"moet tussen {EARLIEST_DATE.strftime('%d-%m-%Y')} en {LATEST_DATE.strftime('%d-%m-%Y')} "
                        "liggen")
        return None
    return day


def parse_filter(raw: Mapping[str, str]) -> SignalFilter:
    """The filter from query-string values (API and page alike).

    :raises FieldErrors: per field, in Dutch: an unknown status or minderjarige value, a date that
        is no date, a period that ends before it starts, a yes/no that is neither, or a filter on
        the content of a handed-over signal.
    """
    errors: dict[str, str] = {}
    status = _text(raw, "status", errors)
    if status is not None and status not in STATUSES:
        errors["status"] = f"onbekende status '{status}'; kies uit: {', '.join(STATUSES)}"
    minderjarige = _text(raw, "minderjarige", errors)
    if minderjarige is not None and minderjarige not in MINDERJARIG:
        errors["minderjarige"] = f"kies uit: {', '.join(MINDERJARIG)}"
    van, tot = _date(raw, "ontvangen_van", errors), _date(raw, "ontvangen_tot", errors)
    if van and tot and tot < van:
        errors["ontvangen_tot"] = "ligt vóór de datum 'ontvangen van'"
    referentie = _text(raw, "referentie", errors)
    if referentie is not None and len(referentie) > 40:
        errors["referentie"] = "mag hoogstens 40 tekens zijn"
    result = SignalFilter(
        status=status, fase=_text(raw, "fase", errors), route=_text(raw, "route", errors),
        proces=_text(raw, "proces", errors), gemeente=_text(raw, "gemeente", errors), ontvangen_van=van,
        ontvangen_tot=tot, overdue=bool(_flag(raw, "overdue", errors)), acute=_flag(raw, "acute", errors),
        minderjarige=minderjarige, referentie=referentie)
    if status == HANDED_OVER:
        for name in _CONTENT_FILTERS:
            if getattr(result, name) not in (None, False):
                errors.setdefault(name, "kan niet samen met status 'overgedragen': van een overgedragen signaal "
                                        "houdt uw gemeente alleen de referentie en de overdracht")
    if errors:
        raise FieldErrors(errors)
    return result


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), AMSTERDAM).astimezone(UTC)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _gemeente_id(conn: Connection, naam: str) -> int:
    found = int(naam) if naam.isascii() and naam.isdigit() and len(naam) < 10 else find_gemeente(conn, naam)
    if found is None or conn.execute(select(gemeente.c.id).where(gemeente.c.id == found)).first() is None:
        raise FieldErrors({"gemeente": f"onbekende gemeente '{naam}'"})
    return found


def _common(conn: Connection, flt: SignalFilter, gemeente_column) -> list:
    """The conditions every list shares: municipality, period received, reference."""
    where = []
    if flt.gemeente:
        where.append(gemeente_column == _gemeente_id(conn, flt.gemeente))
    if flt.ontvangen_van:
        where.append(signal.c.ontvangen_op >= _day_start(flt.ontvangen_van))
    if flt.ontvangen_tot:
        where.append(signal.c.ontvangen_op < _day_start(flt.ontvangen_tot + dt.timedelta(days=1)))
    if flt.referentie:
        where.append(signal.c.referentie.ilike(_like(flt.referentie), escape="\\"))
    return where


def _open_task_overdue(now: dt.datetime):
    return exists().where(human_task.c.signal_id == signal.c.id, human_task.c.status == TaskStatus.OPEN,
                          human_task.c.due_at < now)


def signal_list(conn: Connection, actor: Actor, flt: SignalFilter, *, now: dt.datetime, limit: int = 50,
                offset: int = 0) -> dict:
    """A page of the signals ``actor`` may see in full, newest received first, with each one's phase,
    owner and next deadline; or, for ``status='overgedragen'``, those their municipality handed over.

    :returns: ``{"signalen": [...], "totaal": n, "limit": l, "offset": o}``.
    :raises FieldErrors: an unknown municipality or process.
    """
    limit = max(1, min(limit, MAX_PAGE))
    if flt.status == HANDED_OVER:
        return _handed_over(conn, actor, flt, limit=limit, offset=offset)
    where = [signal_scope(actor), *_common(conn, flt, signal.c.gemeente_id)]
    if flt.status:
        where.append(signal.c.status == flt.status)
    if flt.fase:
        where.append(signal.c.fase == flt.fase)
    if flt.route:
        if flt.route not in ROUTES and conn.execute(select(signal.c.id).where(signal.c.route == flt.route)
                                                    .limit(1)).first() is None:
            raise FieldErrors({"route": f"onbekende route '{flt.route}'"})
        where.append(signal.c.route == flt.route)
    if flt.acute is not None:
        where.append(signal.c.acute_nood.is_(flt.acute))
    if flt.minderjarige:
        where.append(signal.c.minderjarige == flt.minderjarige)
    if flt.overdue:
        where.append(_open_task_overdue(now))
    if flt.proces:
        known = conn.execute(select(process_definition.c.id).where(process_definition.c.sleutel == flt.proces)
                             .limit(1)).first()
        if known is None:
            raise FieldErrors({"proces": f"onbekend proces '{flt.proces}'"})
        where.append(signal.c.instance_id.in_(
            select(process_instance.c.id).join(process_definition,
                                               process_definition.c.id == process_instance.c.definition_id)
            .where(process_definition.c.sleutel == flt.proces)))
    condition = and_(*where)
    rows = conn.execute(
        select(signal.c.id, signal.c.referentie, signal.c.status, signal.c.fase, signal.c.route, signal.c.uitkomst,
               signal.c.ontvangen_op, signal.c.closed_at, signal.c.acute_nood, signal.c.minderjarige,
               gemeente.c.naam.label("gemeente_naam"), process_definition.c.naam.label("proces_naam"),
               process_definition.c.sleutel.label("proces_sleutel"))
        .join(gemeente, gemeente.c.id == signal.c.gemeente_id)
        .join(process_instance, process_instance.c.id == signal.c.instance_id)
        .join(process_definition, process_definition.c.id == process_instance.c.definition_id)
        .where(condition)
        .order_by(signal.c.ontvangen_op.desc(), signal.c.id.desc())
        .limit(limit).offset(offset)
    ).all()
    if offset == 0 and len(rows) < limit:
        total = len(rows)
    else:
        total = conn.execute(select(func.count()).select_from(signal).where(condition)).scalar_one()
    ids = [r.id for r in rows]
    tasks = _open_tasks(conn, ids)
    received = _received_from(conn, ids)
    return {"signalen": [_row_json(r, tasks.get(r.id, []), received.get(r.id), now) for r in rows],
            "totaal": total, "limit": limit, "offset": offset}


def _open_tasks(conn: Connection, ids: list[int]) -> dict[int, list]:
    """The open tasks of the signals ``ids``, earliest deadline first (no deadline last)."""
    if not ids:
        return {}
    rows = conn.execute(
        select(human_task.c.signal_id, human_task.c.id, human_task.c.naam, human_task.c.rol, human_task.c.due_at,
               user.c.naam.label("toegewezen_naam"))
        .outerjoin(user, user.c.id == human_task.c.toegewezen_aan)
        .where(human_task.c.signal_id.in_(ids), human_task.c.status == TaskStatus.OPEN)
    ).all()
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.signal_id, []).append(row)
    far = dt.datetime.max.replace(tzinfo=UTC)
    for tasks in out.values():
        tasks.sort(key=lambda t: (t.due_at is None, as_utc(t.due_at) if t.due_at else far, t.id))
    return out


def _received_from(conn: Connection, ids: list[int]) -> dict[int, str]:
    """For the signals ``ids`` that were handed over: the municipality the last handover came from."""
    if not ids:
        return {}
    rows = conn.execute(
        select(overdracht.c.signal_id, gemeente.c.naam)
        .join(gemeente, gemeente.c.id == overdracht.c.van_gemeente_id)
        .where(overdracht.c.signal_id.in_(ids))
        .order_by(overdracht.c.id)
    ).all()
    return {row.signal_id: row.naam for row in rows}


def _row_json(row, tasks: list, received_from: str | None, now: dt.datetime) -> dict:
    first = tasks[0] if tasks else None
    deadline = next((as_utc(t.due_at) for t in tasks if t.due_at is not None), None)
    return {
        "id": row.id,
        "referentie": row.referentie,
        "gemeente": row.gemeente_naam,
        "ontvangen_op": isoformat(row.ontvangen_op),
        "status": row.status,
        "fase": row.fase,
        "route": row.route,
        "uitkomst": row.uitkomst,
        "afgesloten_op": isoformat(row.closed_at),
        "proces": row.proces_naam,
        "proces_sleutel": row.proces_sleutel,
        "acute": bool(row.acute_nood),
        "minderjarige": row.minderjarige,
        # who holds the open step (the one due first), or the role whose task list it is in
        "eigenaar": first.toegewezen_naam if first is not None else None,
        "eigenaar_rol": first.rol if first is not None else None,
        "eigenaar_rol_naam": ROLES.get(first.rol, first.rol) if first is not None else None,
        "volgende_deadline": isoformat(deadline),
        "te_laat": deadline is not None and deadline < now,
        "open_taken": [{"id": t.id, "naam": t.naam, "rol": t.rol, "toegewezen_aan": t.toegewezen_naam,
                        "deadline": isoformat(t.due_at)} for t in tasks],
        "overgedragen_van": received_from,
    }


_TO = gemeente.alias("naar_gemeente")


def _handed_over(conn: Connection, actor: Actor, flt: SignalFilter, *, limit: int, offset: int) -> dict:
    """The handovers ``actor``'s municipalities made: the reference and the fact, nothing of the content."""
    condition = and_(handover_scope(actor), *_common(conn, flt, overdracht.c.van_gemeente_id))
    base = (
        select(overdracht.c.id.label("overdracht_id"), signal.c.id, signal.c.referentie, signal.c.ontvangen_op,
               overdracht.c.op, overdracht.c.reden, gemeente.c.naam.label("van_naam"), _TO.c.naam.label("naar_naam"))
        .join(signal, signal.c.id == overdracht.c.signal_id)
        .join(gemeente, gemeente.c.id == overdracht.c.van_gemeente_id)
        .join(_TO, _TO.c.id == overdracht.c.naar_gemeente_id)
        .where(condition)
    )
    rows = conn.execute(base.order_by(overdracht.c.op.desc(), overdracht.c.id.desc()).limit(limit).offset(offset)).all()
    total = conn.execute(select(func.count()).select_from(
        overdracht.join(signal, signal.c.id == overdracht.c.signal_id)).where(condition)).scalar_one()
    return {"signalen": [handover_json(r) for r in rows], "totaal": total, "limit": limit, "offset": offset}


def handover_json(row) -> dict:
    """A handover as the former municipality keeps it: the reference and the fact."""
    return {"id": row.id, "referentie": row.referentie, "ontvangen_op": isoformat(row.ontvangen_op),
            "status": HANDED_OVER, "overgedragen_van": row.van_naam, "overgedragen_naar": row.naar_naam,
            "overgedragen_op": isoformat(row.op), "reden": row.reden}


def phase_choices(conn: Connection, actor: Actor) -> list[str]:
    """The phases the signals ``actor`` may see are in (the page's phase filter)."""
    rows = conn.execute(select(signal.c.fase).where(signal_scope(actor), signal.c.fase.is_not(None))
                        .group_by(signal.c.fase).order_by(signal.c.fase).limit(200)).all()
    return [r.fase for r in rows]


def route_choices(conn: Connection, actor: Actor) -> list[str]:
    """The routes the signals ``actor`` may see are on (the page's route filter)."""
    rows = conn.execute(select(signal.c.route).where(signal_scope(actor), signal.c.route.is_not(None))
                        .group_by(signal.c.route).order_by(signal.c.route)).all()
    return [r.route for r in rows]


def process_choices(conn: Connection) -> list[dict]:
    """The deployed processes by key, with the newest version's name (the page's process filter)."""
    newest = (select(process_definition.c.sleutel, func.max(process_definition.c.versie).label("versie"))
              .group_by(process_definition.c.sleutel).subquery())
    rows = conn.execute(select(process_definition.c.sleutel, process_definition.c.naam).join(
        newest, and_(newest.c.sleutel == process_definition.c.sleutel, newest.c.versie == process_definition.c.versie))
        .order_by(process_definition.c.naam)).all()
    return [{"sleutel": r.sleutel, "naam": r.naam} for r in rows]
