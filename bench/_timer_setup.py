"""bench/timers.py's set-up: the database, the instances with their timers, the worker processes and CPU readings."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal as signals
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/engine.py would shadow the engine package: the repository root goes first.
sys.path.insert(0, str(ROOT))

from _server import BenchError, signaalroute_cli  # noqa: E402 - bench/ is on sys.path as the script's folder
from sqlalchemy import create_engine, text  # noqa: E402

from engine.clock import SystemClock  # noqa: E402
from engine.people.users import add_user  # noqa: E402
from engine.service.orchestrator import Orchestrator  # noqa: E402
from engine.store.db import Database, make_engine  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402

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
