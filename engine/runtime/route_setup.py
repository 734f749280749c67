"""Each municipality's route set-up, as a process owner keeps it (issue #17).

How the intake of a municipality chooses a route is data (``route_inrichting``), read at each
report by :func:`engine.runtime.route_choice.choose_for_place`: a municipality's own set-up, else its
region's, else the default: every signal follows the default route, the stroomschema (Nijmegen's meldpunt:
every signal through the analist and the aandachtsfunctionaris). A set-up is either one
process for every signal (``proces``) or the ``proceskeuze`` table of a deployed process
(``beslistabel``). Changing it affects signals reported afterwards only. Process owners (and
beheerders) of every municipality concerned may change it (:func:`engine.people.access.may_set_up_route`);
every change is audited (``route_inrichting_gewijzigd``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..definitions.definitions import latest_definition_id
from ..errors import FieldErrors, NotFound
from ..people.access import may_set_up_route
from ..people.users import Actor
from ..store.schema import gemeente, process_definition, regio, route_inrichting
from .intake import INTAKE_PROCESS
from .route_choice import MODUS_BESLISTABEL, MODUS_PROCES, has_decision

MODI = {MODUS_PROCES: "Elk signaal volgt dit proces", MODUS_BESLISTABEL: "De proceskeuze (beslistabel) van dit proces kiest"}
GEMEENTE, REGIO = "gemeente", "regio"


def overview(conn: Connection, actor: Actor) -> dict:
    """The regions and municipalities ``actor`` may set up, each with its set-up and what holds
    (own, the region's, or the default), and the deployed processes to choose from (key → name)."""
    setups = {(GEMEENTE, r.gemeente_id) if r.gemeente_id else (REGIO, r.regio_id): {"modus": r.modus, "proces": r.proces}
              for r in conn.execute(select(route_inrichting))}
    regios = {r.id: r.naam for r in conn.execute(select(regio.c.id, regio.c.naam).order_by(regio.c.naam))}
    places = conn.execute(select(gemeente.c.id, gemeente.c.naam, gemeente.c.regio_id).order_by(gemeente.c.naam)).all()
    by_region: dict[int | None, list] = {}
    for place in places:
        by_region.setdefault(place.regio_id, []).append(place)
    result = []
    for regio_id, naam in [*regios.items(), (None, "Zonder regio")]:
        members = by_region.get(regio_id, [])
        regio_setup = setups.get((REGIO, regio_id)) if regio_id else None
        gemeenten = []
        for place in members:
            if not may_set_up_route(actor, [place.id]):
                continue
            own = setups.get((GEMEENTE, place.id))
            bron = "gemeente" if own else "regio" if regio_setup else "standaard"
            gemeenten.append({"id": place.id, "naam": place.naam, "eigen": own, "geldt": own or regio_setup, "bron": bron})
        editable = bool(regio_id and members and may_set_up_route(actor, [p.id for p in members]))
        if gemeenten or editable:
            result.append({"id": regio_id, "naam": naam, "inrichting": regio_setup, "wijzigbaar": editable,
                           "gemeenten": gemeenten})
    names: dict[str, str] = {}
    for row in conn.execute(select(process_definition.c.sleutel, process_definition.c.naam)
                            .order_by(process_definition.c.versie)):
        names[row.sleutel] = row.naam  # the newest version's name
    processen = dict(sorted(names.items(), key=lambda item: item[1].lower()))
    return {"regios": result, "processen": processen, "modi": MODI, "standaard": INTAKE_PROCESS}


def _scope_members(conn: Connection, scope: str, scope_id: int) -> list[int]:
    if scope == GEMEENTE:
        found = conn.execute(select(gemeente.c.id).where(gemeente.c.id == scope_id)).first()
        return [found.id] if found else []
    if scope == REGIO:
        return [r.id for r in conn.execute(select(gemeente.c.id).where(gemeente.c.regio_id == scope_id))]
    return []


def set_up(conn: Connection, actor: Actor | None, scope: str, scope_id: int, values: dict, *, now: dt.datetime) -> None:
    """Set (or, with an empty ``modus``, remove) the set-up of a municipality or region.

    :param scope: :data:`GEMEENTE` or :data:`REGIO`.
    :param values: ``modus`` (a key of :data:`MODI`, or empty to inherit) and ``proces``.
    :param actor: ``None``: the operator on the command line (trusted with the installation, audited).
    :raises FieldErrors: naming the field; :raises NotFound: no such place, or not the actor's.
    """
    members = _scope_members(conn, scope, scope_id)
    if scope == REGIO and not conn.execute(select(regio.c.id).where(regio.c.id == scope_id)).first():
        members = []
    if not members or (actor is not None and not may_set_up_route(actor, members)):
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    modus = (values.get("modus") or "").strip()
    proces = (values.get("proces") or "").strip()
    column = route_inrichting.c.gemeente_id if scope == GEMEENTE else route_inrichting.c.regio_id
    if not modus:
        conn.execute(delete(route_inrichting).where(column == scope_id))
    else:
        errors = {}
        if modus not in MODI:
            errors["modus"] = "kies hoe de intake het proces kiest"
        try:
            latest_definition_id(conn, proces)
        except NotFound:
            errors["proces"] = "kies een gedeployd proces"
        else:
            if modus == MODUS_BESLISTABEL and not has_decision(conn, proces):
                errors["proces"] = "dit proces heeft geen beslistabel 'proceskeuze': kies 'Elk signaal volgt dit proces'"
        if errors:
            raise FieldErrors(errors)
        row = {"modus": modus, "proces": proces, "bijgewerkt_door": actor.id if actor else None, "bijgewerkt_op": now}
        if conn.execute(update(route_inrichting).where(column == scope_id).values(**row)).rowcount == 0:
            conn.execute(insert(route_inrichting).values(**row, **{column.key: scope_id}))
    rol = "procesbeheerder" if actor is not None and actor.has_role("procesbeheerder") else "beheerder"
    batch = AuditBatch(at=now, rol=rol)
    batch.add("route_inrichting_gewijzigd", actor.id if actor else None, **{scope: scope_id}, modus=modus or None,
              proces=proces or None)
    batch.write(conn)
