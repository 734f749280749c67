"""The audit log's hash chain: how an event is hashed, and checking the whole chain.

Each event's ``hash`` is SHA-256 over the previous event's hash and a canonical JSON
form of the event itself (every column but the database id). Events are numbered
1, 2, 3, ... without gaps (``volgnummer``), and ``audit_chain_head`` holds the last
number and hash. So:

* an edited event no longer matches its own hash;
* an edited and re-hashed event breaks the link from the event after it;
* a deleted event leaves a gap in the numbers and a broken link;
* deleted last events leave the head pointing past the end.

Someone who can rewrite the whole table *and* the head can still forge a consistent
chain; against that, record the head hash that :func:`verify` reports somewhere else
(a ticket, a mail, the backup log): a later check must extend it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select

from ..clock import as_utc
from ..store.schema import audit_chain_head, audit_event

GENESIS = "0" * 64  # the "previous hash" of the first event

# The columns a hash covers, in this order (the canonical form is a JSON object).
HASHED = ("volgnummer", "vorige_hash", "at", "user_id", "rol", "actie", "soort", "signal_id", "instance_id",
          "categorieen", "grondslag", "systeem", "detail")


class AuditChainBroken(RuntimeError):
    """The audit chain cannot be appended to safely (its head is missing)."""


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode
_AT, _CATEGORIES = HASHED.index("at"), HASHED.index("categorieen")


def event_hash(event) -> str:
    """The hash of one event (a mapping or a row with the :data:`HASHED` columns).

    The canonical form is a JSON array of the :data:`HASHED` values in that order, the time
    as UTC ISO 8601 with microseconds, ``detail`` with sorted keys.
    """
    get = event.get if isinstance(event, dict) else event._mapping.get
    values = [get(name) for name in HASHED]
    values[_AT] = as_utc(values[_AT]).isoformat(timespec="microseconds")
    values[_CATEGORIES] = list(values[_CATEGORIES] or [])
    return hashlib.sha256(_ENCODE(values).encode("utf-8")).hexdigest()


@dataclass
class ChainReport:
    """What :func:`verify` found: ``ok`` only if every event and link checks out."""

    events: int = 0
    head_volgnummer: int | None = None
    head_hash: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_PAGE = (
    select(audit_event)
    .where(audit_event.c.volgnummer > bindparam("after"))
    .order_by(audit_event.c.volgnummer)
    .limit(bindparam("limit"))
)
_HEAD = select(audit_chain_head.c.volgnummer, audit_chain_head.c.hash).where(audit_chain_head.c.id == 1)


def verify(conn: Connection, *, page: int = 5000, max_problems: int = 100) -> ChainReport:
    """Walk the whole chain in order and report every event that does not check out.

    :param page: events read per query (the walk is keyset-paged, memory stays flat).
    :param max_problems: stop listing after this many (the report says so).
    """
    report = ChainReport()
    expected, previous, after = 1, GENESIS, 0
    while True:
        rows = conn.execute(_PAGE, {"after": after, "limit": page}).all()
        for row in rows:
            report.events += 1
            if row.volgnummer != expected:
                missing = f"{expected}" if row.volgnummer == expected + 1 else f"{expected} t/m {row.volgnummer - 1}"
                report.problems.append(f"gebeurtenis {missing} ontbreekt (verwijderd?)")
            elif row.vorige_hash != previous:
                report.problems.append(f"gebeurtenis {row.volgnummer}: de verwijzing naar de vorige klopt niet "
                                       f"(gebeurtenis {row.volgnummer - 1} is gewijzigd en opnieuw gehasht?)")
            if event_hash(row) != row.hash:
                report.problems.append(f"gebeurtenis {row.volgnummer} (id {row.id}, {row.actie}) is gewijzigd: "
                                       "de inhoud past niet bij de hash")
            expected, previous = row.volgnummer + 1, row.hash
        if len(rows) < page or len(report.problems) >= max_problems:
            break
        after = rows[-1].volgnummer
    head = conn.execute(_HEAD).first()
    last = expected - 1
    if head is None:
        if report.events:
            report.problems.append("de kop van de keten (audit_chain_head) ontbreekt")
    else:
        report.head_volgnummer, report.head_hash = head.volgnummer, head.hash
        if head.volgnummer > last:
            missing = f"{last + 1}" if head.volgnummer == last + 1 else f"{last + 1} t/m {head.volgnummer}"
            report.problems.append(f"gebeurtenis {missing} ontbreekt aan het einde (verwijderd?)")
        elif head.volgnummer < last or head.hash != previous:
            report.problems.append("de kop van de keten past niet bij de laatste gebeurtenis")
    if len(report.problems) >= max_problems:
        report.problems.append(f"gestopt na {max_problems} problemen")
    return report
