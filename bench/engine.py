"""Benchmark: the default route through our engine vs. raw SpiffWorkflow in memory.

Run from the repository root::

    .venv/bin/python bench/engine.py              # N=300 instances per side
    .venv/bin/python bench/engine.py --quick      # N=60, about 3 seconds
    .venv/bin/python bench/engine.py --profile    # + cProfile of the engine path (after the figures)
    .venv/bin/python bench/engine.py --sqlite-sync full   # the engine's database with an fsync per commit

The route (process ``signaal-naar-casus``, gemeente "Nijmegen"):

    report_signal (melder)  ->  "Signaal verrijken" (analist, vermoeden_versterkt=True)
    ->  "Afstemmen en beoordelen" (aandachtsfunctionaris, voldoende_aanleiding=True,
        strafrechtelijk_traject=True)  ->  DMN 'routering' gives ``zorg_en_strafrecht``
    ->  "Regie zorg- en strafrechtelijk traject" (zvh, regie_opgepakt=True)  ->  afgerond

engine_ms
    Per instance, through :class:`engine.service.orchestrator.Orchestrator` on a fresh SQLite
    *file* database in a temp dir (schema via ``engine.store.migrate.upgrade``, process
    deployed with ``deploy_folder``, users made with ``engine.people.users.add_user`` inside
    ``orchestrator.db.write()``), with the real :class:`~engine.clock.SystemClock`.
    Timed per instance is what a client must do to walk the route:

    * ``report_signal`` (one write transaction);
    * for each of the three human tasks: find the task id, then ``complete_task``
      (one write transaction each).

    Finding the task id: every command returns the tasks it opened
    (``Outcome.nieuwe_taken``, in the API the ``nieuwe_taken`` of the response), so a
    client walking the route needs no extra read; the bench uses those ids.

    Not timed: resolving the signed-in user to an ``Actor`` (the four actors are
    loaded once, as a web layer resolves them from session/token before it calls the
    engine), and the read-back check that the last signal of each batch ended
    ``afgerond`` on route ``zorg_en_strafrecht``.

raw_ms
    The same route in raw SpiffWorkflow 3.2, in memory, no persistence:
    ``SpiffBpmnParser(validator=VALIDATOR)`` + ``add_dmn_file`` once (untimed); per
    instance ``BpmnWorkflow(spec, subprocess_specs)`` with SpiffWorkflow's default
    script engine, the intake data set on the READY start task, ``do_engine_steps()``,
    then each READY manual task completed by updating ``task.data`` + ``task.run()`` +
    ``do_engine_steps()`` until the workflow is completed. The raw side is given the
    data the engine itself puts into the workflow after form validation (every form
    field present), so gateways and the DMN see the same inputs on both sides.

Method
    Both sides are warmed up (20 instances each), then measured in rounds (30; 12
    with --quick); each round runs a batch of N/rounds instances per side, and the
    side that goes first alternates between rounds, so both sides see the same
    background load. A round's figure is batch time / batch size; reported
    figures are the median over rounds. Breakdown rows are medians over rounds of the
    per-step means (so they need not add up exactly to the total). ``gc`` stays
    enabled, as in production; ``gc.collect()`` runs before each batch, untimed.

The last line printed is always ``RESULT engine_ms=<x.xx> raw_ms=<x.xx> ratio=<x.xx> n=<instances per side>
sqlite_sync=normal|full load=<1-minute load average at the end>``.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# This file is called engine.py: put the repository root first so that ``import engine``
# finds the engine package, not this script's directory.
sys.path.insert(0, str(ROOT))

from _common import median, print_profile  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from engine.clock import SystemClock  # noqa: E402
from engine.people.users import add_user  # noqa: E402
from engine.runtime.projections import FINISHED, OPEN  # noqa: E402
from engine.service.orchestrator import Orchestrator  # noqa: E402
from engine.store.db import Database, make_engine  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.store.schema import human_task, signal  # noqa: E402

PROCESS_DIR = ROOT / "processes" / "signaal-naar-casus"
# The care trajectory the route starts beside the ZVH's regie (its start_proces event): deployed too.
CARE_DIR = ROOT / "processes" / "zorgtraject"
BPMN_FILE = PROCESS_DIR / "signaal-naar-casus.bpmn"
DMN_FILE = PROCESS_DIR / "routering.dmn"
PROCESS_ID = "signaal_naar_casus"
GEMEENTE = "Nijmegen"
EXPECTED_ROUTE = "zorg_en_strafrecht"
EXPECTED_END = "end_zorg_en_strafrecht"

# --- the route's data ----------------------------------------------------------------------
# What the reporter submits; the engine fills ontvangen_op, bron and melder itself.
INTAKE = {
    "gemeente": GEMEENTE,
    "omschrijving": "Meerdere mensen slapen in de bedrijfshal; een man voert steeds het woord.",
    "uitbuitingsvormen": ["arbeid"],
    "minderjarige": "nee",
    "locatie": "Industrieweg 1, Nijmegen",
    "sector": "logistiek",
    "indicatoren": ["woont_op_werkplek", "spreekt_niet_voor_zichzelf"],
}

# (bpmn id of the task, role of the user who does it, submitted form data)
STEPS = (
    ("task_verrijken", "analist", {"vermoeden_versterkt": True, "toelichting": "Adres bekend bij handhaving."}),
    ("task_beoordelen", "aandachtsfunctionaris",
     {"voldoende_aanleiding": True, "strafrechtelijk_traject": True, "zorg_nodig": True,
      "geraadpleegde_ketenpartners": ["avim", "nla"]}),
    ("task_regie_zvh", "zvh", {"regie_opgepakt": True, "resultaat": "hulp_gestart", "behandelaar": "P. de Vries",
                               "covenant": "zvh"}),
)

# The same data as the engine holds it after form validation (every field of the form
# present: unticked checkbox False, empty text None). Used by the raw side.
RAW_INTAKE = {
    "acute_nood": False,
    "gemeente": GEMEENTE,
    "ontvangen_op": "2026-01-05T09:00:00Z",
    "bron": "intern",
    "melder": {"naam": "Mila Melder", "afdeling": None, "contact": None},
    "omschrijving": INTAKE["omschrijving"],
    "locatie": INTAKE["locatie"],
    "uitbuitingsvormen": ["arbeid"],
    "identificeerbaar_slachtoffer": False,
    "minderjarige": "nee",
    "sector": "logistiek",
    "indicatoren": ["woont_op_werkplek", "spreekt_niet_voor_zichzelf"],
}
RAW_STEPS = {
    "task_verrijken": {"adresgegevens": None, "eerdere_interventies": None, "overige_informatie": None,
                       "vermoeden_versterkt": True, "toelichting": "Adres bekend bij handhaving."},
    "task_beoordelen": {"geraadpleegde_ketenpartners": ["avim", "nla"], "voldoende_aanleiding": True,
                        "zorg_nodig": True, "strafrechtelijk_traject": True, "ondermijnende_criminaliteit": False,
                        "casustafel_bespreken": False,
                        "toelichting": None},
    "task_regie_zvh": {"regie_opgepakt": True, "resultaat": "hulp_gestart", "behandelaar": "P. de Vries",
                       "covenant": "zvh", "toelichting": None},
}

# Breakdown rows: index into the per-step time list both sides fill.
ROWS = (
    ("start", "start (report_signal)"),
    ("task_verrijken", "complete verrijken"),
    ("task_beoordelen", "complete beoordelen"),
    ("task_regie_zvh", "complete regie"),
)
ROW_INDEX = {key: i for i, (key, _label) in enumerate(ROWS)}


# --- engine side ---------------------------------------------------------------------------
class EngineRoute:
    """An orchestrator on a fresh SQLite file DB with the process deployed and four users."""

    name = "engine"

    def __init__(self, directory: Path, sqlite_synchronous: str = "NORMAL"):
        self.sa_engine = make_engine(f"sqlite:///{directory / 'bench.db'}", sqlite_synchronous=sqlite_synchronous)
        upgrade(self.sa_engine)
        self.orch = Orchestrator(Database(self.sa_engine), SystemClock())
        self.orch.deploy_folder(PROCESS_DIR)
        self.orch.deploy_folder(CARE_DIR)
        now = self.orch.clock.now()
        with self.orch.db.write() as conn:
            ids = {
                "melder": add_user(conn, "mila.melder", now=now, naam="Mila Melder", roles=["melder"],
                                   gemeente_naam=GEMEENTE),
                "analist": add_user(conn, "anton.analist", now=now, naam="Anton Analist", roles=["analist"],
                                    gemeente_naam=GEMEENTE),
                "aandachtsfunctionaris": add_user(conn, "aafke.af", now=now, naam="Aafke AF",
                                                  roles=["aandachtsfunctionaris"], gemeente_naam=GEMEENTE),
                "zvh": add_user(conn, "zeno.zvh", now=now, naam="Zeno ZVH", roles=["zvh"], gemeente_naam=None),
            }
        self.actors = {role: self.orch.actor(user_id) for role, user_id in ids.items()}

    def open_task(self, instance_id: int) -> int:
        """The id of the instance's one open human task: what a client must find out."""
        with self.orch.db.read() as conn:
            return conn.execute(
                select(human_task.c.id).where(human_task.c.instance_id == instance_id, human_task.c.status == OPEN)
            ).scalar_one()

    def run_one(self, times: list[float] | None = None) -> int:
        """Walk the route once; add per-row seconds to ``times``; return the signal id."""
        clock = time.perf_counter
        orch, actors = self.orch, self.actors
        t0 = clock()
        started = orch.report_signal(actors["melder"], dict(INTAKE))
        t1 = clock()
        done = []
        outcome = started
        for bpmn_id, role, data in STEPS:
            # The route's own next task (beside the ZVH's regie the care trajectory's intake opens too).
            [task] = [t for t in outcome.nieuwe_taken if t["bpmn_id"] == bpmn_id]
            b = clock()
            outcome = orch.complete_task(actors[role], task["id"], dict(data))
            c = clock()
            done.append((bpmn_id, c - b))
        if times is not None:
            times[ROW_INDEX["start"]] += t1 - t0
            for bpmn_id, secs in done:
                times[ROW_INDEX[bpmn_id]] += secs
        return started.signal_id

    def check(self, signal_id: int) -> None:
        with self.orch.db.read() as conn:
            row = conn.execute(select(signal.c.status, signal.c.route).where(signal.c.id == signal_id)).one()
        if row.status != FINISHED or row.route != EXPECTED_ROUTE:
            raise SystemExit(f"engine route went wrong: signal {signal_id} status={row.status} route={row.route}")


