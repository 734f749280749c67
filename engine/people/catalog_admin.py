"""The catalog as a beheerder keeps it: roles, case tables, chain-partner kinds, covenants (issue #17).

Each kind is a table (migration 0021) seeded with the built-ins of :mod:`engine.domain`; a beheerder
adds entries and renames built-ins in the browser (Beheer) or with the CLI, through these functions.
Every change is validated (a Dutch error per field), audited through the one audit writer
(``catalogus_gewijzigd``: which kind, which key, which fields) and stamps the catalog
(:func:`engine.store.catalog_rows.touch`), so every process reloads it and the deploy check knows
the new role, table or kind at once. A built-in entry cannot be removed, nor its nature changed
(code relies on its key); an entry still in use cannot be removed either.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Connection, delete, func, insert, select, update

from ..audit.audit import AuditBatch
from ..domain import catalog, partner_kinds, roles, tafels
from ..domain.labels import ROUTES
from ..errors import FieldErrors, Forbidden, NotFound
from ..store import catalog_rows
from ..store.schema import casustafel_definitie, convenant, partnersoort, rol_definitie, user_role
from .access import ADMIN_ROLE, may_manage_catalog
from .users import Actor

SOORTEN_CATALOGUS = {"rol": "Rollen", "casustafel": "Casustafels", "partnersoort": "Soorten ketenpartner",
                     "convenant": "Convenanten"}
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_KEY_LIMIT = {"rol": 50, "casustafel": 50, "partnersoort": 30, "convenant": 20}
_NIVEAUS = {tafels.LOKAAL: "Gemeente (lokaal)", tafels.REGIONAAL: "Regio"}
_NO_ACCESS = "U heeft geen toegang tot deze pagina, of ze bestaat niet."


def _yes(value) -> bool:
    return value in (True, "ja", "on", "true", "1", 1)


def _list(value) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    return [str(v).strip() for v in (value or []) if str(v).strip()]


# --- reading (the in-memory catalog, refreshed from this database) -------------------------------------

def entries(conn: Connection, soort: str) -> list[dict]:
    """The entries of one kind, built-ins first, each with its fields and whether it is built in."""
    catalog_rows.refresh(conn)
    if soort == "rol":
        builtin = {r.sleutel for r in catalog.BUILTIN_ROLES}
        return [{"sleutel": k, "naam": n, "regionaal": k in roles.REGIONAL_ROLES, "taakrol": k in roles.TASK_ROLES,
                 "escalatie_rol": roles.ESCALATION_ROLES.get(k), "ingebouwd": k in builtin} for k, n in roles.ROLES.items()]
    if soort == "casustafel":
        builtin = {t.sleutel for t in catalog.BUILTIN_TAFELS}
        return [{"sleutel": t.sleutel, "naam": t.naam, "niveau": t.niveau, "deelnemers": list(t.deelnemers),
                 "voorzitters": list(t.voorzitters), "ingebouwd": t.sleutel in builtin} for t in tafels.TAFELS.values()]
    if soort == "partnersoort":
        return [{"sleutel": k, "naam": n, "ingebouwd": k in catalog.BUILTIN_SOORTEN}
                for k, n in partner_kinds.SOORTEN.items()]
    if soort == "convenant":
        return [{"sleutel": k, "naam": n, "routes": list(r), "ingebouwd": k in catalog.BUILTIN_COVENANTS}
                for k, (n, r) in catalog.COVENANTS.items()]
    raise NotFound(_NO_ACCESS)


def entry(conn: Connection, soort: str, sleutel: str) -> dict:
    found = next((e for e in entries(conn, soort) if e["sleutel"] == sleutel), None)
    if found is None:
        raise NotFound(f"'{sleutel}' bestaat niet")
    return found


# --- validation -----------------------------------------------------------------------------------------

def _clean(conn: Connection, soort: str, values: dict, existing: dict | None) -> dict:
    errors: dict[str, str] = {}
    sleutel = existing["sleutel"] if existing else (values.get("sleutel") or "").strip()
    if existing is None:
        if not sleutel:
            errors["sleutel"] = "is verplicht"
        elif not _KEY.fullmatch(sleutel) or len(sleutel) > _KEY_LIMIT[soort]:
            errors["sleutel"] = (f"kleine letters, cijfers en _, beginnend met een letter, hoogstens "
                                 f"{_KEY_LIMIT[soort]} tekens (bv. 'veiligheidsadviseur')")
        elif any(e["sleutel"] == sleutel for e in entries(conn, soort)):
            errors["sleutel"] = f"'{sleutel}' bestaat al"
    naam = (values.get("naam") or "").strip()
    if not naam:
        errors["naam"] = "is verplicht"
    elif len(naam) > 200:
        errors["naam"] = "mag hoogstens 200 tekens zijn"
    clean = {"sleutel": sleutel, "naam": naam}
    builtin = bool(existing and existing["ingebouwd"])
    if soort == "rol":
        clean["regionaal"] = existing["regionaal"] if builtin else _yes(values.get("regionaal"))
        clean["taakrol"] = existing["taakrol"] if builtin else _yes(values.get("taakrol"))
        escalatie = (values.get("escalatie_rol") or "").strip() or None
        if escalatie is not None and (escalatie not in roles.ROLES or escalatie == sleutel):
            errors["escalatie_rol"] = "kies een andere bestaande rol, of laat leeg (de manager van de gemeente)"
        clean["escalatie_rol"] = escalatie
    elif soort == "casustafel":
        niveau = values.get("niveau") or ""
        if niveau not in _NIVEAUS:
            errors["niveau"] = "kies gemeente of regio"
        deelnemers, voorzitters = _list(values.get("deelnemers")), _list(values.get("voorzitters"))
        unknown = [r for r in deelnemers + voorzitters if r not in roles.ROLES]
        if unknown:
            errors["deelnemers"] = f"onbekende rol '{unknown[0]}'"
        elif not deelnemers:
            errors["deelnemers"] = "kies ten minste één rol"
        if not voorzitters:
            errors["voorzitters"] = "kies ten minste één rol"
        elif not set(voorzitters) <= set(deelnemers):
            errors["voorzitters"] = "een voorzitter zit ook aan de tafel: kies de rol ook bij deelnemers"
        clean.update(niveau=niveau, deelnemers=list(dict.fromkeys(deelnemers)),
                     voorzitters=list(dict.fromkeys(voorzitters)))
    elif soort == "convenant":
        routes = list(dict.fromkeys(_list(values.get("routes"))))
        taken = {r: k for k, (_, rs) in catalog.COVENANTS.items() for r in rs if k != sleutel}
        if not routes:
            errors["routes"] = "kies ten minste één route"
        elif bad := [r for r in routes if r not in ROUTES]:
            errors["routes"] = f"onbekende route '{bad[0]}'"
        elif double := [r for r in routes if r in taken]:
            errors["routes"] = f"de route '{ROUTES[double[0]]}' valt al onder het convenant '{taken[double[0]]}'"
        clean["routes"] = routes
    if errors:
        raise FieldErrors(errors)
    return clean


# --- changes --------------------------------------------------------------------------------------------

_TABLES = {"rol": rol_definitie, "casustafel": casustafel_definitie, "partnersoort": partnersoort,
           "convenant": convenant}


def _check(actor: Actor | None, soort: str) -> None:
    """``actor`` ``None`` is the operator on the command line: trusted with the installation, audited."""
    if soort not in _TABLES:
        raise NotFound(_NO_ACCESS)
    if actor is not None and not may_manage_catalog(actor):
        raise Forbidden("Alleen een beheerder (met tweestapsverificatie) beheert rollen, tafels, soorten en convenanten.")


def save(conn: Connection, actor: Actor | None, soort: str, values: dict, *, now: dt.datetime,
         sleutel: str | None = None) -> str:
    """Add an entry (``sleutel`` ``None``) or change one; returns its key.

    :raises FieldErrors: a field is wrong, naming it. :raises NotFound: no such entry.
    """
    _check(actor, soort)
    existing = entry(conn, soort, sleutel) if sleutel is not None else None
    clean = _clean(conn, soort, values, existing)
    table = _TABLES[soort]
    row = {**clean, "ingebouwd": bool(existing and existing["ingebouwd"])}
    present = conn.execute(select(func.count()).select_from(table).where(table.c.sleutel == clean["sleutel"])).scalar()
    if present:
        conn.execute(update(table).where(table.c.sleutel == clean["sleutel"]).values(**row))
    else:
        conn.execute(insert(table).values(**row))
    changed = sorted(k for k in clean if existing is None or existing.get(k) != clean[k])
    _audit(conn, actor, now, catalogus=soort, sleutel=clean["sleutel"], handeling="gewijzigd" if existing else "toegevoegd",
           velden=changed)
    catalog_rows.touch(conn)
    return clean["sleutel"]


def remove(conn: Connection, actor: Actor | None, soort: str, sleutel: str, *, now: dt.datetime) -> None:
    """Remove an entry a beheerder added, when nothing uses it any more."""
    _check(actor, soort)
    found = entry(conn, soort, sleutel)
    if found["ingebouwd"]:
        raise FieldErrors({"sleutel": f"'{found['naam']}' is ingebouwd en kan niet weg; de naam kan wel anders"})
    if soort == "rol":
        if conn.execute(select(func.count()).select_from(user_role).where(user_role.c.rol == sleutel)).scalar():
            raise FieldErrors({"sleutel": "er hebben nog gebruikers deze rol: neem hem eerst af"})
        if any(sleutel in t.deelnemers for t in tafels.TAFELS.values()) or sleutel in roles.ESCALATION_ROLES.values():
            raise FieldErrors({"sleutel": "een casustafel of escalatie noemt deze rol nog"})
    conn.execute(delete(_TABLES[soort]).where(_TABLES[soort].c.sleutel == sleutel))
    _audit(conn, actor, now, catalogus=soort, sleutel=sleutel, handeling="verwijderd", velden=[])
    catalog_rows.touch(conn)


def _audit(conn: Connection, actor: Actor | None, now: dt.datetime, **detail) -> None:
    batch = AuditBatch(at=now, rol=ADMIN_ROLE)
    batch.add("catalogus_gewijzigd", actor.id if actor else None, **detail, **({} if actor else {"via": "commandoregel"}))
    batch.write(conn)


NIVEAUS = _NIVEAUS
