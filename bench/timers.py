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
import cProfile
import datetime as dt
import multiprocessing
import os
import random
import re
import signal as signals
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/engine.py would shadow the engine package: the repository root goes first.
sys.path.insert(0, str(ROOT))

import _route_timers as route_timers  # noqa: E402 - after the engine is importable
from _common import median, percentile, print_profile_stats  # noqa: E402 - bench/ is on sys.path as the script's folder
from _server import BenchError, run_main, signaalroute_cli  # noqa: E402 - bench/ is on sys.path as the script's folder
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from engine.clock import SystemClock  # noqa: E402
from engine.people.users import add_user  # noqa: E402
from engine.service.orchestrator import Orchestrator  # noqa: E402
from engine.store.db import Database, make_engine  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402
from engine.store.schema import timer  # noqa: E402

PACKAGE_DIR = BENCH / "data" / "timer-bench"
PROCES = "timer-bench"
GEMEENTE = "Nijmegen"
INTAKE = {"gemeente": GEMEENTE, "omschrijving": "Timerbenchmark", "uitbuitingsvormen": ["onbekend"],
          "minderjarige": "onbekend"}
UTC = dt.UTC
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
RETIME_MARGIN_S = 2.0
PASS_LIMIT = 500  # Orchestrator.fire_due_timers' default limit, which the clock uses


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat()


class CappedClock:
    """The system clock, but never later than ``cap``: a timer due after ``cap`` is created waiting."""

    def __init__(self, cap: dt.datetime):
        self.cap = cap
        self.capped = 0

    def now(self) -> dt.datetime:
        now = utcnow()
        if now > self.cap:
            self.capped += 1
            return self.cap
        return now


# --- database lifecycle -------------------------------------------------------------------------

