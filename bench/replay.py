"""Benchmark: 'Wat verandert er?' — a year of signals replayed against a draft.

Run from the repository root::

    .venv/bin/python bench/replay.py              # 10,000 signals (the most one replay takes); target < 30 s
    .venv/bin/python bench/replay.py --quick      # 2,000 signals, under a minute with the set-up
    .venv/bin/python bench/replay.py --profile    # + cProfile of a second run (after the figures)

The history
    A fresh SQLite file database in a temp dir (schema via ``engine.store.migrate.upgrade``), the
    default process and the care trajectory deployed with ``deploy_folder``. Twelve template signals
    are walked through the default route with the engine's own commands (``report_signal``,
    ``complete_task``), so their case files are exactly what the engine records: six zorgtraject, two
    zorg en strafrecht (regie done), one RIEC (regie done), one gemeente, one closed without suspicion,
    one still waiting for enrichment; half of them about a minor. Their ``signal``,
    ``process_instance`` and ``dossier_stap`` rows are then copied in bulk (one INSERT per table) to N
    signals, each copy moved back in time by a spread over 270 days (its report and its steps by the
    same offset), so all of them fall in the default window of one year.

What is timed
    ``Orchestrator.impact.of_package(draft)`` consumed to its last report, where the draft is the
    default process whose routing table sends 'zorg nodig' to the ZVH: compiling the draft, reading
    the history (one read transaction, two statements) and replaying every signal twice — through
    the version it ran on (parsed-spec cache) and through the draft — with the comparison and counts.
    The replay runs in one process on one core. Reported: the total, the read alone, and replays per
    second. The answer is checked: every zorgtraject copy must be counted as changed.

The last line printed is always ``RESULT replay_per_s=<x> signals=<n> seconds=<s>``.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from _common import print_profile_stats  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from engine.clock import FixedClock  # noqa: E402
from engine.definitions.package import ProcessPackage  # noqa: E402
from engine.people.users import add_user  # noqa: E402
from engine.queries.replay_history import replay_history  # noqa: E402
from engine.service.orchestrator import Orchestrator  # noqa: E402
from engine.store.db import Database, make_engine  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.store.schema import dossier_stap, process_instance, signal  # noqa: E402

PROCESS_DIR = ROOT / "processes" / "signaal-naar-casus"
CARE_DIR = ROOT / "processes" / "zorgtraject"
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
SPREAD = dt.timedelta(days=270)
INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Meerdere mensen slapen in de bedrijfshal.",
          "uitbuitingsvormen": ["arbeid"], "locatie": "Industrieweg 1, Nijmegen", "sector": "logistiek",
          "indicatoren": ["woont_op_werkplek"], "acute_nood": False}
VERRIJKT = {"vermoeden_versterkt": True, "toelichting": "Adres bekend bij handhaving."}
NIET_VERRIJKT = {"vermoeden_versterkt": False, "reden_afsluiten": "Regulier huurconflict."}
REGIE = {"regie_opgepakt": True, "resultaat": "hulp_gestart", "behandelaar": "P. de Vries", "covenant": "geen"}
KINDS = ["zorg"] * 6 + ["zvh", "zvh", "riec", "gemeente", "geen", "open"]
ZORG_RULE = '<outputEntry id="rule_zorgtraject_route">\n          <text>"zorgtraject"</text>'
ROLES = ("melder", "analist", "aandachtsfunctionaris", "zvh", "riec")


def beoordeeld(kind: str) -> dict:
    return {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["avim"], "casustafel_bespreken": False,
            "zorg_nodig": kind != "gemeente", "strafrechtelijk_traject": kind == "zvh",
            "ondermijnende_criminaliteit": kind == "riec", "toelichting": "Afgestemd."}


def walk_templates(orch: Orchestrator, clock: FixedClock, actors: dict) -> None:
    """The template signals, through the engine's own commands."""
    def complete(outcome, bpmn_id, data, rol):
        task = next(t for t in outcome.nieuwe_taken if t["bpmn_id"] == bpmn_id)
        return orch.complete_task(actors[rol], task["id"], data)

    for index, kind in enumerate(KINDS):
        clock.advance(dt.timedelta(hours=5))
        outcome = orch.report_signal(actors["melder"], {**INTAKE, "minderjarige": "ja" if index % 2 else "nee"},
                                     proces="signaal-naar-casus")
        if kind == "open":
            continue
        clock.advance(dt.timedelta(days=2))
        if kind == "geen":
            complete(outcome, "task_verrijken", NIET_VERRIJKT, "analist")
            continue
        outcome = complete(outcome, "task_verrijken", VERRIJKT, "analist")
        clock.advance(dt.timedelta(days=4))
        outcome = complete(outcome, "task_beoordelen", beoordeeld(kind), "aandachtsfunctionaris")
        if kind in ("zvh", "riec"):
            clock.advance(dt.timedelta(days=1))
            complete(outcome, f"task_regie_{kind}", REGIE, kind)


