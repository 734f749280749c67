"""The chain partner directory: whom a referral goes to, per region and kind.

A region's contacts for the NLA, the police (AVIM), the zorgcoördinator, the Zorg- en
Veiligheidshuis, Veilig Thuis, the RIEC and the municipality's inspection team
(``handhaving``). A referral task in a process names its kind with the property
``ketenpartner`` (``<spiffworkflow:property name="ketenpartner" value="nla" />``); the task
page shows that kind's contacts in the signal's region (:func:`contacts_for`), and deploy
validation rejects an unknown kind (:mod:`engine.definitions.validation_route`).

The ``beheerder`` keeps the directory (:class:`engine.service.partners.PartnersDesk`): one installed with the
whole installation in scope manages every region, one per municipality the regions of
their municipalities. Every change is audited (who, which entry, which fields), never the
contact data itself. The contacts are business contacts of organisations, not data of a case.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Connection, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..domain.partner_kinds import SOORTEN, soort_naam
from ..errors import FieldErrors, NotFound
from ..store.schema import gemeente, human_task, ketenpartner, regio, user
from .access import ADMIN_ROLE, may_administer
from .users import Actor

FIELDS = ("soort", "naam", "telefoon", "email", "adres", "toelichting")
_LIMITS = {"naam": 200, "telefoon": 50, "email": 254, "adres": 300, "toelichting": 2000}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9+()\- ]{6,50}")
_NO_ACCESS = "U heeft geen toegang tot deze pagina, of ze bestaat niet."


def _row(r) -> dict:
    return {"id": r.id, "regio_id": r.regio_id, "soort": r.soort, "soort_naam": soort_naam(r.soort), "naam": r.naam,
            "telefoon": r.telefoon, "email": r.email, "adres": r.adres, "toelichting": r.toelichting}


def contacts_for(conn: Connection, gemeente_id: int, soort: str) -> list[dict]:
    """The contacts of kind ``soort`` in the region of municipality ``gemeente_id`` (by name)."""
    regio_id = select(gemeente.c.regio_id).where(gemeente.c.id == gemeente_id).scalar_subquery()
    rows = conn.execute(select(ketenpartner).where(ketenpartner.c.regio_id == regio_id, ketenpartner.c.soort == soort)
                        .order_by(ketenpartner.c.naam, ketenpartner.c.id)).all()
    return [_row(r) for r in rows]


def referral_kind(compiled, bpmn_id: str) -> str | None:
    """The ``ketenpartner`` property of task ``bpmn_id`` in a compiled process (``None``: not a referral)."""
    specs = [compiled.spec, *compiled.subprocess_specs.values()]
    for spec in specs:
        task_spec = spec.task_specs.get(bpmn_id)
        if task_spec is not None:
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
            return properties.get("ketenpartner")
    return None


def task_partner(conn: Connection, compiled, detail: dict) -> dict | None:
    """For a referral task (``detail`` from :func:`engine.queries.queries.task_detail`): the kind and the
    contacts in the signal's region; ``None`` for any other task."""
    soort = referral_kind(compiled, detail["bpmn_id"])
    if not soort:
        return None
    gemeente_id = conn.execute(select(human_task.c.gemeente_id).where(human_task.c.id == detail["id"])).scalar_one()
    return {"soort": soort, "soort_naam": soort_naam(soort), "contacten": contacts_for(conn, gemeente_id, soort)}


def managed_regions(conn: Connection, actor: Actor) -> dict[int, str]:
    """The regions ``actor`` may keep the directory of: all for an installation-wide ``beheerder``,
    else the regions of the municipalities they are ``beheerder`` in."""
    if not may_administer(actor):
        return {}
    scopes = {gemeente_id for rol, gemeente_id in actor.roles if rol == ADMIN_ROLE}
    query = select(regio.c.id, regio.c.naam).order_by(regio.c.naam)
    if None not in scopes:
        query = query.where(regio.c.id.in_(
            select(gemeente.c.regio_id).where(gemeente.c.id.in_(scopes), gemeente.c.regio_id.is_not(None))))
    return {r.id: r.naam for r in conn.execute(query)}


def _check_region(conn: Connection, actor: Actor, regio_id: int) -> None:
    if regio_id not in managed_regions(conn, actor):
        raise NotFound(_NO_ACCESS)


