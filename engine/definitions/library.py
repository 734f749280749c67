"""The process library: every process with its versions and its draft, and the stored files.

Process data only: counts of running instances, never what a signal says.
"""
from __future__ import annotations

from sqlalchemy import Connection, select

from ..clock import isoformat
from ..errors import NotFound
from ..people.users import user_names
from ..store.schema import process_definition, process_draft, process_file
from . import definitions


def versions(conn: Connection, sleutel: str | None = None) -> list[dict]:
    """The versions of ``sleutel`` (or of every process), newest first, as the API writes them."""
    rows = definitions.list_definitions(conn, sleutel)
    ids = [r["id"] for r in rows]
    files: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for f in conn.execute(select(process_file.c.definition_id, process_file.c.naam)
                              .where(process_file.c.definition_id.in_(ids)).order_by(process_file.c.naam)):
            files[f.definition_id].append(f.naam)
    names = user_names(conn, {r["deployed_by"] for r in rows})
    return [
        {"sleutel": r["sleutel"], "naam": r["naam"], "versie": r["versie"], "definition_id": r["id"],
         "gedeployed_door": names.get(r["deployed_by"]), "gedeployed_op": isoformat(r["deployed_at"]),
         "opmerking": r["opmerking"], "lopende_instanties": r["lopend"], "bestanden": files[r["id"]]}
        for r in rows
    ]


def library(conn: Connection) -> list[dict]:
    """Every process (deployed or only a draft) with its versions and draft, by name."""
    by_key: dict[str, dict] = {}
    for version in versions(conn):
        entry = by_key.setdefault(version["sleutel"], {"sleutel": version["sleutel"], "naam": version["naam"],
                                                       "versies": [], "concept": None})
        entry["versies"].append(version)
    drafts = conn.execute(select(process_draft)).all()
    names = user_names(conn, {d.updated_by for d in drafts})
    for d in drafts:
        entry = by_key.setdefault(d.sleutel, {"sleutel": d.sleutel, "naam": d.naam, "versies": [], "concept": None})
        basis = next((v["versie"] for v in entry["versies"] if v["definition_id"] == d.basis_definition_id), None)
        entry["concept"] = {"naam": d.naam, "bijgewerkt_door": names.get(d.updated_by),
                            "bijgewerkt_op": isoformat(d.updated_at), "basis_versie": basis}
    for entry in by_key.values():
        entry["lopende_instanties"] = sum(v["lopende_instanties"] for v in entry["versies"])
    return sorted(by_key.values(), key=lambda e: (e["naam"].lower(), e["sleutel"]))


def process_exists(conn: Connection, sleutel: str) -> bool:
    """Whether ``sleutel`` has a version or a draft."""
    return conn.execute(select(process_definition.c.id).where(process_definition.c.sleutel == sleutel).limit(1)
                        ).first() is not None or conn.execute(
        select(process_draft.c.id).where(process_draft.c.sleutel == sleutel)).first() is not None


def definition_id_of(conn: Connection, sleutel: str, versie: int) -> int:
    """The id of version ``versie`` of ``sleutel``; NotFound if there is none."""
    found = conn.execute(select(process_definition.c.id).where(
        process_definition.c.sleutel == sleutel, process_definition.c.versie == versie)).scalar()
    if found is None:
        raise NotFound(f"proces '{sleutel}' heeft geen versie {versie}")
    return found


def version_file(conn: Connection, sleutel: str, versie: int, naam: str) -> bytes:
    """One file of a version, exactly as it was deployed."""
    definition_id = definition_id_of(conn, sleutel, versie)
    content = conn.execute(select(process_file.c.inhoud).where(
        process_file.c.definition_id == definition_id, process_file.c.naam == naam)).scalar()
    if content is None:
        raise NotFound(f"versie {versie} van '{sleutel}' heeft geen bestand '{naam}'")
    return bytes(content)