# --- raw SpiffWorkflow side ----------------------------------------------------------------
class RawRoute:
    """The same process in plain SpiffWorkflow: parsed once, run in memory."""

    name = "raw"

    def __init__(self):
        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_file(str(BPMN_FILE))
        parser.add_dmn_file(str(DMN_FILE))
        self.spec = parser.get_spec(PROCESS_ID)
        self.subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)

    def run_one(self, times: list[float] | None = None) -> BpmnWorkflow:
        clock = time.perf_counter
        t0 = clock()
        wf = BpmnWorkflow(self.spec, self.subprocess_specs)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(RAW_INTAKE)
        wf.do_engine_steps()
        t1 = clock()
        done = []
        while True:
            a = clock()
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            task = ready[0]
            bpmn_id = task.task_spec.bpmn_id
            task.data.update(RAW_STEPS[bpmn_id])
            task.run()
            wf.do_engine_steps()
            done.append((bpmn_id, clock() - a))
        if times is not None:
            times[ROW_INDEX["start"]] += t1 - t0
            for bpmn_id, secs in done:
                times[ROW_INDEX[bpmn_id]] += secs
        return wf

    def check(self, wf: BpmnWorkflow) -> None:
        reached = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}
        if not wf.is_completed() or EXPECTED_END not in reached or wf.last_task.data.get("route") != EXPECTED_ROUTE:
            raise SystemExit(f"raw route went wrong: workflow did not reach {EXPECTED_END}")