def _entry(conn: Connection, actor: Actor, partner_id: int):
    row = conn.execute(select(ketenpartner).where(ketenpartner.c.id == partner_id)).first()
    if row is None:
        raise NotFound(_NO_ACCESS)
    _check_region(conn, actor, row.regio_id)
    return row


def clean_entry(values: dict) -> dict:
    """The directory fields of a submitted form, checked; :class:`FieldErrors` names each wrong field."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for key in FIELDS:
        value = values.get(key)
        value = value.strip() if isinstance(value, str) else None
        clean[key] = value or None
        if value and key in _LIMITS and len(value) > _LIMITS[key]:
            errors[key] = f"mag hoogstens {_LIMITS[key]} tekens zijn"
    if clean["soort"] not in SOORTEN:
        errors["soort"] = "kies een soort ketenpartner"
    if not clean["naam"]:
        errors["naam"] = "is verplicht"
    if not (clean["telefoon"] or clean["email"]):
        errors.setdefault("telefoon", "vul een telefoonnummer of e-mailadres in")
    if clean["email"] and "email" not in errors and not _EMAIL.fullmatch(clean["email"]):
        errors["email"] = "is geen geldig e-mailadres"
    if clean["telefoon"] and "telefoon" not in errors and not _PHONE.fullmatch(clean["telefoon"]):
        errors["telefoon"] = "alleen cijfers, spaties en + ( ) -"
    if errors:
        raise FieldErrors(errors)
    return clean


def _audit(conn: Connection, actor: Actor, actie: str, now: dt.datetime, **detail) -> None:
    batch = AuditBatch(at=now, rol=ADMIN_ROLE)
    batch.add(actie, actor.id, **detail)
    batch.write(conn)


# --- commands and queries on a connection (the partners desk, engine.service.partners, opens the transaction)

def list_entries(conn: Connection, actor: Actor, regio_id: int) -> list[dict]:
    """A region's entries by kind and name, with who last changed each."""
    _check_region(conn, actor, regio_id)
    rows = conn.execute(
        select(ketenpartner, user.c.naam.label("door_naam"))
        .outerjoin(user, user.c.id == ketenpartner.c.bijgewerkt_door)
        .where(ketenpartner.c.regio_id == regio_id)
        .order_by(ketenpartner.c.soort, ketenpartner.c.naam, ketenpartner.c.id)).all()
    return [{**_row(r), "bijgewerkt_door": r.door_naam, "bijgewerkt_op": r.bijgewerkt_op} for r in rows]


def entry(conn: Connection, actor: Actor, partner_id: int) -> dict:
    return _row(_entry(conn, actor, partner_id))


def add_entry(conn: Connection, actor: Actor, regio_id: int, values: dict, *, now: dt.datetime) -> int:
    """Add an entry to region ``regio_id``; returns its id."""
    _check_region(conn, actor, regio_id)
    clean = clean_entry(values)
    partner_id = conn.execute(insert(ketenpartner).values(
        regio_id=regio_id, bijgewerkt_door=actor.id, bijgewerkt_op=now, **clean)).inserted_primary_key[0]
    _audit(conn, actor, "ketenpartner_toegevoegd", now, ketenpartner_id=partner_id, regio_id=regio_id,
           partnersoort=clean["soort"])
    return partner_id


def update_entry(conn: Connection, actor: Actor, partner_id: int, values: dict, *, now: dt.datetime) -> None:
    """Change an entry; the audit event names the fields that changed."""
    row = _entry(conn, actor, partner_id)
    clean = clean_entry(values)
    changed = sorted(key for key in FIELDS if getattr(row, key) != clean[key])
    conn.execute(update(ketenpartner).where(ketenpartner.c.id == partner_id)
                 .values(bijgewerkt_door=actor.id, bijgewerkt_op=now, **clean))
    _audit(conn, actor, "ketenpartner_gewijzigd", now, ketenpartner_id=partner_id, regio_id=row.regio_id,
           partnersoort=clean["soort"], velden=changed)


def remove_entry(conn: Connection, actor: Actor, partner_id: int, *, now: dt.datetime) -> None:
    row = _entry(conn, actor, partner_id)
    conn.execute(delete(ketenpartner).where(ketenpartner.c.id == partner_id))
    _audit(conn, actor, "ketenpartner_verwijderd", now, ketenpartner_id=partner_id, regio_id=row.regio_id,
           partnersoort=row.soort)
