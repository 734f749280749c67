"""Benchmark: the clock on PostgreSQL — timer lateness with two workers, and pass cost vs waiting timers.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, trust auth, user postgres)::

    .venv/bin/python bench/timers.py              # 10,000 timers due over 15 s; pass cost at 10k and 100k waiting
    .venv/bin/python bench/timers.py --quick      # 2,000 timers over 10 s; pass cost at 10k and 50k, < 1 minute
    .venv/bin/python bench/timers.py --profile    # + cProfile of one in-process pass over 200 due timers

``--pg-url`` (or ``BENCH_PG_URL``) points at another server; the bench creates a fresh
database ``signaalroute_bench_timers_<pid>`` there, migrates it with
``engine.store.migrate.upgrade`` and always drops it at the end (also on an error, Ctrl-C or
SIGTERM; ``--keep`` keeps it for inspection).

The process
    ``bench/data/timer-bench``: start event (start form ``timer-melden``) → intermediate
    timer catch event ``timer_wacht`` with ``<timeDate>vuur_op</timeDate>`` → end event.
    ``vuur_op`` is an ISO 8601 UTC time in the reported data, so each instance's due
    time is chosen by the bench and does not depend on when the instance was created.
    It is deployed with ``Orchestrator.deploy_folder`` (the engine's deploy validation).

Part 1 — lateness with two workers
    * N instances (10,000; 2,000 with --quick) are started through the engine's own
      command, ``Orchestrator.report_signal(actor, data, proces="timer-bench")`` — so
      instance state, signal row, ``timer`` row and audit events are exactly what the
      engine writes. Creation runs in parallel processes (one Orchestrator each, the
      system clock) and is not timed; each instance waits on a distinct placeholder
      due time 6 h ahead, so creation may take as long as it takes.
    * Two worker processes: ``.venv/bin/signaalroute worker --interval 1`` as subprocesses
      with ``DATABASE_URL`` set (the real clock path: APScheduler interval job →
      ``Orchestrator.fire_due_timers`` with the SystemClock) and ``PGAPPNAME``
      ``bench-worker-1``/``-2`` so each firing can be attributed. They start first and
      settle (nothing is due yet), so their start-up is in no lateness.
    * Retime: B is set a few seconds ahead and every instance gets due time
      B + U(0, spread) (spread 15 s; 10 s with --quick; seeded, random order) with one SQL
      UPDATE per table: in ``process_instance.state`` the placeholder string is replaced by
      the new one — it occurs exactly twice, as ``vuur_op`` in the data and as the timer
      task's ``event_value`` (checked per row) — and the ``timer`` row gets the new
      ``due_at``/``attempt_at``. The result is what the engine would have written had
      ``vuur_op`` been the new time (only creation timestamps differ). Then ``VACUUM
      ANALYZE`` (as autovacuum would after these writes). If that does not finish ahead of
      B, it is redone further ahead.
    * The bench waits (bounded) until all N timers fired, then stops the workers with
      SIGTERM (a running pass finishes first).

    Fire time. The audit event ``timer_afgevuurd`` has ``at`` = the command's ``now``,
    but a pass reads ``now`` once and fires up to 500 timers with it, so ``at`` is
    the *start of the pass*, not when the timer fired (the bench prints how far the
    two differ). The fire time used here is the commit of the timer's transaction:
    bench-only instrumentation in the throwaway database, a ``DEFERRABLE INITIALLY
    DEFERRED`` constraint trigger on ``timer`` that, when ``afgevuurd`` increases,
    inserts ``(timer id, old due_at, clock_timestamp(), application_name)`` into
    ``bench_fire_log``. A deferred trigger runs at COMMIT, so ``clock_timestamp()`` is
    the wall time the firing transaction commits (before its WAL flush), and the row
    exists only if the transaction committed. It adds one small INSERT per firing.
    lateness = commit time − ``timer.due_at`` (which equals ``vuur_op``; checked).
    Lateness by the audit ``at`` is printed too, for comparison.

    duplicates = timer ids with more than one ``timer_afgevuurd`` audit event (must
    be 0); the fire log is checked the same way. fired_per_s = N / (last commit −
    first due time): the rate at which the whole batch was got through; while the
    workers keep up it equals the demand, N / spread (printed next to it), so the
    rate inside passes (timers / time from a pass's start to its last commit) is
    printed as well: the capacity of the workers.

    Also printed: passes (a pass reads ``now`` once, so worker + audit ``at`` identify
    it), idle time between passes while due timers waited, and CPU seconds of the
    worker processes, of their PostgreSQL backends (``pg_stat_activity`` by
    application_name, ``/proc``) and of the rest of the machine while the workers ran.

Part 1, route — the shipped process's own timers (``--kinds``, default ``trivial,route``)
    The same N, spread and workers, a second time, with the timers users meet
    (``bench/_route_timers.py``): half the instances wait at "Signaal verrijken" with its
    deadline (``P5D``, escalates: the task is marked, the manager gets a notification and,
    from the mail pass, a mail), half at the ZVH's regie task with its follow-up cycle
    (``R/P14D``, opens "Terugkoppeling regie" for the aandachtsfunctionaris and re-arms).
    They are made with the engine's own commands (report, and for a follow-up verrijken +
    beoordelen) on a clock set back by the timer's duration, so the engine itself puts the
    timer at the chosen placeholder; the retime replaces that time once in the state, in
    the timer row and in the task's due date. Lateness, duplicates and CPU per firing are
    printed and in the RESULT line per kind (``route_…``).

Part 2 — pass cost vs waiting-but-not-due timers
    The database is brought to W waiting timers that are not due (10k, then 100k;
    10k then 50k with --quick) by SQL clones of one instance the engine started
    (``report_signal``, due in 2 h): ``INSERT … SELECT`` of its ``process_instance``
    row (state with the ``vuur_op`` string — also the timer task's ``event_value`` —
    replaced by the clone's own due time), its ``signal`` row (referentie
    ``MH-BENCH-<id>``) and its ``timer`` row, due uniform over 1 h … 25 h from now.
    Clones share the template's SpiffWorkflow task UUIDs (unique per instance, as the
    schema requires); no creation audit events are cloned. Then ``ANALYZE`` (as
    autovacuum would). The rows of part 1 — fired timers, as a database with history
    has them — stay in the table.

    Timed in this process, on its own Orchestrator with the SystemClock:
    * empty pass: ``Orchestrator.fire_due_timers()`` with nothing due (median of 200
      after 10 warm-up; 100/5 with --quick) — RESULT ``pass_ms_<W>``;
    * pass with 100 due: 100 instances started with ``report_signal`` due ~1 s later
      (their Orchestrator's clock is the system clock capped just below that time, so
      they are created waiting even on a slow machine), wait until due, one timed pass
      (median of 5; 2 with --quick).
    The statements a pass ran on ``timer`` are captured (SQLAlchemy cursor events) and
    shown with ``EXPLAIN (ANALYZE, BUFFERS)`` — nothing due, and 100 due — in a
    transaction that is rolled back, for the largest W.

``--profile`` (after the figures): one in-process pass over 200 due timers, split into
time in ``cursor.execute``, in COMMIT and the rest, then under cProfile.

The last line printed is always::

    RESULT p50_lateness_s=… p99_lateness_s=… max_lateness_s=… fired_per_s=… duplicates=… cpu_ms_per_fire=…
           route_p50_lateness_s=… route_p99_lateness_s=… … route_cpu_ms_per_fire=… pass_ms_10k=… pass_ms_100k=…
           n=… spread_s=… workers=… load=…

(one line; with --quick the pass key is ``pass_ms_50k`` and ``n=2000``: the sizes used are named, never implied).
"""
from __future__ import annotations

