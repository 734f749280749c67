"""Named queries over the processing log: the audit page and a case's "who has seen this".

Both are themselves reads of personal data (who did what, when), so the orchestrator
logs each view of them as ``verwerkingslog_ingezien``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, func, select

from ..audit.audit import ACTIONS
from ..clock import isoformat
from ..errors import FieldErrors, NotFound
from ..people.access import GRONDSLAGEN, audit_scope, may_read_audit, may_see_access_log
from ..people.users import Actor
from ..store.schema import audit_event, gemeente, signal, user

MAX_PAGE = 200
SOORTEN = ("invoeren", "raadplegen", "wijzigen", "vernietigen")

_signal = signal.alias("log_signal")


def _event_json(row) -> dict:
    return {
        "id": row.id,
        "volgnummer": row.volgnummer,
        "wanneer": isoformat(row.at),
        "gebruiker": row.gebruikersnaam,
        "naam": row.naam,
        "rol": row.rol,
        "actie": row.actie,
        "soort": row.soort,
        "signaal_id": row.signal_id,
        "signaal_referentie": row.referentie,
        "categorieen": list(row.categorieen or []),
        "grondslag": row.grondslag,
        "grondslag_naam": GRONDSLAGEN.get(row.grondslag or "", None),
        "systeem": row.systeem,
        "via": (row.detail or {}).get("via"),
    }


def _select():
    return (
        select(audit_event, user.c.gebruikersnaam, user.c.naam, _signal.c.referentie)
        .outerjoin(user, user.c.id == audit_event.c.user_id)
        .outerjoin(_signal, _signal.c.id == audit_event.c.signal_id)
    )


def known_actions() -> list[str]:
    """The actions the engine writes (for the audit page's filter)."""
    return sorted(ACTIONS)


def audit_log(conn: Connection, actor: Actor, *, gebruiker: str | None = None, actie: str | None = None,
              soort: str | None = None, signaal: str | None = None, van: dt.date | None = None,
              tot: dt.date | None = None, limit: int = 50, offset: int = 0) -> dict:
    """The processing log for a ``beheerder``, newest first, filtered and paged.

    :param gebruiker: a username; :param signaal: a signal's reference (``MH-2026-000001``).
    :param van: from this day (inclusive, UTC); :param tot: up to and including this day.
    :raises NotFound: ``actor`` may not read the log (the same answer as for a page that does not exist).
    """
    if not may_read_audit(actor):
        raise NotFound("Deze pagina bestaat niet of u heeft er geen toegang toe.")
    if soort and soort not in SOORTEN:
        raise FieldErrors({"soort": f"kies uit: {', '.join(SOORTEN)}"})
    if van and tot and tot < van:
        raise FieldErrors({"tot": "ligt vóór 'van'"})
    where = []
    scope = audit_scope(actor)
    if scope is not None:
        where.append(_signal.c.gemeente_id.in_(sorted(scope)))
    if gebruiker:
        where.append(user.c.gebruikersnaam == gebruiker)
    if actie:
        where.append(audit_event.c.actie == actie)
    if soort:
        where.append(audit_event.c.soort == soort)
    if signaal:
        where.append(_signal.c.referentie == signaal.strip())
    if van:
        where.append(audit_event.c.at >= dt.datetime.combine(van, dt.time(), dt.UTC))
    if tot:
        where.append(audit_event.c.at < dt.datetime.combine(tot + dt.timedelta(days=1), dt.time(), dt.UTC))
    condition = and_(*where) if where else None
    page = _select().order_by(audit_event.c.volgnummer.desc())
    count = (select(func.count()).select_from(audit_event)
             .outerjoin(user, user.c.id == audit_event.c.user_id)
             .outerjoin(_signal, _signal.c.id == audit_event.c.signal_id))
    if condition is not None:
        page, count = page.where(condition), count.where(condition)
    limit = max(1, min(limit, MAX_PAGE))
    rows = conn.execute(page.limit(limit).offset(max(0, offset))).all()
    total = conn.execute(count).scalar_one()
    return {"gebeurtenissen": [_event_json(r) for r in rows], "totaal": total, "limit": limit, "offset": offset}


_SIGNAL_FOR_LOG = select(signal.c.id, signal.c.referentie, signal.c.gemeente_id, gemeente.c.naam.label("gemeente")).join(
    gemeente, gemeente.c.id == signal.c.gemeente_id)


def signal_access_log(conn: Connection, actor: Actor, signal_id: int, *, limit: int = 100, offset: int = 0) -> dict:
    """Who viewed or changed one signal, newest first: for its aandachtsfunctionaris.

    :raises NotFound: the signal does not exist or ``actor`` may not see its log (one answer).
    """
    row = conn.execute(_SIGNAL_FOR_LOG.where(signal.c.id == signal_id)).first()
    if row is None or not may_see_access_log(actor, row):
        raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
    limit = max(1, min(limit, MAX_PAGE))
    rows = conn.execute(
        _select().where(audit_event.c.signal_id == signal_id, audit_event.c.user_id.is_not(None))
        .order_by(audit_event.c.volgnummer.desc()).limit(limit).offset(max(0, offset))
    ).all()
    total = conn.execute(select(func.count()).select_from(audit_event).where(
        audit_event.c.signal_id == signal_id, audit_event.c.user_id.is_not(None))).scalar_one()
    return {"signaal": {"id": row.id, "referentie": row.referentie, "gemeente": row.gemeente},
            "gebeurtenissen": [_event_json(r) for r in rows], "totaal": total, "limit": limit, "offset": offset}