def copy_history(orch: Orchestrator, n: int) -> None:
    """Copy the templates' rows to ``n`` signals spread over :data:`SPREAD` (one INSERT per table)."""
    with orch.db.write() as conn:
        signals = [dict(r._mapping) for r in conn.execute(select(signal).order_by(signal.c.id))]
        instances = {r.id: dict(r._mapping) for r in conn.execute(select(process_instance))}
        entries = [dict(r._mapping) for r in conn.execute(select(dossier_stap).order_by(dossier_stap.c.id))]
        next_instance = max(instances) + 1
        next_signal = max(s["id"] for s in signals) + 1
        new_instances, new_signals, new_entries = [], [], []
        for copy in range(n - len(signals)):
            template = signals[copy % len(signals)]
            shift = SPREAD * ((copy + 1) / n)
            instance = {**instances[template["instance_id"]], "id": next_instance}
            new_instances.append(instance)
            row = {**template, "id": next_signal, "instance_id": next_instance,
                   "referentie": f"MH-BENCH-{next_signal:07d}", "ontvangen_op": template["ontvangen_op"] - shift}
            new_signals.append(row)
            for entry in entries:
                if entry["signal_id"] == template["id"]:
                    new_entries.append({**entry, "id": None, "signal_id": next_signal, "instance_id": next_instance,
                                        "human_task_id": None, "voltooid_op": entry["voltooid_op"] - shift})
            next_instance += 1
            next_signal += 1
        conn.execute(insert(process_instance), new_instances)
        conn.execute(insert(signal), new_signals)
        for entry in new_entries:
            del entry["id"]
        conn.execute(insert(dossier_stap), new_entries)


def build(n: int, folder: Path) -> tuple[Orchestrator, FixedClock]:
    url = f"sqlite:///{folder / 'replay-bench.db'}"
    sa_engine = make_engine(url)
    upgrade(sa_engine)
    clock = FixedClock(START)
    orch = Orchestrator(Database(sa_engine), clock)
    orch.deploy_folder(PROCESS_DIR)
    orch.deploy_folder(CARE_DIR)
    with orch.db.write() as conn:
        ids = {rol: add_user(conn, f"bench-{rol}", now=START, naam=f"Bench {rol}", roles=[rol],
                             gemeente_naam=None if rol in ("zvh", "riec") else "Nijmegen") for rol in ROLES}
    actors = {rol: orch.actor(user_id) for rol, user_id in ids.items()}
    walk_templates(orch, clock, actors)
    copy_history(orch, n)
    clock.advance(dt.timedelta(days=1))
    return orch, clock


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def draft_package() -> ProcessPackage:
    files = dict(ProcessPackage.from_folder(PROCESS_DIR).files)
    text = files["routering.dmn"].decode()
    assert text.count(ZORG_RULE) == 1
    files["routering.dmn"] = text.replace(ZORG_RULE, ZORG_RULE.replace('"zorgtraject"', '"zorg_en_strafrecht"')).encode()
    return ProcessPackage(files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="2,000 signals (< 1 minute with the set-up)")
    ap.add_argument("-n", type=int, default=None, help="signals (default 10,000; --quick 2,000)")
    ap.add_argument("--profile", action="store_true", help="afterwards: cProfile of a second run")
    ap.add_argument("--top", type=int, default=30, help="rows per cProfile table (default 30)")
    args = ap.parse_args(argv)
    n = args.n or (2_000 if args.quick else 10_000)
    draft = draft_package()
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as tmp:
        t0 = time.perf_counter()
        orch, clock = build(n, Path(tmp))
        print(f"set-up: {n} signals in {time.perf_counter() - t0:.1f} s (cpu count {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.1f})")
        try:
            t0 = time.perf_counter()
            with orch.db.read() as conn:
                history = replay_history(conn, "signaal-naar-casus", clock.now() - dt.timedelta(days=365))
            read_s = time.perf_counter() - t0
            t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
            reports = list(orch.impact.of_package(draft))
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            workers_cpu = _children_cpu() - k0
            result = reports[-1]["resultaat"]
            zorg = sum(1 for i in range(n) if KINDS[i % len(KINDS)] == "zorg")
            assert len(history) == n == result["nagespeeld"], (len(history), n, result["nagespeeld"])
            assert result["gewijzigd"] == zorg and result["onbeslist"] == 0, result
            print(f"read history: {read_s:.2f} s; replay run (compile + read + 2 replays per signal): {seconds:.2f} s; "
                  f"changed {result['gewijzigd']} of {result['nagespeeld']}; progress reports {len(reports) - 1}")
            print(f"CPU time: this process {cpu:.2f} s, its worker processes {workers_cpu:.2f} s "
                  f"({(cpu + workers_cpu) / n * 1000:.2f} ms per signal in all; a loaded machine stretches the "
                  f"wall-clock time, much less this); load average now {os.getloadavg()[0]:.1f}")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                list(orch.impact.of_package(draft))
                profiler.disable()
                print_profile_stats(profiler, n, args.top, "replay", unit="signal")
        finally:
            orch.db.dispose()
    print(f"RESULT replay_per_s={n / seconds:.0f} signals={n} seconds={seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