import argparse
import os
import signal as signals
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/engine.py would shadow the engine package: the repository root goes first.
sys.path.insert(0, str(ROOT))

import _route_timers as route_timers  # noqa: E402 - after the engine is importable
from _common import median, percentile  # noqa: E402 - bench/ is on sys.path as the script's folder
from _server import BenchError, run_main  # noqa: E402 - bench/ is on sys.path as the script's folder
from _timer_lateness import cpu_per_fire, print_lateness, run_lateness  # noqa: E402 - bench/ is on sys.path
from _timer_pass_cost import print_pass_cost, profile_pass, run_pass_cost, size_label  # noqa: E402
from _timer_setup import DEFAULT_PG, BenchDatabase, setup_database  # noqa: E402
from sqlalchemy import text  # noqa: E402

# --- main ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="2,000 timers over 10 s; pass cost at 10k and 50k")
    ap.add_argument("-n", type=int, help="timers in part 1 (default 10000; --quick 2000)")
    ap.add_argument("--spread", type=float, help="seconds over which they come due (default 15; --quick 10)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between passes (default 1)")
    ap.add_argument("--sizes", help="waiting-not-due sizes for part 2, comma separated (default 10000,100000; "
                                    "--quick 10000,50000)")
    ap.add_argument("--create-procs", type=int, default=min(4, os.cpu_count() or 1),
                    help="processes that create the instances (default min(4, CPUs))")
    ap.add_argument("--timeout", type=float, default=240.0, help="seconds to wait beyond the spread (default 240)")
    ap.add_argument("--worker-pgoptions", help="PGOPTIONS for the worker processes only, a what-if "
                                              "(e.g. '-c synchronous_commit=off'); printed in the header")
    ap.add_argument("--kinds", default="trivial,route",
                    help="part 1 runs: trivial (start → timer → end), route (the shipped process's deadlines and "
                         "follow-ups); comma separated (default both)")
    ap.add_argument("--skip-lateness", action="store_true", help="only part 2 (no RESULT line)")
    ap.add_argument("--profile", action="store_true", help="afterwards: cProfile of one pass over 200 due timers")
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG),
                    help=f"server to create the bench database on (default {DEFAULT_PG})")
    ap.add_argument("--keep", action="store_true", help="do not drop the database (prints its URL)")
    args = ap.parse_args(argv)
    n = args.n or (2000 if args.quick else 10_000)
    spread = args.spread or (10.0 if args.quick else 15.0)
    sizes = [int(s) for s in (args.sizes or ("10000,50000" if args.quick else "10000,100000")).split(",")]
    empty_runs, warmup, due_runs, due_k = (100, 5, 2, 100) if args.quick else (200, 10, 5, 100)

    signals.signal(signals.SIGTERM, lambda *_: sys.exit(143))
    db = BenchDatabase(args.pg_url, f"signaalroute_bench_timers_{os.getpid()}")
    workdir = Path(tempfile.mkdtemp(prefix="signaalroute-bench-timers-"))
    orch = None
    t_start = time.perf_counter()
    try:
        db.create()
        orch, user_id = setup_database(db.url)
        with orch.db.read() as conn:
            server = conn.execute(text("SHOW server_version")).scalar_one()
        import SpiffWorkflow  # noqa: F401
        import sqlalchemy
        print(f"Signaalroute timer benchmark: PostgreSQL {server} ({db.url}), SQLAlchemy {sqlalchemy.__version__}, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs (workers, PostgreSQL and this process share "
              f"them), load average {os.getloadavg()[0]:.2f} at start"
              + (f"; workers with PGOPTIONS={args.worker_pgoptions!r}" if args.worker_pgoptions else ""))
        print()
        runs: dict[str, dict] = {}
        kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        if set(kinds) - {"trivial", "route"}:
            raise BenchError(f"--kinds: trivial en/of route, niet {args.kinds!r}")
        route_users = route_timers.setup_route(orch) if "route" in kinds else {}
        for kind in [] if args.skip_lateness else kinds:
            runs[kind] = run_lateness(db, orch, route_users.get("gemeente", user_id), n, spread, args.workers,
                                      args.interval, args.create_procs, workdir, args.timeout, args.worker_pgoptions,
                                      kind=kind)
            print_lateness(runs[kind], args.interval, args.workers)
        results = run_pass_cost(orch, user_id, sizes, empty_runs, warmup, due_runs, due_k)
        print_pass_cost(results, due_k)
        if args.profile:
            profile_pass(orch, user_id, 200, 30)
        print(f"total bench time {time.perf_counter() - t_start:.0f} s; load average (1 min) at end "
              f"{os.getloadavg()[0]:.2f}")
    except Exception:  # an error, not Ctrl-C/SIGTERM: show what the workers said
        for path in sorted(workdir.glob("*.log")):
            tail = path.read_text(errors="replace")[-2000:]
            if tail.strip():
                print(f"--- {path.name} (tail) ---\n{tail}", file=sys.stderr)
        raise
    finally:
        if orch is not None:
            orch.db.dispose()
        if args.keep:
            print(f"kept database {db.url} and {workdir}", file=sys.stderr)
        else:
            db.drop()
            for path in workdir.glob("*"):
                path.unlink()
            workdir.rmdir()

    if not runs:
        return 0
    keys = []
    for kind, lat in runs.items():
        if lat["timed_out"]:
            print(f"NOT ALL TIMERS FIRED ({kind}): {lat['fired']}/{n} within the timeout", file=sys.stderr)
        lateness = lat["lateness"]
        span = (lat["last_commit"] - lat["first_due"]).total_seconds()
        w_ms, b_ms = cpu_per_fire(lat)
        prefix = "" if kind == "trivial" else f"{kind}_"
        keys.append(f"{prefix}p50_lateness_s={percentile(lateness, 50):.3f} "
                    f"{prefix}p99_lateness_s={percentile(lateness, 99):.3f} "
                    f"{prefix}max_lateness_s={percentile(lateness, 100):.3f} "
                    f"{prefix}fired_per_s={lat['fired'] / span if span > 0 else float('nan'):.1f} "
                    f"{prefix}duplicates={lat['dup_audit']} {prefix}cpu_ms_per_fire={w_ms + b_ms:.2f}")
    pass_keys = " ".join(f"pass_ms_{size_label(r['size'])}={median(r['empty']):.2f}" for r in results)
    print("(RESULT: lateness = commit − due over the timers of part 1, per kind (no prefix: trivial; route_: the "
          "shipped process's deadlines and follow-ups); fired_per_s = fired / (last commit − first due); duplicates = "
          "timer ids with > 1 timer_afgevuurd audit event; cpu_ms_per_fire = worker + PostgreSQL backend CPU per fired "
          "timer; pass_ms_<W> = median empty pass with W waiting-not-due timers: "
          + ", ".join(f"{r['waiting']:,}" for r in results) + ")")
    print(f"RESULT {' '.join(keys)} {pass_keys} n={n} spread_s={spread:g} workers={args.workers} "
          f"load={os.getloadavg()[0]:.2f}")
    return 1 if any(lat["timed_out"] for lat in runs.values()) else 0


if __name__ == "__main__":
    run_main(main, "bench/timers.py")
