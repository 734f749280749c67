"""The CoMensha export: a period's registrations, categories only, as CSV and JSON (issue #18).

Each row is the registration data set of one trajectory (:data:`engine.domain.care.COMENSHA_FIELDS`)
as stored when "Melden bij CoMensha" was done, checked again against the categories on the way
out: no name, date of birth, address, reference, description or free text can be in it, whatever a
form held. The rows are numbered 1..n in the file, not by anything that leads back to a case.
Every export is processing-logged (who, which period, how many), never its content.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

from sqlalchemy import Connection, select

from ..audit.audit import AuditBatch
from ..domain.care import COMENSHA_FIELDS, comensha_record
from ..domain.categories import GEMEENTELIJKE_TAAK, ZORGGEGEVENS
from ..errors import Forbidden
from ..people.access import CARE_ROLE, care_scope, may_export_care_registrations
from ..people.users import Actor
from ..store.schema import gemeente, regio, zorgtraject
from .figures import period_bounds
from .oversight import in_scope

FIELDS = ("volgnummer", "gemeld_in", "regio", "gemeente", *COMENSHA_FIELDS)
FORMATS = ("csv", "json")


def registrations(conn: Connection, actor: Actor, *, van: dt.date, tot: dt.date) -> list[dict]:
    """The registrations reported to CoMensha in ``[van, tot]`` in ``actor``'s municipalities.

    :raises Forbidden: ``actor`` is no zorgcoördinator.
    """
    if not may_export_care_registrations(actor):
        raise Forbidden("De CoMensha-export is er voor de zorgcoördinator.")
    start, end = period_bounds(van, tot)
    rows = conn.execute(
        select(zorgtraject.c.comensha_gemeld_op, zorgtraject.c.comensha_gegevens, gemeente.c.naam.label("gemeente"),
               regio.c.naam.label("regio"))
        .join(gemeente, gemeente.c.id == zorgtraject.c.gemeente_id)
        .outerjoin(regio, regio.c.id == gemeente.c.regio_id)
        .where(zorgtraject.c.comensha_gemeld_op >= start, zorgtraject.c.comensha_gemeld_op < end,
               in_scope(zorgtraject.c.gemeente_id, care_scope(actor)))
        .order_by(zorgtraject.c.comensha_gemeld_op, zorgtraject.c.id)
    ).all()
    result = []
    for number, row in enumerate(rows, start=1):
        stored = row.comensha_gegevens if isinstance(row.comensha_gegevens, dict) else {}
        result.append({"volgnummer": number, "gemeld_in": f"{row.comensha_gemeld_op:%Y-%m}", "regio": row.regio,
                       "gemeente": row.gemeente, **comensha_record(stored)})
    return result


def export(conn: Connection, actor: Actor, soort: str, *, van: dt.date, tot: dt.date, now: dt.datetime) -> bytes:
    """The registrations as a file (``csv`` or ``json``), with the export processing-logged in the same transaction."""
    if soort not in FORMATS:
        raise Forbidden("Kies CSV of JSON.")
    rows = registrations(conn, actor, van=van, tot=tot)
    log = AuditBatch(now, rol=CARE_ROLE, grondslag=GEMEENTELIJKE_TAAK)
    log.record("comensha_export", actor.id, soort="raadplegen", categorieen=(ZORGGEGEVENS,), bestand=soort,
               periode=f"{van.isoformat()}/{tot.isoformat()}", aantal=len(rows))
    log.write(conn)
    if soort == "json":
        body = {"periode": {"van": van.isoformat(), "tot": tot.isoformat()}, "velden": list(FIELDS),
                "registraties": rows}
        return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_value(value) for key, value in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet would read it as a formula
    return value
