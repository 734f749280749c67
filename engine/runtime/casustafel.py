"""Case tables at work: meetings, their agendas, and the decisions taken there.

A BPMN user task with the property ``casustafel`` (a key of :data:`engine.domain.tafels.TAFELS`)
is a decision of that table. Its process waits at it (an open ``human_task`` with
``casustafel`` set) until

1. the aandachtsfunctionaris puts it on the agenda of a meeting of that table
   (:func:`bring_to_table`, an ``agendapunt`` row), and
2. on or after the meeting's date, the table's decision is recorded with the task's form
   from the meeting's page (:func:`record_decision`): that completes the task, in the same
   transaction, through :func:`engine.runtime.commands.complete_task`, and the process goes on
   from the decision (by convention the form's key ``besluit_casustafel``).

The task page refuses to complete such a task (:func:`engine.runtime.commands.complete_task`).
Who sees and does what is :mod:`engine.people.access` (``may_sit_at``, ``may_chair``,
``may_bring_to_table``); every change here is audited.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, func, insert, select, update

from ..audit.audit import AuditBatch
from ..clock import AMSTERDAM, as_utc, isoformat
from ..definitions.definitions import DefinitionCache
from ..domain.status import MeetingStatus
from ..domain.tafels import LOKAAL, TAFELS
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..people.access import (
    Visibility,
    may_bring_to_table,
    may_chair,
    may_sit_at,
    may_work_task,
    signal_access,
    tables_of,
)
from ..people.users import Actor, user_names
from ..store.schema import agendapunt, gemeente, human_task, overleg, process_instance, regio, signal
from . import commands
from .instances import Outcome
from .projections import OPEN

PLANNED, HELD = MeetingStatus.PLANNED, MeetingStatus.HELD
DECISION_KEY = "besluit_casustafel"  # the key a table's decision form records the decision under
_NOT_FOUND = "Dit overleg bestaat niet of u heeft er geen toegang toe."


# --- where a meeting reaches ---------------------------------------------------------------------

def _regions(conn: Connection) -> dict[int, int | None]:
    """gemeente id → its region id (the municipalities table is small)."""
    return {row.id: row.regio_id for row in conn.execute(select(gemeente.c.id, gemeente.c.regio_id))}


def scope(row, regions: dict[int, int | None]) -> frozenset[int]:
    """The municipalities a meeting (an ``overleg`` row) is for: its own, its region's, or all."""
    if row.gemeente_id is not None:
        return frozenset({row.gemeente_id})
    if row.regio_id is not None:
        return frozenset(g for g, r in regions.items() if r == row.regio_id)
    return frozenset(regions)


