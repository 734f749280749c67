"""Deployed process versions: immutable rows, parsed once, cached by version id."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Row, bindparam, func, insert, select

from ..domain.status import SignalStatus
from ..errors import NotFound
from ..store import catalog_rows
from ..store.schema import process_definition, process_file, process_instance
from .package import ProcessPackage
from .validation import CompiledDefinition, compile_package


@dataclass(frozen=True)
class Deployment:
    """The outcome of a deploy: the version that now serves new instances."""

    definition_id: int
    sleutel: str
    versie: int
    nieuw: bool


class DefinitionCache:
    """Compiled definitions by id. A deployed version never changes, so entries never go stale."""

    def __init__(self):
        self._compiled: dict[int, CompiledDefinition] = {}
        self._lock = threading.Lock()

    def put(self, definition_id: int, compiled: CompiledDefinition) -> None:
        with self._lock:
            self._compiled[definition_id] = compiled

    def get(self, conn: Connection, definition_id: int) -> CompiledDefinition:
        compiled = self._compiled.get(definition_id)
        if compiled is None:
            compiled = compile_package(load_package(conn, definition_id))
            self.put(definition_id, compiled)
        return compiled


def load_package(conn: Connection, definition_id: int) -> ProcessPackage:
    rows = conn.execute(
        select(process_file.c.naam, process_file.c.inhoud).where(process_file.c.definition_id == definition_id)
        .order_by(process_file.c.naam)
    ).all()
    if not rows:
        raise NotFound(f"procesversie {definition_id} bestaat niet")
    return ProcessPackage({row.naam: bytes(row.inhoud) for row in rows})


def deploy(conn: Connection, cache: DefinitionCache, package: ProcessPackage, *, user_id: int | None,
           now: dt.datetime, opmerking: str | None = None) -> Deployment:
    """Validate ``package`` and store it as the next version of its process.

    A package identical to the latest version is not stored again. Raises
    :class:`~engine.errors.DeployRejected` before anything is written. Checked against this
    database's catalog (roles, case tables, partner kinds: :mod:`engine.store.catalog_rows`).
    """
    catalog_rows.refresh(conn)
    compiled = compile_package(package)
    checksum = package.checksum
    latest = latest_version(conn, compiled.sleutel)
    if latest is not None and latest.checksum == checksum:
        cache.put(latest.id, compiled)
        return Deployment(latest.id, compiled.sleutel, latest.versie, nieuw=False)
    versie = (latest.versie if latest else 0) + 1
    definition_id = conn.execute(
        insert(process_definition).values(
            sleutel=compiled.sleutel,
            versie=versie,
            naam=compiled.naam,
            bpmn_proces_id=compiled.bpmn_proces_id,
            checksum=checksum,
            deployed_by=user_id,
            deployed_at=now,
            opmerking=opmerking,
        )
    ).inserted_primary_key[0]
    conn.execute(
        insert(process_file),
        [{"definition_id": definition_id, "naam": name, "inhoud": content} for name, content in package.files.items()],
    )
    cache.put(definition_id, compiled)
    return Deployment(definition_id, compiled.sleutel, versie, nieuw=True)


_LATEST = (
    select(process_definition.c.id)
    .where(process_definition.c.sleutel == bindparam("sleutel"))
    .order_by(process_definition.c.versie.desc())
    .limit(1)
)


def latest_version(conn: Connection, sleutel: str) -> Row | None:
    """The newest version of process ``sleutel`` (``id``, ``versie``, ``naam``, ``checksum``), or ``None``."""
    return conn.execute(
        select(process_definition.c.id, process_definition.c.versie, process_definition.c.naam,
               process_definition.c.checksum)
        .where(process_definition.c.sleutel == sleutel)
        .order_by(process_definition.c.versie.desc())
        .limit(1)
    ).first()


def latest_definition_id(conn: Connection, sleutel: str) -> int:
    """The newest version of process ``sleutel``: the one new instances start on."""
    row = conn.execute(_LATEST, {"sleutel": sleutel}).first()
    if row is None:
        raise NotFound(f"proces '{sleutel}' is niet gedeployed")
    return row.id


def list_definitions(conn: Connection, sleutel: str | None = None) -> list[dict]:
    """Every version of every process (or of ``sleutel``), newest first, with how many instances run on it."""
    running = (
        select(process_instance.c.definition_id, func.count().label("lopend"))
        .where(process_instance.c.status == SignalStatus.RUNNING)
        .group_by(process_instance.c.definition_id)
        .subquery()
    )
    query = (
        select(process_definition, func.coalesce(running.c.lopend, 0).label("lopend"))
        .outerjoin(running, running.c.definition_id == process_definition.c.id)
        .order_by(process_definition.c.sleutel, process_definition.c.versie.desc())
    )
    if sleutel is not None:
        query = query.where(process_definition.c.sleutel == sleutel)
    return [dict(row._mapping) for row in conn.execute(query).all()]
