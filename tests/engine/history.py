"""A generated history of signals and their tasks, written straight into the projection tables.

``generate(conn, n, seed)`` makes ``n`` signals in three municipalities with a seeded random
generator — each with its route through the default process, task times and deadlines —
and writes ``process_instance``, ``signal`` and ``human_task`` rows in bulk (no engine:
the figures never restore workflows, so they need none). It returns the same history as
Python records, from which the tests compute their expectations independently of the
SQL under test.

Personal data in the rows carries :data:`MARKERS`, so a test can assert that no page
shows any of it.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, text

from engine.people.users import ensure_gemeente
from engine.store.schema import gemeente, human_task, process_definition, process_instance, signal

UTC = dt.UTC
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
NOW = dt.datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
SPAN_S = int((NOW - START).total_seconds()) - 3 * 86400
GEMEENTEN = ("Nijmegen", "Arnhem", "Doetinchem")
VORMEN = ("seksueel", "arbeid", "crimineel", "orgaan", "onbekend")
SECTOREN = ("horeca", "agrarisch", "schoonmaak", "bouw", "logistiek", "seksbranche", None)
MINDERJARIG = ("ja", "nee", "onbekend")
# bpmn_id → (name, role, deadline in days)
STEPS = {
    "task_verrijken": ("Signaal verrijken", "analist", 5),
    "task_beoordelen": ("Afstemmen en beoordelen", "aandachtsfunctionaris", 10),
    "task_regie_zorg": ("Regie zorgtraject", "zorgcoordinator", 90),
    "task_regie_zvh": ("Regie zorg- en strafrechtelijk traject", "zvh", 90),
    "task_regie_riec": ("Regie ondermijning (RIEC)", "riec", 90),
}
REGIE = {"zorgtraject": "task_regie_zorg", "zorg_en_strafrecht": "task_regie_zvh", "riec": "task_regie_riec"}
OUTCOMES = {"geen_vermoeden": "Afgesloten – geen vermoeden", "gemeentelijk": "Gemeentelijk oppakken",
            "zorgtraject": "Zorgtraject gestart", "zorg_en_strafrecht": "Zorg- en strafrechtelijk traject gestart",
            "riec": "RIEC-casus gestart"}
MARKERS = ("GEHEIM-OMSCHRIJVING", "Slachtofferstraat 13", "Melder Geheimnaam", "06-97531864")


@dataclass
class Task:
    bpmn_id: str
    naam: str
    rol: str
    created_at: dt.datetime
    due_at: dt.datetime | None
    status: str = "open"
    completed_at: dt.datetime | None = None
    toegewezen_aan: int | None = None
    escalated_at: dt.datetime | None = None


@dataclass
class Signal:
    gemeente: str
    ontvangen_op: dt.datetime
    vormen: list[str]
    sector: str | None
    minderjarige: str
    acute_nood: bool
    status: str = "lopend"
    uitkomst: str | None = None
    route: str | None = None
    closed_at: dt.datetime | None = None
    tasks: list[Task] = field(default_factory=list)


def _seconds(rng: random.Random, low_h: float, high_h: float) -> dt.timedelta:
    return dt.timedelta(seconds=rng.randint(int(low_h * 3600), int(high_h * 3600)))


def _step(rng: random.Random, sig: Signal, bpmn_id: str, at: dt.datetime, finish: bool,
          users: dict[str, list[int]]) -> dt.datetime | None:
    naam, rol, days = STEPS[bpmn_id]
    due = at + dt.timedelta(days=days) if rng.random() > 0.05 else None  # some steps without a deadline
    task = Task(bpmn_id, naam, rol, at, due)
    sig.tasks.append(task)
    candidates = users.get(rol) or []
    end = at + _seconds(rng, 0.5, days * 24 * 1.6)  # about a third of the steps are late
    if finish and end < NOW:
        task.status, task.completed_at = "voltooid", end
        task.toegewezen_aan = rng.choice(candidates) if candidates else None
        if due is not None and end > due and rng.random() < 0.8:
            task.escalated_at = due
        return end + dt.timedelta(seconds=rng.randint(1, 30))
    if candidates and rng.random() < 0.5:
        task.toegewezen_aan = rng.choice(candidates)
    if due is not None and due < NOW and rng.random() < 0.8:
        task.escalated_at = due
    return None


def make_history(n: int, seed: int, users: dict[str, list[int]] | None = None) -> list[Signal]:
    """``n`` signals with their tasks, deterministic for ``seed``.

    :param users: role → user ids that tasks of that role may be assigned to.
    """
    rng = random.Random(seed)
    users = users or {}
    history = []
    for _ in range(n):
        sig = Signal(
            gemeente=rng.choice(GEMEENTEN),
            ontvangen_op=START + dt.timedelta(seconds=rng.randrange(SPAN_S)),
            vormen=sorted(rng.sample(VORMEN, rng.choice((1, 1, 1, 2, 3)))),
            sector=rng.choice(SECTOREN),
            minderjarige=rng.choice(MINDERJARIG),
            acute_nood=rng.random() < 0.1,
        )
        path = rng.choices(["geen_vermoeden", "gemeentelijk", "routed"], weights=[25, 20, 55])[0]
        route = rng.choice(list(REGIE)) if path == "routed" else None
        steps = ["task_verrijken"] + (["task_beoordelen"] if path != "geen_vermoeden" else [])
        steps += [REGIE[route]] if route else []
        at = sig.ontvangen_op + dt.timedelta(seconds=rng.randint(1, 5))
        stop_early = rng.random() < 0.12  # still running at some step
        for index, bpmn_id in enumerate(steps):
            last = index == len(steps) - 1
            finish = not (stop_early and last)
            at = _step(rng, sig, bpmn_id, at, finish, users)
            if at is None:
                break
        else:
            sig.status, sig.closed_at = "afgerond", sig.tasks[-1].completed_at
            sig.uitkomst = OUTCOMES[route or path]
        if route and sig.tasks[-1].bpmn_id == REGIE[route]:
            sig.route = route
        if rng.random() < 0.03 and sig.status == "afgerond":  # a step that lapsed on the way
            lapsed = Task("task_terugkoppeling", "Terugkoppeling regie", "aandachtsfunctionaris",
                          sig.ontvangen_op + dt.timedelta(hours=1), sig.ontvangen_op + dt.timedelta(days=14),
                          status="vervallen", completed_at=sig.closed_at)
            sig.tasks.append(lapsed)
        history.append(sig)
    return history


def write_history(conn: Connection, history: list[Signal]) -> dict[str, int]:
    """Write ``history`` in bulk; returns municipality name → id."""
    ids = {naam: ensure_gemeente(conn, naam) for naam in GEMEENTEN}
    definition_id = conn.execute(select(process_definition.c.id).order_by(process_definition.c.id)).scalars().first()
    first_instance = (conn.execute(select(process_instance.c.id).order_by(process_instance.c.id.desc())).scalar() or 0) + 1
    first_signal = (conn.execute(select(signal.c.id).order_by(signal.c.id.desc())).scalar() or 0) + 1
    instances, signals, tasks = [], [], []
    for offset, sig in enumerate(history):
        instance_id, signal_id = first_instance + offset, first_signal + offset
        instances.append({"id": instance_id, "definition_id": definition_id, "version": 1,
                          "status": sig.status, "state": "{}", "created_at": sig.ontvangen_op,
                          "updated_at": sig.closed_at or sig.ontvangen_op, "completed_at": sig.closed_at})
        signals.append({
            "id": signal_id, "referentie": f"MH-GEN-{signal_id:06d}", "instance_id": instance_id,
            "gemeente_id": ids[sig.gemeente], "gemeld_door": None, "ontvangen_op": sig.ontvangen_op, "bron": "intern",
            "melder": {"naam": MARKERS[2], "contact": MARKERS[3]}, "omschrijving": f"{MARKERS[0]} {signal_id}",
            "locatie": MARKERS[1], "uitbuitingsvormen": sig.vormen, "identificeerbaar_slachtoffer": True,
            "minderjarige": sig.minderjarige, "acute_nood": sig.acute_nood, "sector": sig.sector, "indicatoren": [],
            "status": sig.status, "fase": None if sig.closed_at else sig.tasks[-1].naam, "uitkomst": sig.uitkomst,
            "route": sig.route, "created_at": sig.ontvangen_op, "updated_at": sig.closed_at or sig.ontvangen_op,
            "closed_at": sig.closed_at,
        })
        for number, task in enumerate(sig.tasks):
            tasks.append({
                "instance_id": instance_id, "signal_id": signal_id, "gemeente_id": ids[sig.gemeente],
                "spiff_task_id": f"gen-{instance_id}-{number}", "bpmn_id": task.bpmn_id, "naam": task.naam,
                "rol": task.rol, "formulier": None, "toegewezen_aan": task.toegewezen_aan, "status": task.status,
                "created_at": task.created_at, "due_at": task.due_at,
                "completed_by": task.toegewezen_aan if task.status == "voltooid" else None,
                "completed_at": task.completed_at, "escalated_at": task.escalated_at,
            })
    for table, rows in ((process_instance, instances), (signal, signals), (human_task, tasks)):
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(table), rows[start:start + 20_000])
    if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("process_instance", "signal", "human_task", "gemeente"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE"))
    return ids


def gemeente_ids(conn: Connection) -> dict[str, int]:
    return {r.naam: r.id for r in conn.execute(select(gemeente.c.id, gemeente.c.naam))}