def _place_names(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    """Municipality and region names by id (both tables are small)."""
    return ({r.id: r.naam for r in conn.execute(select(gemeente.c.id, gemeente.c.naam))},
            {r.id: r.naam for r in conn.execute(select(regio.c.id, regio.c.naam))})


def _meeting(conn: Connection, actor: Actor, overleg_id: int, regions: dict):
    row = conn.execute(select(overleg).where(overleg.c.id == overleg_id)).first()
    if row is None or not may_sit_at(actor, row.tafel, scope(row, regions)):
        raise NotFound(_NOT_FOUND)
    return row


def planning_options(conn: Connection, actor: Actor) -> list[dict]:
    """The tables and places ``actor`` may plan a meeting for (``tafel``, ``gemeente_id``, ``regio_id``, ``label``)."""
    regions = _regions(conn)
    names, region_names = _place_names(conn)
    options = []
    for key, spec in TAFELS.items():
        if spec.niveau == LOKAAL:
            for gemeente_id in sorted(names, key=names.get):
                if may_chair(actor, key, {gemeente_id}):
                    options.append({"tafel": key, "gemeente_id": gemeente_id, "regio_id": None,
                                    "label": f"{spec.naam} – {names[gemeente_id]}"})
            continue
        for regio_id in sorted(region_names, key=region_names.get):
            members = {g for g, r in regions.items() if r == regio_id}
            if may_chair(actor, key, members):
                options.append({"tafel": key, "gemeente_id": None, "regio_id": regio_id,
                                "label": f"{spec.naam} – {region_names[regio_id]}"})
        everywhere = any((rol, None) in actor.roles for rol in spec.voorzitters)
        if (not region_names or everywhere) and may_chair(actor, key, set(regions)):
            options.append({"tafel": key, "gemeente_id": None, "regio_id": None, "label": spec.naam})
    return options


# --- commands ----------------------------------------------------------------------------------

def _parse_when(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            raise FieldErrors({"datum": "geef een datum en tijd (bv. 2026-03-01T14:00)"}) from None
    if when.tzinfo is None:  # typed in the browser: Europe/Amsterdam
        when = when.replace(tzinfo=AMSTERDAM)
    return as_utc(when)


def plan_meeting(conn: Connection, actor: Actor, *, tafel: str, gemeente_id: int | None, regio_id: int | None,
                 datum, locatie: str | None, now: dt.datetime) -> int:
    """Plan a meeting of ``tafel``; only its chair for that place may (see :func:`planning_options`)."""
    allowed = {(o["tafel"], o["gemeente_id"], o["regio_id"]) for o in planning_options(conn, actor)}
    if (tafel, gemeente_id, regio_id) not in allowed:
        raise Forbidden("U kunt geen overleg van deze tafel plannen.")
    when = _parse_when(datum)
    overleg_id = conn.execute(insert(overleg).values(
        tafel=tafel, gemeente_id=gemeente_id, regio_id=regio_id, datum=when, locatie=_location(locatie),
        status=PLANNED, created_by=actor.id, created_at=now, updated_at=now)).inserted_primary_key[0]
    _audit_chair(conn, actor, tafel, now, "overleg_gepland", overleg_id=overleg_id, tafel=tafel,
                 datum=isoformat(when))
    return overleg_id


def _location(value: str | None) -> str | None:
    return (value or "").strip()[:300] or None


def _chaired_meeting(conn: Connection, actor: Actor, overleg_id: int, refused: str):
    """The meeting ``overleg_id`` if ``actor`` chairs it; else :class:`Forbidden` with ``refused``."""
    regions = _regions(conn)
    row = _meeting(conn, actor, overleg_id, regions)
    if not may_chair(actor, row.tafel, scope(row, regions)):
        raise Forbidden(refused)
    return row


def _audit_chair(conn: Connection, actor: Actor, table: str, now: dt.datetime, actie: str, **detail) -> None:
    """A meeting's own event (no signal), in the role of the table's chair."""
    log = AuditBatch(now, None, None, rol=TAFELS[table].voorzitters[0])
    log.add(actie, actor.id, **detail)
    log.write(conn)


def change_meeting(conn: Connection, actor: Actor, overleg_id: int, *, datum, locatie: str | None,
                   now: dt.datetime) -> None:
    """Move a planned meeting or change where it is (its chair)."""
    row = _chaired_meeting(conn, actor, overleg_id, "Alleen de voorzitter van deze tafel kan het overleg wijzigen.")
    if row.status != PLANNED:
        raise Conflict("Dit overleg is al gehouden.")
    when = _parse_when(datum)
    conn.execute(update(overleg).where(overleg.c.id == overleg_id).values(
        datum=when, locatie=_location(locatie), updated_at=now))
    _audit_chair(conn, actor, row.tafel, now, "overleg_gewijzigd", overleg_id=overleg_id, datum=isoformat(when))


def open_meeting(conn: Connection, actor: Actor, overleg_id: int, *, now: dt.datetime) -> None:
    """Open a planned meeting now (its chair), also before its planned time: from then on its decisions
    can be recorded. The meeting's time becomes now; one already open is left as it is."""
    row = _chaired_meeting(conn, actor, overleg_id, "Alleen de voorzitter van deze tafel kan het overleg openen.")
    if row.status != PLANNED:
        raise Conflict("Dit overleg is al gehouden.")
    if as_utc(row.datum) <= now:
        return
    conn.execute(update(overleg).where(overleg.c.id == overleg_id).values(datum=now, updated_at=now))
    _audit_chair(conn, actor, row.tafel, now, "overleg_geopend", overleg_id=overleg_id,
                 gepland_op=isoformat(as_utc(row.datum)))


def record_minutes(conn: Connection, actor: Actor, overleg_id: int, notulen: str, *, now: dt.datetime) -> None:
    """Record the minutes of a meeting whose date has come; the meeting is then held (its chair)."""
    row = _chaired_meeting(conn, actor, overleg_id, "Alleen de voorzitter van deze tafel legt de notulen vast.")
    if as_utc(row.datum) > now:
        raise Conflict("Het overleg is nog niet geweest: notulen kunnen vanaf de datum van het overleg.")
    notulen = (notulen or "").strip()
    if not notulen:
        raise FieldErrors({"notulen": "is verplicht"})
    conn.execute(update(overleg).where(overleg.c.id == overleg_id).values(
        notulen=notulen[:20000], status=HELD, updated_at=now))
    _audit_chair(conn, actor, row.tafel, now, "notulen_vastgelegd", overleg_id=overleg_id)


def bring_to_table(conn: Connection, actor: Actor, task_id: int, overleg_id: int, *, now: dt.datetime) -> int:
    """Put the waiting decision ``task_id`` on the agenda of meeting ``overleg_id``; returns the item's id.

    An item not yet decided moves to the new meeting (e.g. the meeting ran out of time).
    """
    task = conn.execute(select(human_task).where(human_task.c.id == task_id)).first()
    if task is None or not task.casustafel or not may_bring_to_table(actor, task):
        raise NotFound("Deze taak bestaat niet of u kunt haar niet agenderen.")
    if task.status != OPEN:
        raise commands.already_done(conn, task)
    regions = _regions(conn)
    meeting = _meeting(conn, actor, overleg_id, regions)
    if meeting.tafel != task.casustafel:
        raise FieldErrors({"overleg_id": f"dit besluit hoort bij de tafel '{TAFELS[task.casustafel].naam}'"})
    if task.gemeente_id not in scope(meeting, regions):
        raise FieldErrors({"overleg_id": "dit overleg is niet voor de gemeente van het signaal"})
    if meeting.status != PLANNED:
        raise FieldErrors({"overleg_id": "dit overleg is al gehouden; kies een volgend overleg"})
    volgorde = conn.execute(select(func.coalesce(func.max(agendapunt.c.volgorde), 0) + 1)
                            .where(agendapunt.c.overleg_id == overleg_id)).scalar_one()
    existing = conn.execute(select(agendapunt).where(agendapunt.c.human_task_id == task_id)).first()
    if existing is not None and existing.besluit is not None:
        raise Conflict("Over deze zaak is al besloten.")
    values = {"overleg_id": overleg_id, "volgorde": volgorde, "geagendeerd_door": actor.id, "geagendeerd_op": now}
    if existing is not None:
        conn.execute(update(agendapunt).where(agendapunt.c.id == existing.id).values(**values))
        item_id = existing.id
    else:
        item_id = conn.execute(insert(agendapunt).values(
            signal_id=task.signal_id, human_task_id=task_id, **values)).inserted_primary_key[0]
    log = AuditBatch(now, task.instance_id, task.signal_id, rol="aandachtsfunctionaris")
    log.add("geagendeerd", actor.id, taak_id=task_id, stap=task.naam, overleg_id=overleg_id, tafel=meeting.tafel)
    log.write(conn)
    return item_id


def record_decision(conn: Connection, cache: DefinitionCache, actor: Actor, item_id: int, data: dict, *,
                    now: dt.datetime) -> Outcome:
    """Record the table's decision on agenda item ``item_id`` with its task's form; the process goes on."""
    item = conn.execute(select(agendapunt).where(agendapunt.c.id == item_id)).first()
    if item is None:
        raise NotFound(_NOT_FOUND)
    regions = _regions(conn)
    meeting = _meeting(conn, actor, item.overleg_id, regions)
    if item.besluit is not None:
        who = user_names(conn, {item.vastgelegd_door}).get(item.vastgelegd_door, "een ander")
        raise Conflict(f"Het besluit over deze zaak is al vastgelegd door {who}.")
    if as_utc(meeting.datum) > now:
        raise Conflict("Het overleg is nog niet geweest: het besluit wordt vastgelegd op of na de datum van het overleg.")
    task = conn.execute(select(human_task.c.naam, human_task.c.instance_id).where(
        human_task.c.id == item.human_task_id)).one()
    besluit = data.get(DECISION_KEY) if isinstance(data, dict) else None
    toelichting = data.get("toelichting") if isinstance(data, dict) else None
    conn.execute(update(agendapunt).where(agendapunt.c.id == item_id).values(
        besluit=str(besluit)[:50] if besluit not in (None, "") else "vastgelegd",
        toelichting=toelichting if isinstance(toelichting, str) and toelichting.strip() else None,
        vastgelegd_door=actor.id, vastgelegd_op=now))
    # Logged before the task's own events: the decision comes first, then the process moves on
    # (one transaction: if completing fails, neither is written).
    log = AuditBatch(now, task.instance_id, item.signal_id, rol=TAFELS[meeting.tafel].voorzitters[0])
    log.add("besluit_vastgelegd", actor.id, stap=task.naam, overleg_id=meeting.id, tafel=meeting.tafel,
            besluit=str(besluit) if besluit is not None else None)
    log.write(conn)
    return commands.complete_task(conn, cache, actor, item.human_task_id, data, now=now, at_meeting=True)


# --- queries -----------------------------------------------------------------------------------

def _meeting_json(row, names: dict, region_names: dict, now: dt.datetime | None = None) -> dict:
    spec = TAFELS[row.tafel]
    plaats = names.get(row.gemeente_id) if row.gemeente_id else region_names.get(row.regio_id, "hele installatie")
    return {"id": row.id, "tafel": row.tafel, "tafel_naam": spec.naam, "plaats": plaats,
            "datum": isoformat(row.datum), "locatie": row.locatie, "status": row.status,
            "stand": meeting_state(row, now)}


def meeting_state(row, now: dt.datetime | None) -> str:
    """How a meeting stands, for people: 'Gepland' until its time, 'Geopend' from its time (decisions
    can be recorded) until the chair records the minutes, then 'Gehouden'."""
    if row.status == HELD:
        return "Gehouden"
    return "Geopend" if now is not None and as_utc(row.datum) <= now else "Gepland"


def meetings(conn: Connection, actor: Actor, *, limit: int = 200, now: dt.datetime | None = None) -> dict:
    """The meetings of the tables ``actor`` sits at: planned ones (soonest first; one whose day passed stays
    until its minutes are recorded) and held ones (latest first)."""
    tafels = tables_of(actor)
    if not tafels:
        return {"komend": [], "geweest": []}
    regions = _regions(conn)
    names, region_names = _place_names(conn)
    counts = dict(conn.execute(select(agendapunt.c.overleg_id, func.count()).group_by(agendapunt.c.overleg_id)).all())
    upcoming = conn.execute(select(overleg).where(overleg.c.tafel.in_(tafels), overleg.c.status == PLANNED)
                            .order_by(overleg.c.datum, overleg.c.id).limit(limit)).all()
    past = conn.execute(select(overleg).where(overleg.c.tafel.in_(tafels), overleg.c.status == HELD)
                        .order_by(overleg.c.datum.desc(), overleg.c.id.desc()).limit(limit)).all()

    def visible(rows):
        return [{**_meeting_json(r, names, region_names, now), "agendapunten": counts.get(r.id, 0)}
                for r in rows if may_sit_at(actor, r.tafel, scope(r, regions))]

    return {"komend": visible(upcoming), "geweest": visible(past)}


def _labels(schema: dict | None) -> dict:
    """The decision field's value → label, from the form-js schema."""
    def walk(components):
        for comp in components or []:
            if comp.get("key") == DECISION_KEY:
                return {str(v.get("value")): v.get("label") for v in comp.get("values") or []}
            found = walk(comp.get("components"))
            if found:
                return found
        return {}
    return walk((schema or {}).get("components"))


def meeting_detail(conn: Connection, cache: DefinitionCache, actor: Actor, overleg_id: int,
                   now: dt.datetime) -> dict:
    """One meeting with its agenda, as ``actor`` (a participant) may see it, and the cases waiting for it."""
    regions = _regions(conn)
    row = _meeting(conn, actor, overleg_id, regions)
    names, region_names = _place_names(conn)
    members = scope(row, regions)
    result = _meeting_json(row, names, region_names, now)
    came = as_utc(row.datum) <= now
    result.update({"notulen": row.notulen, "datum_bereikt": came,
                   "mag_voorzitten": may_chair(actor, row.tafel, members)})
    items = conn.execute(
        select(agendapunt, signal.c.referentie, signal.c.gemeente_id.label("signaal_gemeente"), signal.c.route,
               signal.c.gemeld_door, human_task.c.naam.label("stap"), human_task.c.status.label("taak_status"),
               human_task.c.rol, human_task.c.gemeente_id, human_task.c.toegewezen_aan, human_task.c.formulier,
               process_instance.c.definition_id)
        .join(signal, signal.c.id == agendapunt.c.signal_id)
        .join(human_task, human_task.c.id == agendapunt.c.human_task_id)
        .join(process_instance, process_instance.c.id == human_task.c.instance_id)
        .where(agendapunt.c.overleg_id == overleg_id)
        .order_by(agendapunt.c.volgorde, agendapunt.c.id)
    ).all()
    deciders = user_names(conn, {i.vastgelegd_door for i in items if i.vastgelegd_door})
    agenda = []
    for item in items:
        seen = signal_access(actor, _SignalRow(item.signaal_gemeente, item.route, item.gemeld_door))[0]
        schema = cache.get(conn, item.definition_id).forms[item.formulier].schema if item.formulier else None
        decide = (item.besluit is None and item.taak_status == OPEN and came and may_work_task(actor, item))
        agenda.append({
            "id": item.id, "referentie": item.referentie, "signaal_id": item.signal_id,
            "gemeente": names.get(item.signaal_gemeente), "stap": item.stap,
            "mag_signaal_zien": seen in (Visibility.FULL, Visibility.PROCESS),
            "besluit": item.besluit, "besluit_label": _labels(schema).get(item.besluit or "", item.besluit),
            "vastgelegd_door": deciders.get(item.vastgelegd_door), "vastgelegd_op": isoformat(item.vastgelegd_op),
            "mag_besluiten": decide, "formulier_schema": schema if decide else None,
        })
    result["agenda"] = agenda
    result["te_agenderen"] = _waiting(conn, actor, row.tafel, members) if row.status == PLANNED else []
    return result


def agenda_item_of_task(conn: Connection, actor: Actor, task_id: int, now: dt.datetime) -> dict | None:
    """The agenda item a table task is on, with its meeting, if ``actor`` sits at that table (else ``None``)."""
    row = conn.execute(select(agendapunt.c.id.label("item_id"), overleg)
                       .join(overleg, overleg.c.id == agendapunt.c.overleg_id)
                       .where(agendapunt.c.human_task_id == task_id)).first()
    if row is None or not may_sit_at(actor, row.tafel, scope(row, _regions(conn))):
        return None
    return {"overleg_id": row.id, "agendapunt_id": row.item_id, "tafel_naam": TAFELS[row.tafel].naam,
            "datum": isoformat(row.datum), "stand": meeting_state(row, now)}


class _SignalRow:
    """The three columns :func:`engine.people.access.signal_access` reads."""

    __slots__ = ("gemeente_id", "route", "gemeld_door")

    def __init__(self, gemeente_id, route, gemeld_door):
        self.gemeente_id, self.route, self.gemeld_door = gemeente_id, route, gemeld_door


def _waiting(conn: Connection, actor: Actor, tafel: str, members) -> list[dict]:
    """Open decisions of ``tafel`` in ``members`` on no agenda yet, that ``actor`` may bring to the table."""
    rows = conn.execute(
        select(human_task.c.id, human_task.c.naam, human_task.c.gemeente_id, human_task.c.casustafel,
               human_task.c.created_at, signal.c.referentie, signal.c.id.label("signal_id"))
        .join(signal, signal.c.id == human_task.c.signal_id)
        .outerjoin(agendapunt, agendapunt.c.human_task_id == human_task.c.id)
        .where(human_task.c.status == OPEN, human_task.c.casustafel == tafel,
               human_task.c.gemeente_id.in_(members), agendapunt.c.id.is_(None))
        .order_by(human_task.c.created_at, human_task.c.id)
    ).all()
    return [{"taak_id": r.id, "stap": r.naam, "referentie": r.referentie, "signaal_id": r.signal_id,
             "sinds": isoformat(r.created_at)}
            for r in rows if may_bring_to_table(actor, r)]


def agenda_options(conn: Connection, actor: Actor, signal_id: int, now: dt.datetime) -> list[dict]:
    """For the signal page: its waiting table decisions that ``actor`` may bring to the table, each with
    the planned meetings it can go to (the next one first) and where it is on an agenda now."""
    tasks = conn.execute(select(human_task).where(
        human_task.c.signal_id == signal_id, human_task.c.status == OPEN, human_task.c.casustafel.is_not(None))).all()
    tasks = [t for t in tasks if may_bring_to_table(actor, t)]
    if not tasks:
        return []
    regions = _regions(conn)
    names, region_names = _place_names(conn)
    result = []
    for task in tasks:
        planned = conn.execute(select(overleg).where(
            and_(overleg.c.tafel == task.casustafel, overleg.c.status == PLANNED, overleg.c.datum >= now))
            .order_by(overleg.c.datum, overleg.c.id).limit(50)).all()
        options = [_meeting_json(m, names, region_names) for m in planned
                   if task.gemeente_id in scope(m, regions) and may_sit_at(actor, m.tafel, scope(m, regions))]
        item = conn.execute(select(agendapunt.c.overleg_id).where(agendapunt.c.human_task_id == task.id)).first()
        result.append({"taak_id": task.id, "stap": task.naam, "tafel": task.casustafel,
                       "tafel_naam": TAFELS[task.casustafel].naam, "overleggen": options,
                       "geagendeerd_in": item.overleg_id if item else None})
    return result