class BenchDatabase:
    """A fresh database on the server; ``drop()`` is safe to call more than once."""

    def __init__(self, server_url: str, name: str):
        self.admin = create_engine(_sa_url(server_url), isolation_level="AUTOCOMMIT")
        self.name = name
        base = server_url.rsplit("/", 1)[0]
        self.url = f"{base}/{name}"
        self.created = False

    def create(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.created = True

    def drop(self) -> None:
        if not self.created:
            return
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.created = False
        self.admin.dispose()


def _sa_url(url: str) -> str:
    from engine.store.db import normalise_url

    return normalise_url(url)


FIRE_LOG_DDL = (
    """CREATE TABLE bench_fire_log (
        id bigserial PRIMARY KEY, timer_id integer NOT NULL, instance_id integer NOT NULL,
        due_at timestamptz NOT NULL, committed_at timestamptz NOT NULL, worker text, backend_pid integer)""",
    """CREATE FUNCTION bench_log_fire() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO bench_fire_log (timer_id, instance_id, due_at, committed_at, worker, backend_pid)
        VALUES (NEW.id, NEW.instance_id, OLD.due_at, clock_timestamp(), current_setting('application_name'),
                pg_backend_pid());
        RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER bench_timer_fired AFTER UPDATE ON timer DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW WHEN (NEW.afgevuurd > OLD.afgevuurd) EXECUTE FUNCTION bench_log_fire()""",
)


def setup_database(url: str) -> tuple[Orchestrator, int]:
    """Migrate, instrument, deploy the bench process, add a melder; return (orchestrator, user id)."""
    sa_engine = make_engine(url)
    upgrade(sa_engine)
    with sa_engine.begin() as conn:
        for ddl in FIRE_LOG_DDL:
            conn.exec_driver_sql(ddl)
    orch = Orchestrator(Database(sa_engine), SystemClock())
    orch.deploy_folder(PACKAGE_DIR, "bench/timers.py")
    with orch.db.write() as conn:
        user_id = add_user(conn, "bench.timers", now=orch.clock.now(), naam="Bench Timers", roles=["melder"],
                           gemeente_naam=GEMEENTE)
    return orch, user_id


def vacuum_analyze(url: str, tables=("timer", "process_instance", "signal", "audit_event", "human_task")) -> None:
    eng = create_engine(_sa_url(url), isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            for table in tables:
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
    finally:
        eng.dispose()


# --- creating instances -------------------------------------------------------------------------

def start_instances(orch: Orchestrator, actor, due_times: list[dt.datetime]) -> list[int]:
    """Start one bench instance per due time through the engine's own start command."""
    ids = []
    for due in due_times:
        outcome = orch.report_signal(actor, dict(INTAKE, vuur_op=iso(due)), proces=PROCES)
        if outcome.status != "lopend":
            raise BenchError(f"instance {outcome.instance_id} did not wait for its timer (status {outcome.status})")
        ids.append(outcome.instance_id)
    return ids


def _create_chunk(url: str, user_id: int, due_iso: list[str], cap_iso: str) -> tuple[int, float, int]:
    """In a creation process: start instances for ``due_iso``; return (count, seconds, capped clock reads)."""
    sa_engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        clock = CappedClock(dt.datetime.fromisoformat(cap_iso))
        orch = Orchestrator(Database(sa_engine), clock)
        actor = orch.actor(user_id)
        t0 = time.perf_counter()
        start_instances(orch, actor, [dt.datetime.fromisoformat(d) for d in due_iso])
        return len(due_iso), time.perf_counter() - t0, clock.capped
    finally:
        sa_engine.dispose()


def create_parallel(url: str, user_id: int, due_times: list[dt.datetime], cap: dt.datetime,
                    processes: int) -> tuple[float, int]:
    chunks = [due_times[i::processes] for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(processes) as pool:
        try:
            results = pool.starmap(_create_chunk, [(url, user_id, [iso(d) for d in c], iso(cap)) for c in chunks])
        except BaseException:
            pool.terminate()
            raise
    wall = time.perf_counter() - t0
    if sum(r[0] for r in results) != len(due_times):
        raise BenchError("creation processes started fewer instances than asked")
    return wall, sum(r[2] for r in results)


RETIME_STATE = """
UPDATE process_instance p SET state = replace(p.state, r.old_iso, r.new_iso)
FROM unnest(CAST(:ids AS integer[]), CAST(:old AS text[]), CAST(:new AS text[])) AS r(instance_id, old_iso, new_iso)
WHERE p.id = r.instance_id
  AND (length(p.state) - length(replace(p.state, r.old_iso, ''))) = 2 * length(r.old_iso)
"""
RETIME_TIMER = """
UPDATE timer t SET due_at = r.due, attempt_at = r.due
FROM unnest(CAST(:ids AS integer[]), CAST(:due AS timestamptz[])) AS r(instance_id, due)
WHERE t.instance_id = r.instance_id AND t.status = 'wachtend'
"""


def retime(orch: Orchestrator, current: dict[int, dt.datetime], new: dict[int, dt.datetime]) -> dict:
    """Give waiting bench instances new due times: the ``vuur_op`` string in the state (data and the timer
    task's ``event_value``, exactly two occurrences, checked) and the timer row's ``due_at``/``attempt_at``."""
    ids = sorted(current)
    with orch.db.write() as conn:
        done = conn.execute(text(RETIME_STATE), {"ids": ids, "old": [iso(current[i]) for i in ids],
                                                 "new": [iso(new[i]) for i in ids]}).rowcount
        if done != len(ids):
            raise BenchError(f"retime: {len(ids) - done} states did not hold their due time exactly twice")
        done = conn.execute(text(RETIME_TIMER), {"ids": ids, "due": [new[i] for i in ids]}).rowcount
        if done != len(ids):
            raise BenchError(f"retime: {len(ids) - done} timer rows not found")
    return dict(new)


# --- workers ------------------------------------------------------------------------------------

class Worker:
    """``signaalroute worker --interval S`` as a subprocess; ``stop()`` is safe to call more than once."""

    READY = "Signaalroute-worker"

    def __init__(self, name: str, url: str, interval: float, workdir: Path, pgoptions: str | None = None):
        self.name = name
        self.pgoptions = pgoptions
        self.url = url
        self.interval = interval
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.ready_at: float | None = None  # time.time()
        self.started_at: float | None = None
        self.cpu_s: float | None = None
        self.cpu_at_ready = 0.0

    def start(self) -> None:
        env = dict(os.environ, DATABASE_URL=self.url, PGAPPNAME=self.name, PYTHONUNBUFFERED="1")
        env.pop("FLASK_RUN_FROM_CLI", None)
        if self.pgoptions:
            env["PGOPTIONS"] = self.pgoptions
        self.started_at = time.time()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([str(signaalroute_cli()), "worker", "--interval", f"{self.interval:g}"],
                                         env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def poll_ready(self) -> bool:
        if self.ready_at is None and self.READY in self.log():
            self.ready_at = time.time()
            self.cpu_at_ready = process_cpu(self.proc.pid)
        if self.proc is not None and self.proc.poll() is not None:
            raise BenchError(f"{self.name} exited with {self.proc.returncode}; log:\n{self.log()[-3000:]}")
        return self.ready_at is not None

    def sample_cpu(self) -> None:
        """User + system CPU seconds of the worker so far (from /proc), if readable."""
        self.cpu_s = process_cpu(self.proc.pid) if self.proc is not None else None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signals.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return float(sum(fields) - idle), float(sum(fields))


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 if unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def backend_cpu(orch: Orchestrator, like: str) -> float:
    """CPU seconds of the PostgreSQL backends whose application_name matches ``like`` (same machine only)."""
    with orch.db.read() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND application_name LIKE :like"),
                            {"like": like}).scalars().all()
    return sum(process_cpu(pid) for pid in pids)


# --- statistics ---------------------------------------------------------------------------------

# --- part 1 -------------------------------------------------------------------------------------

def run_lateness(db: BenchDatabase, orch: Orchestrator, user_id: int, n: int, spread: float, workers_n: int,
                 interval: float, create_procs: int, workdir: Path, timeout_s: float,
                 pgoptions: str | None = None, kind: str = "trivial") -> dict:
    # 1. Start N instances through the engine, each waiting on a distinct placeholder due time 6 h ahead.
    placeholder0 = utcnow() + dt.timedelta(hours=6)
    placeholders = [placeholder0 + dt.timedelta(milliseconds=i) for i in range(n)]
    if kind == "route":
        mix = [route_timers.KINDS[i % 2] for i in range(n)]
        random.Random(20261207).shuffle(mix)
        print(f"creating {n} route instances ({mix.count('escalatie')} at a deadline, "
              f"{mix.count('terugkoppeling')} at a follow-up) in {create_procs} processes …", file=sys.stderr)
        create_wall = route_timers.create_parallel(db.url, user_id, list(zip(mix, placeholders, strict=True)),
                                                   create_procs)
    else:
        print(f"creating {n} instances with report_signal in {create_procs} processes …", file=sys.stderr)
        create_wall, _ = create_parallel(db.url, user_id, placeholders, placeholder0 - dt.timedelta(minutes=1),
                                         create_procs)
    created_done = utcnow()
    with orch.db.read() as conn:
        current = {r.instance_id: r.due_at for r in conn.execute(
            select(timer.c.instance_id, timer.c.due_at).where(
                timer.c.status == "wachtend", timer.c.due_at >= placeholder0 - dt.timedelta(seconds=1),
                timer.c.due_at <= placeholders[-1] + dt.timedelta(seconds=1)))}
    if len(current) != n:
        raise BenchError(f"expected {n} waiting timers at the chosen due times after creation, found {len(current)}"
                         + (" (do the shipped durations still match route_timers.SET_BACK?)" if kind == "route" else ""))
    # 2. The workers start and settle first (nothing is due for 6 h), so their start-up, which takes seconds on
    #    a busy machine, is not part of any lateness. Then retime: due uniform over [B, B + spread], B a few
    #    seconds ahead, and VACUUM ANALYZE (as autovacuum would after these writes).
    vacuum_analyze(db.url)
    workers = [Worker(f"bench-worker-{i + 1}", db.url, interval, workdir, pgoptions) for i in range(workers_n)]
    fired = 0
    cpu = None
    try:
        for w in workers:
            w.start()
        ready_deadline = time.monotonic() + 120
        while not all(w.poll_ready() for w in workers):
            if time.monotonic() > ready_deadline:
                raise BenchError("the workers did not start within 120 s")
            time.sleep(0.1)
        time.sleep(interval)  # each has made its first pass
        rng = random.Random(20260105)
        offsets = {iid: rng.uniform(0.0, spread) for iid in sorted(current)}
        margin = RETIME_MARGIN_S
        for _attempt in range(4):
            base = utcnow() + dt.timedelta(seconds=margin)
            t0 = time.perf_counter()
            new = {iid: base + dt.timedelta(seconds=off) for iid, off in offsets.items()}
            current = (route_timers.retime if kind == "route" else retime)(orch, current, new)
            retime_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            vacuum_analyze(db.url, ("timer", "process_instance", "human_task"))
            vacuum_s = time.perf_counter() - t0
            if base > utcnow():
                break
            margin *= 2  # the machine is slower than expected: retime again, further ahead
        else:
            raise BenchError("could not retime the timers ahead of time (machine too busy?)")
        busy0, total0 = machine_cpu()
        wall0 = time.monotonic()
        for w in workers:
            w.cpu_at_ready = process_cpu(w.proc.pid)  # CPU from here on is the firing (and idle passes)
        deadline = time.monotonic() + spread + margin + timeout_s
        last_report = 0.0
        while True:
            for w in workers:
                w.poll_ready()
            with orch.db.read() as conn:
                fired = conn.execute(text("SELECT count(*) FROM bench_fire_log WHERE due_at >= :lo AND due_at <= :hi"),
                                     {"lo": base, "hi": base + dt.timedelta(seconds=spread + 1)}).scalar_one()
            if fired >= n:
                break
            if time.monotonic() > deadline:
                break
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                print(f"  … {fired}/{n} fired", file=sys.stderr)
            time.sleep(0.25)
        for w in workers:
            w.sample_cpu()
        backends = backend_cpu(orch, "bench-worker-%")
        busy1, total1 = machine_cpu()
        ncpu = os.cpu_count() or 1
        if total1 > total0:
            wall = time.monotonic() - wall0
            busy_s = (busy1 - busy0) / (total1 - total0) * wall * ncpu
            workers_cpu = sum(w.cpu_s or 0.0 for w in workers)
            startup = sum(w.cpu_at_ready for w in workers)  # start-up and idle passes before the first due time
            cpu = {"wall": wall, "ncpu": ncpu, "busy": (busy1 - busy0) / (total1 - total0), "workers": workers_cpu,
                   "startup": startup, "backends": backends, "other": busy_s - workers_cpu - backends}
    finally:
        for w in workers:
            w.stop()
    if any(w.ready_at is None for w in workers):
        raise BenchError("a worker never printed its start line:\n" + "\n".join(w.log()[-2000:] for w in workers))
    result = analyse_lateness(orch, n, base, spread, workers)
    result["cpu"] = cpu
    result["kind"] = kind
    if kind == "route":
        result["effects"] = route_timers.kinds_fired(orch, created_done)
    result.update(create_wall=create_wall, created_done=created_done, retime_s=retime_s, vacuum_s=vacuum_s,
                  timed_out=fired < n, workers=workers, base=base, spread=spread)
    return result


def analyse_lateness(orch: Orchestrator, n: int, base: dt.datetime, spread: float, workers: list[Worker]) -> dict:
    with orch.db.read() as conn:
        log_rows = conn.execute(text(
            "SELECT f.timer_id, f.due_at, f.committed_at, f.worker, t.due_at AS row_due, t.actie "
            "FROM bench_fire_log f JOIN timer t ON t.id = f.timer_id ORDER BY f.committed_at")).all()
        audit_rows = conn.execute(text(
            "SELECT (detail->>'timer_id')::int AS timer_id, at, detail->>'gepland' AS gepland "
            "FROM audit_event WHERE actie = 'timer_afgevuurd'")).all()
        dup_audit = conn.execute(text(
            "SELECT count(*) FROM (SELECT detail->>'timer_id' FROM audit_event WHERE actie = 'timer_afgevuurd' "
            "GROUP BY 1 HAVING count(*) > 1) d")).scalar_one()
        dup_log = conn.execute(text(
            "SELECT count(*) FROM (SELECT timer_id FROM bench_fire_log GROUP BY 1 HAVING count(*) > 1) d")).scalar_one()
        incidents = conn.execute(text("SELECT count(*) FROM incident")).scalar_one()
    window_end = base + dt.timedelta(seconds=spread + 1)
    rows = [r for r in log_rows if base <= r.due_at <= window_end]
    audit = {r.timer_id: r for r in audit_rows}
    # A cycle (terugkoppeling) re-arms: its row's due_at moved on; its audit 'gepland' still names the due time.
    mismatched_due = sum(1 for r in rows if (r.due_at != r.row_due and r.actie != "terugkoppeling")
                         or (r.timer_id in audit and dt.datetime.fromisoformat(audit[r.timer_id].gepland.replace(
                             "Z", "+00:00")) != r.due_at))
    lateness = sorted((r.committed_at - r.due_at).total_seconds() for r in rows)
    audit_late = sorted((audit[r.timer_id].at - r.due_at).total_seconds() for r in rows if r.timer_id in audit)
    at_before_commit = sorted((r.committed_at - audit[r.timer_id].at).total_seconds() for r in rows if r.timer_id in audit)
    first_due = min(r.due_at for r in rows) if rows else base
    last_commit = max(r.committed_at for r in rows) if rows else base
    first_commit = min(r.committed_at for r in rows) if rows else base
    per_worker: dict[str, int] = {}
    for r in rows:
        per_worker[r.worker] = per_worker.get(r.worker, 0) + 1
    # Passes: a pass reads `now` once, so (worker, audit at) identifies it.
    passes: dict[tuple[str, dt.datetime], list] = {}
    for r in rows:
        if r.timer_id in audit:
            passes.setdefault((r.worker, audit[r.timer_id].at), []).append(r.committed_at)
    # Within long passes: ms between consecutive commits early in the pass vs late in it.
    early, late = [], []
    for commits in passes.values():
        if len(commits) >= 300:
            c = sorted(commits)
            steps = [(b - a).total_seconds() * 1000 for a, b in zip(c, c[1:], strict=False)]
            early.extend(steps[:100])
            late.extend(steps[-100:])
    pass_sizes = sorted(len(v) for v in passes.values())
    pass_spans = sorted((max(v) - at).total_seconds() for (_, at), v in passes.items())
    # Capacity: timers fired per second of time spent inside passes (pass start → its last commit), per worker.
    in_pass: dict[str, list[float]] = {}
    for (worker, at), commits in passes.items():
        acc = in_pass.setdefault(worker, [0.0, 0])
        acc[0] += (max(commits) - at).total_seconds()
        acc[1] += len(commits)
    # Idle after a pass that stopped at the limit although work was waiting: it ended at its last commit, the
    # next one started at its `at` (the next tick); counted when the next pass fired a timer already due then.
    due_of = {r.timer_id: r.due_at for r in rows}
    by_worker: dict[str, list] = {}
    for r in rows:
        if r.timer_id in audit:
            by_worker.setdefault(r.worker, []).append((audit[r.timer_id].at, r.committed_at, due_of[r.timer_id]))
    idle: dict[str, list[float]] = {}
    for worker, items in by_worker.items():
        grouped: dict[dt.datetime, list] = {}
        for at, commit, due in items:
            grouped.setdefault(at, []).append((commit, due))
        starts = sorted(grouped)
        gaps = []
        for prev, nxt in zip(starts, starts[1:], strict=False):
            prev_end = max(c for c, _ in grouped[prev])
            if len(grouped[prev]) >= PASS_LIMIT and min(d for _, d in grouped[nxt]) <= prev_end:
                gaps.append(max(0.0, (nxt - prev_end).total_seconds()))
        idle[worker] = gaps
    return {
        "n": n, "fired": len(rows), "lateness": lateness, "audit_lateness": audit_late,
        "at_before_commit": at_before_commit, "dup_audit": dup_audit, "dup_log": dup_log, "incidents": incidents,
        "mismatched_due": mismatched_due, "first_due": first_due, "first_commit": first_commit,
        "last_commit": last_commit, "per_worker": per_worker, "pass_sizes": pass_sizes, "pass_spans": pass_spans,
        "passes": passes, "rows": rows, "in_pass": in_pass, "idle": idle, "drift": (early, late),
        "missing_audit": sum(1 for r in rows if r.timer_id not in audit),
    }


def print_lateness(res: dict, interval: float, workers_n: int) -> None:
    n, lat = res["n"], res["lateness"]
    first_due, last_commit = res["first_due"], res["last_commit"]
    span = (last_commit - first_due).total_seconds()
    what = ("route timers (the shipped process: deadlines that escalate, follow-ups that open a task)"
            if res["kind"] == "route" else "trivial timers (start → timer → end)")
    print(f"Part 1 ({res['kind']}) — {n} waiting instances, {what}, due uniform over {res['spread']:g} s, "
          f"{workers_n} workers (signaalroute worker --interval {interval:g})")
    print(f"  created with report_signal in {res['create_wall']:.1f} s, retimed in {res['retime_s']:.1f} s, "
          f"VACUUM ANALYZE {res['vacuum_s']:.1f} s (none of it timed)")
    for w in res["workers"]:
        ready = w.ready_at - w.started_at
        before = (res["base"].timestamp() - w.ready_at)
        cpu = f", {w.cpu_s:.1f} s CPU" if w.cpu_s is not None else ""
        print(f"  {w.name}: ready {ready:.2f} s after start, {before:.2f} s before the first due time; "
              f"fired {res['per_worker'].get(w.name, 0)}{cpu}")
    print()
    print(f"{'lateness (commit − due)':<34}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}{'min':>9}")
    for label, values in (("fire time = commit of its txn", lat),
                          ("fire time = audit 'at' (pass start)", res["audit_lateness"])):
        print(f"{label:<34}" + "".join(f"{percentile(values, p):9.3f}" for p in (50, 90, 99, 100))
              + f"{(values[0] if values else float('nan')):9.3f}")
    a = res["at_before_commit"]
    print(f"audit 'at' precedes the commit by: p50 {percentile(a, 50):.3f} s, p99 {percentile(a, 99):.3f} s, "
          f"max {percentile(a, 100):.3f} s "
          f"(min {a[0] if a else float('nan'):.3f} s; 'at' is the pass's now, read once per pass)")
    print()
    fired_per_s = res["fired"] / span if span > 0 else float("nan")
    print(f"fired {res['fired']}/{n}; first due → last fire {span:.2f} s; fired_per_s = N / that = {fired_per_s:.1f}/s "
          f"(demand N / spread = {n / res['spread']:.1f}/s)")
    rates = {w: k / s for w, (s, k) in res["in_pass"].items() if s > 0}
    if rates:
        print("rate inside passes (timers fired / time from pass start to its last commit): " + ", ".join(
            f"{w} {r:.1f}/s ({1000 / r:.1f} ms/timer)" for w, r in sorted(rates.items()))
              + f"; together {sum(rates.values()):.1f}/s")
    for w, gaps in sorted(res["idle"].items()):
        if gaps:
            print(f"{w}: idle after passes that stopped at the {PASS_LIMIT} limit with due timers left: "
                  f"{sum(gaps):.2f} s over {len(gaps)} gaps (max {max(gaps):.2f} s; the next pass waits for the next tick)")
    if res.get("cpu"):
        c = res["cpu"]
        print(f"CPU while the workers ran ({c['wall']:.1f} s): machine {c['busy']:.0%} busy of {c['ncpu']} CPUs; "
              f"worker processes {c['workers']:.1f} CPU s (of which {c['startup']:.1f} before the first due time: "
              f"start-up, idle passes), their PostgreSQL "
              f"backends {c['backends']:.1f} CPU s, everything else on the machine {c['other']:.1f} CPU s")
        if res["fired"]:
            w_ms, b_ms = cpu_per_fire(res)
            print(f"CPU per fired timer: worker {w_ms:.2f} ms + PostgreSQL backend {b_ms:.2f} ms = {w_ms + b_ms:.2f} ms "
                  f"→ at most {c['ncpu'] / (w_ms + b_ms) * 1000:.0f} timers/s on {c['ncpu']} CPUs with nothing else "
                  f"running (demand here {res['n'] / res['spread']:.0f}/s)")
    sizes, spans = res["pass_sizes"], res["pass_spans"]
    print(f"passes that fired something: {len(sizes)}; timers per pass p50 {percentile(sizes, 50)} max {percentile(sizes, 100)} "
          f"({sum(1 for s in sizes if s >= PASS_LIMIT)} hit the {PASS_LIMIT} limit); "
          f"pass start → last commit p50 {percentile(spans, 50):.2f} s max {percentile(spans, 100):.2f} s")
    early, late = res["drift"]
    if early:
        print(f"in passes of ≥ 300 timers, ms between consecutive commits of one worker: first 100 of the pass "
              f"median {median(early):.2f}, last 100 median {median(late):.2f}")
    if res.get("effects"):
        e = res["effects"]
        print(f"what the route timers did: {e['escalated']} tasks escalated, {e['notices']} escalation notices for "
              f"the manager, {e['follow_ups']} follow-up tasks opened")
    print(f"duplicates: {res['dup_audit']} timer ids with >1 timer_afgevuurd audit event, {res['dup_log']} with >1 "
          f"commit in the fire log; incidents {res['incidents']}; due_at ≠ vuur_op/gepland: {res['mismatched_due']}; "
          f"fired without audit event: {res['missing_audit']}")
    print()
    _print_timeline(res)


def cpu_per_fire(res: dict) -> tuple[float, float]:
    """(worker, PostgreSQL backend) CPU ms per fired timer; nan without /proc figures."""
    c = res.get("cpu")
    if not c or not res["fired"]:
        return float("nan"), float("nan")
    return (c["workers"] - c["startup"]) / res["fired"] * 1000, c["backends"] / res["fired"] * 1000


def _print_timeline(res: dict) -> None:
    rows, first_due = res["rows"], res["first_due"]
    if not rows:
        return
    end = max((r.committed_at - first_due).total_seconds() for r in rows)
    width = max(1, round(end / 20))
    buckets = int(end // width) + 1
    due_in = [0] * buckets
    fired_in = [0] * buckets
    late_in: list[list[float]] = [[] for _ in range(buckets)]
    for r in rows:
        d = int((r.due_at - first_due).total_seconds() // width)
        c = int((r.committed_at - first_due).total_seconds() // width)
        due_in[min(max(d, 0), buckets - 1)] += 1
        fired_in[min(max(c, 0), buckets - 1)] += 1
        late_in[min(max(c, 0), buckets - 1)].append((r.committed_at - r.due_at).total_seconds())
    print(f"timeline (seconds after the first due time, {width} s buckets)")
    print(f"{'t':>7}{'due':>7}{'fired':>7}{'backlog':>9}{'lateness p50':>14}{'max':>8}")
    backlog = 0
    for i in range(buckets):
        backlog += due_in[i] - fired_in[i]
        ls = sorted(late_in[i])
        print(f"{i * width:5d}-{(i + 1) * width:<3d}{due_in[i]:5d}{fired_in[i]:7d}{backlog:9d}"
              f"{percentile(ls, 50):14.2f}{percentile(ls, 100):8.2f}")
    print()


# --- part 2 -------------------------------------------------------------------------------------

CLONE_SQL = """
WITH gen AS (
    SELECT nextval(pg_get_serial_sequence('process_instance', 'id')) AS iid,
           now() + interval '1 hour' + random() * interval '24 hours' AS due
    FROM generate_series(1, :n)
), gen_iso AS (
    SELECT iid, due, to_char(due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00' AS due_iso FROM gen
), ins_instance AS (
    INSERT INTO process_instance (id, definition_id, version, status, state, created_at, updated_at, completed_at)
    SELECT g.iid, p.definition_id, p.version, p.status, replace(p.state, :template_due, g.due_iso), now(), now(), NULL
    FROM gen_iso g CROSS JOIN process_instance p WHERE p.id = :template_id
), ins_signal AS (
    INSERT INTO signal (referentie, instance_id, gemeente_id, gemeld_door, ontvangen_op, bron, melder, omschrijving,
                        locatie, uitbuitingsvormen, identificeerbaar_slachtoffer, minderjarige, acute_nood, sector,
                        indicatoren, status, fase, uitkomst, route, created_at, updated_at, closed_at)
    SELECT 'MH-BENCH-' || g.iid, g.iid, s.gemeente_id, s.gemeld_door, s.ontvangen_op, s.bron, s.melder,
           s.omschrijving, s.locatie, s.uitbuitingsvormen, s.identificeerbaar_slachtoffer, s.minderjarige,
           s.acute_nood, s.sector, s.indicatoren, s.status, s.fase, s.uitkomst, s.route, now(), now(), NULL
    FROM gen_iso g CROSS JOIN signal s WHERE s.instance_id = :template_id
)
INSERT INTO timer (instance_id, spiff_task_id, bpmn_id, naam, actie, human_task_id, due_at, attempt_at, status,
                   afgevuurd, pogingen, fout, created_at, fired_at)
SELECT g.iid, t.spiff_task_id, t.bpmn_id, t.naam, t.actie, t.human_task_id, g.due, g.due, t.status, 0, 0, NULL,
       now(), NULL
FROM gen_iso g CROSS JOIN timer t WHERE t.instance_id = :template_id
"""


def waiting_not_due(orch: Orchestrator) -> int:
    with orch.db.read() as conn:
        return conn.execute(select(func.count()).select_from(timer).where(
            timer.c.status == "wachtend", timer.c.attempt_at > func.now())).scalar_one()


def clone_waiting(orch: Orchestrator, actor, template: dict | None, count: int) -> tuple[dict, float]:
    """Add ``count`` waiting-not-due instances by cloning an engine-started template; return (template, s)."""
    if template is None:
        due = utcnow() + dt.timedelta(hours=2)
        [instance_id] = start_instances(orch, actor, [due])
        template = {"id": instance_id, "due": iso(due)}
        count -= 1
    t0 = time.perf_counter()
    chunk = 25_000
    done = 0
    while done < count:
        k = min(chunk, count - done)
        with orch.db.write() as conn:
            conn.execute(text(CLONE_SQL), {"n": k, "template_due": template["due"], "template_id": template["id"]})
        done += k
    return template, time.perf_counter() - t0


_PLACEHOLDER_LIST = re.compile(r"\((?:%\(\w+\)s(?:::\w+)?, )*%\(\w+\)s(?:::\w+)?\)")


def _clip(line: str, width: int = 200) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


class StatementCapture:
    """Record the SQL statements (with parameters) this process runs on the ``timer`` table."""

    def __init__(self, sa_engine):
        self.sa_engine = sa_engine
        self.active = False
        self.seen: dict[str, dict] = {}
        event.listen(sa_engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and not executemany and re.search(r"\bFROM timer\b", statement) and statement.lstrip().upper().startswith(
                "SELECT"):
            # The claim with a skip list of k instances is one statement per k: keep the first (k = 1).
            key = _PLACEHOLDER_LIST.sub("(…)", " ".join(statement.split()))
            if key not in self.seen:
                self.seen[key] = (key, " ".join(statement.split()), dict(parameters or {}))


def explain(orch: Orchestrator, statements: dict[str, tuple[str, str, dict]]) -> list[str]:
    out = []
    for shown, sql, params in statements.values():
        # The pass's `now` becomes the current time; other parameters (a keyset cursor, say) stay as captured.
        params = {k: (utcnow() if k == "now" else v) for k, v in params.items()}
        with orch.db.engine.connect() as conn:
            trans = conn.begin()
            try:
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params).scalars().all()
            finally:
                trans.rollback()
        out.append("  " + shown)
        out.extend("      " + _clip(line) for line in plan)
    return out


def due_soon_batch(orch: Orchestrator, creator: Orchestrator, actor, k: int) -> dt.datetime:
    """Start ``k`` instances due ~1 s from now (the creator's clock is capped below that); return the due time."""
    due = utcnow() + dt.timedelta(seconds=1.0)
    creator.clock.cap = due - dt.timedelta(milliseconds=50)
    start_instances(creator, actor, [due + dt.timedelta(microseconds=i) for i in range(k)])
    return due + dt.timedelta(microseconds=k)


def wait_until(when: dt.datetime) -> None:
    delay = (when - utcnow()).total_seconds()
    if delay > 0:
        time.sleep(delay)


def run_pass_cost(orch: Orchestrator, user_id: int, sizes: list[int], empty_runs: int, warmup: int,
                  due_runs: int, due_k: int) -> list[dict]:
    actor = orch.actor(user_id)
    creator = Orchestrator(orch.db, CappedClock(utcnow()))
    creator.cache = orch.cache
    capture = StatementCapture(orch.db.engine)
    template = None
    results = []
    for size in sizes:
        have = waiting_not_due(orch)
        clone_s = 0.0
        if have < size:
            template, clone_s = clone_waiting(orch, actor, template, size - have)
        with orch.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE timer")
            conn.exec_driver_sql("ANALYZE process_instance")
        waiting = waiting_not_due(orch)
        with orch.db.read() as conn:
            total_rows = conn.execute(select(func.count()).select_from(timer)).scalar_one()
            table_mb = conn.execute(text("SELECT pg_total_relation_size('timer') / 1048576.0")).scalar_one()
            index_mb = conn.execute(text("SELECT pg_relation_size('ix_timer_due') / 1048576.0")).scalar_one()
        for _ in range(warmup):
            if orch.fire_due_timers():
                raise BenchError("an empty pass fired something")
        empty = []
        capture.seen = {}
        for i in range(empty_runs):
            capture.active = i == 0
            t0 = time.perf_counter()
            fired = orch.fire_due_timers()
            empty.append((time.perf_counter() - t0) * 1000)
            capture.active = False
            if fired:
                raise BenchError("an empty pass fired something")
        plan_empty = explain(orch, capture.seen)
        with_due = []
        plan_due: list[str] = []
        capture.seen = {}
        for rep in range(due_runs):
            ready = due_soon_batch(orch, creator, actor, due_k)
            wait_until(ready + dt.timedelta(milliseconds=20))
            if rep == 1:
                plan_due = explain(orch, capture.seen)
            capture.active = rep == 0
            t0 = time.perf_counter()
            fired = orch.fire_due_timers()
            with_due.append((time.perf_counter() - t0) * 1000)
            capture.active = False
            if len(fired) != due_k:
                raise BenchError(f"a pass with {due_k} due fired {len(fired)}")
        results.append({"size": size, "waiting": waiting, "total_rows": total_rows, "clone_s": clone_s,
                        "empty": empty, "with_due": with_due, "plan_empty": plan_empty, "plan_due": plan_due,
                        "table_mb": table_mb, "index_mb": index_mb})
    return results


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def print_pass_cost(results: list[dict], due_k: int) -> None:
    print("Part 2 — cost of one Orchestrator.fire_due_timers() pass (in this process, SystemClock) vs waiting-not-due")
    print(f"{'waiting not due':>16}{'timer rows':>12}{'timer MB':>10}{'ix MB':>8}"
          f"{'empty pass ms: med':>20}{'min':>7}{'p90':>7}{f'{due_k} due: pass ms':>19}{'min':>7}{'ms/timer':>10}")
    for r in results:
        e = sorted(r["empty"])
        d = sorted(r["with_due"])
        print(f"{r['waiting']:>16,}{r['total_rows']:>12,}{r['table_mb']:>10.1f}{r['index_mb']:>8.2f}"
              f"{median(e):>20.3f}{e[0]:>7.3f}{percentile(e, 90):>7.3f}{median(d):>19.1f}{d[0]:>7.1f}{median(d) / due_k:>10.2f}")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        print(f"ratio {size_label(b['size'])}/{size_label(a['size'])}: empty pass "
              f"{median(b['empty']) / median(a['empty']):.2f}, pass with {due_k} due "
              f"{median(b['with_due']) / median(a['with_due']):.2f} (waiting rows ×{b['waiting'] / a['waiting']:.1f})")
    print(f"(empty: {len(results[0]['empty'])} timed passes with nothing due; with due: {len(results[0]['with_due'])} "
          f"passes, each right after {due_k} instances started with report_signal came due; clone time: "
          + ", ".join(f"{size_label(r['size'])} {r['clone_s']:.1f} s" for r in results) + ")")
    last = results[-1]
    for label, plan in (("nothing due", last["plan_empty"]), (f"{due_k} due", last["plan_due"])):
        if plan:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the statements on timer a pass ran, {last['waiting']:,} waiting "
                  f"not due, {label} (in a rolled-back transaction):")
            print("\n".join(plan))
    print()


# --- profile ------------------------------------------------------------------------------------

def profile_pass(orch: Orchestrator, user_id: int, k: int, top: int) -> None:
    actor = orch.actor(user_id)
    creator = Orchestrator(orch.db, CappedClock(utcnow()))
    creator.cache = orch.cache
    sql = {"ms": 0.0, "n": 0, "t0": 0.0}

    def before(*_a):
        sql["t0"] = time.perf_counter()

    def after(*_a):
        sql["ms"] += (time.perf_counter() - sql["t0"]) * 1000
        sql["n"] += 1

    commits = {"ms": 0.0, "n": 0}
    dialect = orch.db.engine.dialect
    plain_commit = dialect.do_commit

    def timed_commit(dbapi_connection):
        c0 = time.perf_counter()
        try:
            plain_commit(dbapi_connection)
        finally:
            commits["ms"] += (time.perf_counter() - c0) * 1000
            commits["n"] += 1

    ready = due_soon_batch(orch, creator, actor, k)
    wait_until(ready + dt.timedelta(milliseconds=20))
    event.listen(orch.db.engine, "before_cursor_execute", before)
    event.listen(orch.db.engine, "after_cursor_execute", after)
    dialect.do_commit = timed_commit
    try:
        t0 = time.perf_counter()
        fired = orch.fire_due_timers()
        wall = (time.perf_counter() - t0) * 1000
    finally:
        del dialect.do_commit
        event.remove(orch.db.engine, "before_cursor_execute", before)
        event.remove(orch.db.engine, "after_cursor_execute", after)
    k = max(1, len(fired))
    rest = wall - sql["ms"] - commits["ms"]
    print(f"Profile: one pass over {len(fired)} due timers in this process, no profiler, per timer: {wall / k:.2f} ms "
          f"wall = {sql['ms'] / k:.2f} ms in cursor.execute ({sql['n'] / k:.1f} statements: round trip + server) "
          f"+ {commits['ms'] / k:.2f} ms in COMMIT ({commits['n'] / k:.1f} per timer; WAL flush) "
          f"+ {rest / k:.2f} ms other (Python: SpiffWorkflow restore/run/serialise, SQLAlchemy, projections)")

    ready = due_soon_batch(orch, creator, actor, k)
    wait_until(ready + dt.timedelta(milliseconds=20))
    prof = cProfile.Profile()
    prof.enable()
    fired = orch.fire_due_timers()
    prof.disable()
    print_profile_stats(prof, max(1, len(fired)), top, "a pass over the due timers", unit="timer")
    print()


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
