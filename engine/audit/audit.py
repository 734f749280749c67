"""The one place that writes the audit log: the processing log of every read and change.

After the VNG standard "Verwerkingenlogging": each event records who (user and the role
they acted in), what (``actie`` and its kind, ``soort``), which signal or case, which
data categories, on what legal ground (the case's covenant, or the municipality's own
task before routing), when, and from which system. Every command records what it did
through an :class:`AuditBatch`; a view of personal data records one event per view
(:func:`record_read`).

The log is append-only and chained: each event carries the hash of the one before it
and a gap-free sequence number, and ``audit_chain_head`` holds the last number and hash
(:mod:`engine.audit.audit_chain` checks the chain). Appending locks the head row, so appends
are serialised on PostgreSQL; :meth:`AuditBatch.write` takes that lock as the last
thing a command does, so the lock is held only from there to the commit. On SQLite
the write transaction (``BEGIN IMMEDIATE``) serialises them already.

``detail`` never carries the content of personal data (a description, a name, an
address): the log outlives the data it describes (see :mod:`engine.runtime.retention`), and it
cannot be edited afterwards without breaking the chain. :meth:`AuditBatch.add` refuses
the keys that hold such content.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ..domain.categories import (
    MELDERGEGEVENS,
    PROCESGEGEVENS,
    SIGNAALGEGEVENS,
    TAAKGEGEVENS,
    ZORGGEGEVENS,
    legal_ground,
)
from ..store.driver_sql import DriverStatement
from ..store.schema import audit_chain_head, audit_event
from .audit_chain import GENESIS, AuditChainBroken, event_hash

SYSTEEM = "signaalroute"

# Kinds of processing (VNG: "soort verwerking").
INVOEREN, RAADPLEGEN, WIJZIGEN, VERNIETIGEN = "invoeren", "raadplegen", "wijzigen", "vernietigen"
VERWERKINGSLOG = "verwerkingslog"  # reading the log itself: who did what (employees' data)

# actie -> (soort, data categories) for the events the engine writes. An action not listed
# here is a change without personal data of a case (e.g. an administrator's action).
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "signaal_gemeld": (INVOEREN, (SIGNAALGEGEVENS, MELDERGEGEVENS)),
    "taak_voltooid": (WIJZIGEN, (TAAKGEGEVENS,)),
    "taak_geclaimd": (WIJZIGEN, (PROCESGEGEVENS,)),
    "taak_vrijgegeven": (WIJZIGEN, (PROCESGEGEVENS,)),
    "taak_aangemaakt": (WIJZIGEN, (PROCESGEGEVENS,)),
    "taak_vervallen": (WIJZIGEN, (PROCESGEGEVENS,)),
    "taak_geescaleerd": (WIJZIGEN, (PROCESGEGEVENS,)),
    "timer_afgevuurd": (WIJZIGEN, (PROCESGEGEVENS,)),
    "signaal_afgerond": (WIJZIGEN, (PROCESGEGEVENS,)),
    "signaal_ingezien": (RAADPLEGEN, (SIGNAALGEGEVENS,)),
    "signaal_geanonimiseerd": (VERNIETIGEN, (SIGNAALGEGEVENS, MELDERGEGEVENS, TAAKGEGEVENS)),
    "verwerkingslog_ingezien": (RAADPLEGEN, (VERWERKINGSLOG,)),
    "bewaartermijn_uitgevoerd": (VERNIETIGEN, ()),
    "proces_gewijzigd": (WIJZIGEN, (PROCESGEGEVENS,)),
    "signaal_overgedragen": (WIJZIGEN, (PROCESGEGEVENS,)),  # to another municipality (engine.runtime.handover)
    # what the reporter was told; the case tables (engine.runtime.casustafel)
    "melder_teruggekoppeld": (WIJZIGEN, (PROCESGEGEVENS,)),
    "geagendeerd": (WIJZIGEN, (PROCESGEGEVENS,)),
    "besluit_vastgelegd": (WIJZIGEN, (TAAKGEGEVENS,)),
    # the case file (engine.runtime.dossier): a note, a progress report of an open task
    "aantekening_gemaakt": (INVOEREN, (TAAKGEGEVENS,)),
    "voortgang_vastgelegd": (WIJZIGEN, (TAAKGEGEVENS,)),
    # the care trajectory (engine.runtime.care) and the CoMensha export (engine.queries.comensha)
    "zorgtraject_gestart": (INVOEREN, (PROCESGEGEVENS,)),
    "zorgtraject_bijgewerkt": (WIJZIGEN, (ZORGGEGEVENS,)),
    "zorgtraject_afgerond": (WIJZIGEN, (ZORGGEGEVENS,)),
    "comensha_export": (RAADPLEGEN, (ZORGGEGEVENS,)),
    # 'Wat verandert er?' (engine.service.impact): the case files replayed in memory, only counts shown
    "historie_nagespeeld": (RAADPLEGEN, (SIGNAALGEGEVENS, TAAKGEGEVENS)),
    # the regional monitor's report (engine.service.monitor): anonymised figures, downloaded or mailed
    "monitorrapport_gedownload": (RAADPLEGEN, (PROCESGEGEVENS,)),
    "monitorrapport_gemaild": (RAADPLEGEN, (PROCESGEGEVENS,)),
}
_DEFAULT_KIND = (WIJZIGEN, ())

# Keys whose values are the content of personal data in a signal or its forms: never in a log.
PERSONAL_KEYS = frozenset({
    "omschrijving", "locatie", "melder", "adresgegevens", "eerdere_interventies", "overige_informatie",
    "toelichting", "toelichting_terugkoppeling", "knelpunten", "voortgang", "behandelaar", "indicatoren",
    "contact", "adres", "bsn", "geboortedatum",
})


class PersonalDataInLog(ValueError):
    """An audit event was given the content of personal data; the log must not hold it."""


def _check_detail(actie: str, detail: dict) -> None:
    found = sorted(PERSONAL_KEYS & set(detail))
    if found:
        raise PersonalDataInLog(f"audit event '{actie}' must not carry personal data: {', '.join(found)}")


@dataclass
class AuditBatch:
    """The events of one command, written together at the end of the command's transaction.

    :param at: when the command ran (the command's ``now``).
    :param instance_id: the process instance the events are about, if any.
    :param signal_id: the signal the events are about, if any.
    :param rol: the role the acting user acted in (a task's role; ``melder`` for a report).
    :param systeem: the system the processing happened in.
    :param grondslag: the legal ground; by default the signal's covenant when the batch is
        written (:func:`engine.domain.categories.legal_ground`), none for events without a signal.
    """

    at: dt.datetime
    instance_id: int | None = None
    signal_id: int | None = None
    events: list[dict] = field(default_factory=list)
    rol: str | None = None
    systeem: str = SYSTEEM
    grondslag: str | None = None

    def add(self, actie: str, user_id: int | None = None, **detail) -> None:
        """Record one event.

        :param actie: what happened, a Dutch snake_case verb in the past tense
            (``signaal_gemeld``, ``taak_voltooid``).
        :param detail: JSON-serialisable facts about it (step, fields changed); never
            the content of personal data itself (:data:`PERSONAL_KEYS` are refused).
        """
        soort, categorieen = ACTIONS.get(actie, _DEFAULT_KIND)
        self.record(actie, user_id, soort=soort, categorieen=categorieen, **detail)

    def record(self, actie: str, user_id: int | None = None, *, soort: str, categorieen, rol: str | None = None,
               **detail) -> None:
        """Record one event with its kind and data categories given explicitly.

        :param soort: ``invoeren``, ``raadplegen``, ``wijzigen`` or ``vernietigen``.
        :param categorieen: the data categories processed (:mod:`engine.domain.categories` names them).
        :param rol: the role, if not the batch's.
        """
        _check_detail(actie, detail)
        self.events.append({"actie": actie, "user_id": user_id, "detail": detail, "soort": soort,
                            "categorieen": sorted(categorieen), "rol": rol or self.rol})

    def write(self, conn: Connection) -> None:
        """Append the events to the chain (locks the chain's head until the transaction ends)."""
        if not self.events:
            return
        head = _lock_head(conn, self.signal_id)
        grondslag = self.grondslag
        if grondslag is None and self.signal_id is not None:
            grondslag = legal_ground(head.convenant)
        number, previous = head.volgnummer, head.hash
        at = self.at
        rows = []
        for event in self.events:
            number += 1
            row = {"at": at, "signal_id": self.signal_id, "instance_id": self.instance_id, "grondslag": grondslag,
                   "systeem": self.systeem, "volgnummer": number, "vorige_hash": previous, **event}
            row["hash"] = previous = event_hash(row)
            rows.append(row)
        _INSERT.executemany(conn, rows)
        _move_head(conn, number, previous)
        self.events.clear()


def record(conn: Connection, *, at: dt.datetime, actie: str, user_id: int | None = None,
           signal_id: int | None = None, instance_id: int | None = None, **detail) -> None:
    """Append a single event (for commands that write only one)."""
    batch = AuditBatch(at, instance_id, signal_id)
    batch.add(actie, user_id, **detail)
    batch.write(conn)


def record_read(conn: Connection, *, at: dt.datetime, user_id: int, rol: str | None, signal_id: int | None,
                categorieen, actie: str = "signaal_ingezien", grondslag: str | None = None, **detail) -> None:
    """Append the event of one view of personal data (a page, an API GET): one per view.

    :param categorieen: the data categories the view showed.
    :param detail: where it was seen (``via``: web or api, ``pagina``), never the data itself.
    """
    batch = AuditBatch(at, signal_id=signal_id, rol=rol, grondslag=grondslag)
    batch.record(actie, user_id, soort=RAADPLEGEN, categorieen=categorieen, **detail)
    batch.write(conn)


_INSERT = DriverStatement(insert(audit_event))
_HEAD_ID = 1
# The head's two statements run on every command: plain SQL on the driver's cursor, in the
# command's transaction (a few microseconds, against ~25 through SQLAlchemy's execute).
_HEAD_SQL = {
    "postgresql": ("SELECT h.volgnummer, h.hash, (SELECT s.convenant FROM signal s WHERE s.id = %(signal_id)s) "
                   "FROM audit_chain_head h WHERE h.id = 1 FOR UPDATE OF h",
                   "UPDATE audit_chain_head SET volgnummer = %(volgnummer)s, hash = %(hash)s WHERE id = 1"),
    "sqlite": ("SELECT h.volgnummer, h.hash, (SELECT s.convenant FROM signal s WHERE s.id = :signal_id) "
               "FROM audit_chain_head h WHERE h.id = 1",
               "UPDATE audit_chain_head SET volgnummer = :volgnummer, hash = :hash WHERE id = 1"),
}


def _driver(conn: Connection, statement: int, params: dict):
    """Run head statement 0 (select) or 1 (update) on the connection's own DBAPI cursor."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_HEAD_SQL[conn.dialect.name][statement], params)
        return cursor.fetchone() if statement == 0 else None
    finally:
        cursor.close()
_ANY_EVENT = select(audit_event.c.id).limit(1)


class _Head:
    __slots__ = ("volgnummer", "hash", "convenant")

    def __init__(self, row):
        self.volgnummer, self.hash, self.convenant = row


def _lock_head(conn: Connection, signal_id: int | None) -> _Head:
    """The chain's head row, locked for this transaction (with the signal's covenant).

    A missing head is made (genesis) with an insert that ignores a conflict: on PostgreSQL
    that insert waits for another transaction making it at the same moment, so the
    re-read sees the committed head rather than reporting a broken chain. A genesis head
    while events exist means the head was removed: the chain is broken.
    """
    row = _driver(conn, 0, {"signal_id": signal_id})
    if row is not None:
        return _Head(row)
    values = {"id": _HEAD_ID, "volgnummer": 0, "hash": GENESIS}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(audit_chain_head).values(values).on_conflict_do_nothing())
    else:
        conn.execute(insert(audit_chain_head).values(values).prefix_with("OR IGNORE"))
    head = _Head(_driver(conn, 0, {"signal_id": signal_id}))
    if head.volgnummer == 0 and conn.execute(_ANY_EVENT).first() is not None:
        raise AuditChainBroken("the head of the audit chain is missing while events exist; "
                               "run 'signaalroute audit verify'")
    return head


def _move_head(conn: Connection, volgnummer: int, hash_: str) -> None:
    _driver(conn, 1, {"volgnummer": volgnummer, "hash": hash_})
