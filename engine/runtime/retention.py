"""Retention: closed signals are kept no longer than their outcome needs.

A closed signal falls into one of three categories, each with its own period
(ISO 8601 durations, settings of the installation):

* ``geen_vermoeden`` — closed without suspicion (the enrichment did not strengthen it);
* ``gemeentelijk`` — not routed, handled by the municipality itself;
* ``gerouteerd`` — a case routed to a regie party, closed.

The category comes from the route (routed: ``gerouteerd``) or else from the outcome's
name (the end event the process reached, :attr:`RetentionPolicy.uitkomsten`); an outcome
the policy does not know keeps the longest period, so nothing goes early by mistake.

When the period after ``closed_at`` has passed, :func:`anonymise_expired` strips the
personal data and leaves a tombstone: the ``signal`` row keeps its reference,
municipality, dates, route, covenant, outcome and the categorical facts monitoring
counts (forms of exploitation, sector, minor, acute, source); the description,
location, indicators, the reporter and the link to the reporting employee go; the
workflow state keeps its shape but loses every task's data; error texts of the case's
timers and incidents go. Task rows (steps and their times) stay: they hold no personal
data and give the durations per step. The audit log is not touched: it never held
the content of personal data (see :mod:`engine.audit.audit`), and it records each
anonymisation as ``signaal_geanonimiseerd``.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import isodate
from sqlalchemy import Connection, bindparam, func, select, update

from ..audit.audit import SYSTEEM, AuditBatch
from ..clock import as_utc, isoformat
from ..definitions.definitions import DefinitionCache
from ..errors import FieldErrors
from ..spiff.serialization import dump_state, load_state
from ..store.schema import gemeente, incident, process_instance, proceswissel, signal, timer, zorgtraject
from .dossier import erase_case_file
from .projections import FINISHED

log = logging.getLogger(__name__)

CATEGORIES = ("geen_vermoeden", "gemeentelijk", "gerouteerd")
UNKNOWN = "onbekend"
# The default process's end events (their names are what ``signal.uitkomst`` holds).
DEFAULT_OUTCOMES = {
    "Afgesloten – geen vermoeden": "geen_vermoeden",
    "Gemeentelijk oppakken": "gemeentelijk",  # versions before 'Gemeentelijke opvolging'
    "Gemeentelijk opgepakt – reguliere hulp": "gemeentelijk",
    "Afgesloten na gemeentelijke opvolging": "gemeentelijk",
}
TOMBSTONE_TEXT = ""  # ``signal.omschrijving`` is NOT NULL: the tombstone's is empty


def _duration(setting: str, value: str) -> dt.timedelta | isodate.Duration:
    try:
        duration = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError, TypeError):
        raise FieldErrors({setting: f"'{value}' is geen ISO 8601-duur (bijvoorbeeld P6M, P2Y, P90D)"}) from None
    if dt.datetime(2000, 1, 1) + duration <= dt.datetime(2000, 1, 1):
        raise FieldErrors({setting: "moet langer dan nul zijn"})
    return duration


@dataclass(frozen=True)
class RetentionPolicy:
    """How long a closed signal is kept, per outcome category.

    :param geen_vermoeden: closed without suspicion (default half a year).
    :param gemeentelijk: handled by the municipality, not routed (default two years).
    :param gerouteerd: a routed case, closed (default five years).
    :param uitkomsten: outcome name (end event) → category, for signals not routed.
    """

    geen_vermoeden: str = "P6M"
    gemeentelijk: str = "P2Y"
    gerouteerd: str = "P5Y"
    uitkomsten: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_OUTCOMES))

    def __post_init__(self):
        for name in CATEGORIES:
            _duration(f"retentie_{name}", getattr(self, name))
        for uitkomst, category in self.uitkomsten.items():
            if category not in CATEGORIES:
                raise FieldErrors({"retentie_uitkomsten": f"'{uitkomst}': onbekende categorie '{category}' "
                                                          f"(kies uit: {', '.join(CATEGORIES)})"})

    @classmethod
    def from_settings(cls, settings: Mapping) -> RetentionPolicy:
        """The policy from ``RETENTIE_GEEN_VERMOEDEN``, ``RETENTIE_GEMEENTELIJK``, ``RETENTIE_GEROUTEERD``
        and ``RETENTIE_UITKOMSTEN`` (outcome name → category, added to the default process's)."""
        defaults = cls()
        return cls(
            geen_vermoeden=settings.get("RETENTIE_GEEN_VERMOEDEN") or defaults.geen_vermoeden,
            gemeentelijk=settings.get("RETENTIE_GEMEENTELIJK") or defaults.gemeentelijk,
            gerouteerd=settings.get("RETENTIE_GEROUTEERD") or defaults.gerouteerd,
            uitkomsten={**DEFAULT_OUTCOMES, **(settings.get("RETENTIE_UITKOMSTEN") or {})},
        )

    def period(self, category: str):
        """The period of ``category``; for an unknown outcome the longest of all."""
        if category in CATEGORIES:
            return _duration(f"retentie_{category}", getattr(self, category))
        start = dt.datetime(2000, 1, 1)
        return max((self.period(name) for name in CATEGORIES), key=lambda d: start + d)

    def category(self, route: str | None, uitkomst: str | None) -> str:
        if route:
            return "gerouteerd"
        return self.uitkomsten.get(uitkomst or "", UNKNOWN)


@dataclass(frozen=True)
class Expired:
    """A closed signal whose period has passed (what a dry run lists)."""

    signal_id: int
    referentie: str
    gemeente: str
    categorie: str
    uitkomst: str | None
    afgesloten_op: dt.datetime
    verloopt_op: dt.datetime

    def as_dict(self) -> dict:
        return {"signaal_id": self.signal_id, "referentie": self.referentie, "gemeente": self.gemeente,
                "categorie": self.categorie, "uitkomst": self.uitkomst,
                "afgesloten_op": isoformat(self.afgesloten_op), "verloopt_op": isoformat(self.verloopt_op)}


# A care trajectory (engine.runtime.care) outlives the route that started it: its signal is kept while
# it runs, and its period counts from the later of the two ends.
_CARE_RUNNING = select(zorgtraject.c.id).where(zorgtraject.c.signal_id == signal.c.id,
                                               zorgtraject.c.beeindigd_op.is_(None)).exists()
_CARE_ENDED = select(func.max(zorgtraject.c.beeindigd_op)).where(zorgtraject.c.signal_id == signal.c.id) \
    .scalar_subquery()
_CANDIDATES = (
    select(signal.c.id, signal.c.referentie, signal.c.route, signal.c.uitkomst, signal.c.closed_at,
           gemeente.c.naam.label("gemeente"), _CARE_ENDED.label("zorg_beeindigd_op"))
    .join(gemeente, gemeente.c.id == signal.c.gemeente_id)
    .where(signal.c.status == FINISHED, signal.c.geanonimiseerd_op.is_(None), signal.c.closed_at.is_not(None),
           signal.c.closed_at <= bindparam("closed_before"), ~_CARE_RUNNING)
    .order_by(signal.c.closed_at, signal.c.id)
)


def expired(conn: Connection, policy: RetentionPolicy, now: dt.datetime) -> list[Expired]:
    """The closed signals whose period has passed at ``now``, oldest first (nothing is changed)."""
    start = dt.datetime(2000, 1, 1)
    shortest = min((policy.period(name) for name in CATEGORIES), key=lambda d: start + d)
    result = []
    for row in conn.execute(_CANDIDATES, {"closed_before": now - shortest}):
        category = policy.category(row.route, row.uitkomst)
        closed = max(as_utc(row.closed_at), as_utc(row.zorg_beeindigd_op or row.closed_at))
        until = closed + policy.period(category)
        if until <= now:
            result.append(Expired(row.id, row.referentie, row.gemeente, category, row.uitkomst, closed, until))
    return result


_LOCK_SIGNAL = select(signal.c.id, signal.c.instance_id, signal.c.geanonimiseerd_op).where(
    signal.c.id == bindparam("signal_id"))
_STRIP_SIGNAL = (
    update(signal)
    .where(signal.c.id == bindparam("signal_id"))
    .values(omschrijving=TOMBSTONE_TEXT, locatie=None, onderwerp=None, melder={}, indicatoren=[], gemeld_door=None,
            geanonimiseerd_op=bindparam("now"))
)
_INSTANCE = select(process_instance.c.definition_id, process_instance.c.state).where(
    process_instance.c.id == bindparam("instance_id"))
_STRIP_STATE = update(process_instance).where(process_instance.c.id == bindparam("instance_id")).values(
    state=bindparam("state"))
_STRIP_TIMER_ERRORS = update(timer).where(timer.c.instance_id == bindparam("inst")).values(fout=None)
_STRIP_INCIDENTS = update(incident).where(incident.c.instance_id == bindparam("inst")).values(
    fout="(verwijderd na de bewaartermijn)")


def strip_workflow_data(wf) -> None:
    """Empty the data of every task and (sub)workflow; the task tree itself stays."""
    for workflow in (wf, *wf.subprocesses.values()):
        for task in workflow.tasks.values():
            task.data = {}
        workflow.data = {}
        if isinstance(getattr(workflow, "data_objects", None), dict):
            workflow.data_objects.clear()


def anonymise(conn: Connection, cache: DefinitionCache, item: Expired, *, now: dt.datetime,
              postgres: bool = False) -> bool:
    """Turn one expired signal into a tombstone, in the caller's transaction.

    :returns: ``False`` if another process holds or already did it.
    """
    statement = _LOCK_SIGNAL.with_for_update(skip_locked=True) if postgres else _LOCK_SIGNAL
    row = conn.execute(statement, {"signal_id": item.signal_id}).first()
    if row is None or row.geanonimiseerd_op is not None:
        return False
    # The signal's instance, and those it was moved away from (engine.runtime.route_change) with the reasons given.
    moved_from = conn.execute(select(proceswissel.c.van_instance_id).where(
        proceswissel.c.signal_id == item.signal_id)).scalars().all()
    # Its care trajectories' instances: their rows keep the categories the figures count, nothing more.
    care = conn.execute(select(zorgtraject.c.instance_id).where(zorgtraject.c.signal_id == item.signal_id)
                        ).scalars().all()
    conn.execute(update(proceswissel).where(proceswissel.c.signal_id == item.signal_id).values(reden=None))
    for instance_id in (row.instance_id, *moved_from, *care):
        inst = conn.execute(_INSTANCE, {"instance_id": instance_id}).one()
        compiled = cache.get(conn, inst.definition_id)
        wf = load_state(inst.state, compiled.spec, compiled.subprocess_specs)
        strip_workflow_data(wf)
        conn.execute(_STRIP_STATE, {"instance_id": instance_id, "state": dump_state(wf)})
        conn.execute(_STRIP_TIMER_ERRORS, {"inst": instance_id})
        conn.execute(_STRIP_INCIDENTS, {"inst": instance_id})
    conn.execute(_STRIP_SIGNAL, {"signal_id": item.signal_id, "now": now})
    erase_case_file(conn, item.signal_id)  # the steps' answers and the notes (append-only: deleted, not edited)
    batch = AuditBatch(now, row.instance_id, item.signal_id, systeem=SYSTEEM)
    batch.add("signaal_geanonimiseerd", None, categorie=item.categorie, afgesloten_op=isoformat(item.afgesloten_op),
              verliep_op=isoformat(item.verloopt_op))
    batch.write(conn)
    return True


@dataclass
class RetentionRun:
    """What a run did (or, dry, would do)."""

    dry_run: bool
    signalen: list[Expired] = field(default_factory=list)
    mislukt: list[tuple[str, str]] = field(default_factory=list)  # (reference, error)

    def per_categorie(self) -> dict[str, int]:
        return dict(Counter(item.categorie for item in self.signalen))


def record_run(conn: Connection, run: RetentionRun, *, now: dt.datetime) -> None:
    """The run's summary event (how many, per category, how many failed): written when it did anything."""
    batch = AuditBatch(now, systeem=SYSTEEM)
    batch.add("bewaartermijn_uitgevoerd", None, aantal=len(run.signalen), per_categorie=run.per_categorie(),
              mislukt=len(run.mislukt))
    batch.write(conn)