# --- measurement ---------------------------------------------------------------------------
def run_batch(route, n: int) -> tuple[float, list[float]]:
    """Time ``n`` instances; return (seconds, per-row seconds). The check is untimed."""
    times = [0.0] * len(ROWS)
    gc.collect()
    last = None
    start = time.perf_counter()
    for _ in range(n):
        last = route.run_one(times)
    total = time.perf_counter() - start
    route.check(last)
    return total, times


def measure(sides, n: int, rounds: int) -> dict:
    """Alternate the sides over ``rounds`` batches; medians of per-instance ms."""
    batch = max(1, n // rounds)
    per_round = {side.name: [] for side in sides}
    per_row = {side.name: [] for side in sides}
    for r in range(rounds):
        for side in (sides if r % 2 == 0 else tuple(reversed(sides))):
            total, rows = run_batch(side, batch)
            per_round[side.name].append(total / batch * 1000)
            per_row[side.name].append([s / batch * 1000 for s in rows])
    return {
        "measured": batch * rounds,
        "rounds": per_round,
        "total": {name: median(vals) for name, vals in per_round.items()},
        "rows": {name: [median(col) for col in zip(*vals, strict=True)] for name, vals in per_row.items()},
    }


def print_table(result: dict) -> None:
    eng, raw = result["rows"]["engine"], result["rows"]["raw"]
    head = f"{'per instance':<24}{'engine ms':>11}{'raw ms':>10}{'ratio':>8}"
    print(head)
    print("-" * len(head))
    for i, (_key, label) in enumerate(ROWS):
        print(f"{label:<24}{eng[i]:11.3f}{raw[i]:10.3f}{eng[i] / raw[i]:8.2f}")
    print("-" * len(head))
    e, r = result["total"]["engine"], result["total"]["raw"]
    print(f"{'total (median of rounds)':<24}{e:11.3f}{r:10.3f}{e / r:8.2f}")
    print()
    for name in ("engine", "raw"):
        print(f"rounds, {name:>6} ms/instance: " + " ".join(f"{x:.2f}" for x in result["rounds"][name]))
    paired = [e / r for e, r in zip(result["rounds"]["engine"], result["rounds"]["raw"], strict=True)]
    print(f"per-round ratio: median {median(paired):.2f}, min {min(paired):.2f}, max {max(paired):.2f} "
          "(a check on noise; RESULT uses the ratio of the medians)")


# --- diagnostics (only with --profile; after the figures) ------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Engine vs raw SpiffWorkflow on the default route.")
    ap.add_argument("--quick", action="store_true", help="N=60 instances per side")
    ap.add_argument("-n", type=int, default=None, help="instances per side (default 300; --quick 60)")
    ap.add_argument("--rounds", type=int, default=None, help="measurement rounds (default 30; --quick 12)")
    ap.add_argument("--warmup", type=int, default=20, help="warm-up instances per side (default 20)")
    ap.add_argument("--profile", action="store_true", help="afterwards: cProfile of the engine path")
    ap.add_argument("--sqlite-sync", choices=("normal", "full"), default="normal",
                    help="SQLite's synchronous pragma for the engine's database (default normal)")
    ap.add_argument("--diag-n", type=int, default=200, help="instances for --profile (default 200)")
    ap.add_argument("--top", type=int, default=40, help="rows per cProfile table (default 40)")
    args = ap.parse_args(argv)
    n = args.n or (60 if args.quick else 300)
    rounds = args.rounds or (12 if args.quick else 30)

    with tempfile.TemporaryDirectory(prefix="signaalroute-bench-") as tmp:
        t_setup = time.perf_counter()
        engine_route = EngineRoute(Path(tmp), args.sqlite_sync.upper())
        raw_route = RawRoute()
        setup_s = time.perf_counter() - t_setup
        for side in (engine_route, raw_route):
            run_batch(side, args.warmup)
        result = measure((engine_route, raw_route), n, rounds)

        import SpiffWorkflow
        import sqlalchemy
        print("Signaalroute engine benchmark: signaal-naar-casus, route melding -> verrijken -> "
              f"beoordelen -> {EXPECTED_ROUTE} -> afgerond")
        print(f"python {sys.version.split()[0]}, SpiffWorkflow {getattr(SpiffWorkflow, '__version__', '3.2')}, "
              f"SQLAlchemy {sqlalchemy.__version__}; SQLite file DB in {tmp}")
        print(f"setup {setup_s:.2f}s; warm-up {args.warmup}/side; {result['measured']} instances/side "
              f"in {rounds} alternating rounds of {result['measured'] // rounds}")
        print()
        print_table(result)

        if args.profile:
            print_profile(engine_route.run_one, args.diag_n, args.top, "Engine path")
        engine_route.sa_engine.dispose()

    eng, raw = result["total"]["engine"], result["total"]["raw"]
    load = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} CPUs")
    print(f"RESULT engine_ms={eng:.2f} raw_ms={raw:.2f} ratio={eng / raw:.2f} n={result['measured']} "
          f"sqlite_sync={args.sqlite_sync} load={load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
