"""The case file's read side: a signal's entries and notes as one user may see them.

Two indexed reads (``ix_dossier_stap_signal``, ``ix_aantekening_signal``); what each role sees of
them is decided by :func:`engine.people.access.case_file_access`. Each entry carries its raw
answers (``gegevens``, for the API) and the same answers as a person reads them (``weergave``:
the asking form's label, values as Ja/Nee, choice labels and dd-mm-jjjj dates).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, select

from ..clock import AMSTERDAM, as_utc, isoformat
from ..people.access import CaseFileAccess, visible_answers
from ..store.schema import aantekening, dossier_stap, user

_door = user.alias("dossier_door")
_ENTRIES = (
    select(dossier_stap, _door.c.naam.label("door_naam"))
    .outerjoin(_door, _door.c.id == dossier_stap.c.door)
    .where(dossier_stap.c.signal_id == bindparam("signal_id"))
    .order_by(dossier_stap.c.id)
)
_NOTES = (
    select(aantekening, _door.c.naam.label("door_naam"))
    .outerjoin(_door, _door.c.id == aantekening.c.door)
    .where(aantekening.c.signal_id == bindparam("signal_id"))
    .order_by(aantekening.c.id)
)


def case_file(conn: Connection, access: CaseFileAccess, signal_id: int,
              hidden_instances: frozenset[int] = frozenset()) -> tuple[list[dict], list[dict]]:
    """The signal's case file (intake and every completed step and progress report, newest last)
    and its notes, as far as ``access`` shows them.

    :param hidden_instances: instances whose steps this reader may not see at all — the care
        trajectory's, for whoever may not see care data (:func:`engine.people.access.may_see_care_data`).
    """
    if not access.stappen:
        return [], []
    entries = [_entry(row, access) for row in conn.execute(_ENTRIES, {"signal_id": signal_id})
               if row.instance_id not in hidden_instances]
    notes = []
    if access.aantekeningen:
        notes = [{"id": n.id, "door": n.door_naam, "rol": n.rol, "op": isoformat(n.op), "tekst": n.tekst,
                  "corrigeert": n.corrigeert}
                 for n in conn.execute(_NOTES, {"signal_id": signal_id})]
        corrected = {n["corrigeert"]: n["id"] for n in notes if n["corrigeert"] is not None}
        for note in notes:
            note["gecorrigeerd_door"] = corrected.get(note["id"])
    return entries, notes


def _entry(row, access: CaseFileAccess) -> dict:
    gegevens = visible_answers(access, row.gegevens)
    return {
        "stap": row.stap,
        "bpmn_id": row.bpmn_id,
        "rol": row.rol,
        "door": row.door_naam if row.soort != "intake" or access.melder else None,
        "voltooid_op": isoformat(row.voltooid_op),
        "soort": row.soort,
        "gegevens": gegevens,
        "weergave": readable(row.velden or [], gegevens),
    }


def readable(velden: list[dict], gegevens: dict) -> list[dict]:
    """``gegevens`` as a person reads them: ``[{"label", "waarde"}]`` in the form's order, answered
    fields only (an unasked or hidden field is left out)."""
    shown = []
    for veld in velden:
        value = _get(gegevens, veld["sleutel"])
        if value in (None, "", [], {}):
            continue
        if veld.get("soort") == "checkbox" and value is False:
            continue  # an unticked box said nothing
        shown.append({"sleutel": veld["sleutel"], "label": veld["label"], "waarde": _text(value, veld)})
    return shown


def _get(data: dict, key: str):
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(value, veld: dict) -> str:
    waarden = veld.get("waarden") or {}
    if isinstance(value, list):
        return ", ".join(_text(item, veld) for item in value)
    if isinstance(value, bool):
        key = "true" if value else "false"
        return waarden.get(key) or ("Ja" if value else "Nee")
    if str(value) in waarden:
        return waarden[str(value)]
    if isinstance(value, str) and veld.get("soort") == "datetime":
        return _date(value)
    return str(value)


def _date(value: str) -> str:
    """An ISO date or date-time as dd-mm-jjjj (with the time in Amsterdam if there is one)."""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).strftime("%d-%m-%Y")
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%d-%m-%Y %H:%M")
    return as_utc(moment).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
