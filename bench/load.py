"""Benchmark: the production layout under load — 2 gunicorn web processes and 2 workers on one
PostgreSQL, 100 virtual users walking the whole route through the REST API, timers firing.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, trust auth, user postgres)::

    .venv/bin/python bench/load.py             # 100 virtual users for 5 minutes
    .venv/bin/python bench/load.py --quick     # 20 virtual users for 40 s
    .venv/bin/python bench/load.py --users 50 --seconds 120

``--pg-url`` (or ``BENCH_PG_URL``) points at another server; the bench creates a fresh
database ``signaalroute_bench_load_<pid>`` there and always drops it at the end (``--keep``
keeps it).

Setup, with the project's own commands: ``signaalroute init`` (migrations, the default
process), ``signaalroute deploy bench/data/route-kort`` (the default route with deadlines
of 2 s, the regie's 10 s, and a follow-up every 3 s, so escalations and follow-up tasks
fire during the run), users with API tokens via ``signaalroute user add … --token``
(``load-gemeente-N``: melder, analist, aandachtsfunctionaris in Nijmegen; ``load-regio-N``:
zvh, riec, zorgcoordinator regionally), then ``signaalroute serve --workers 2`` and two
``signaalroute worker --interval 1`` processes.

A virtual user (a thread with its own keep-alive ``requests`` session) repeats: report a
signal (``POST /signals``, process ``route-kort``), and until it is finished: list its
role's tasks (``GET /tasks``), read the signal (``GET /signals/{id}``) for its open
tasks, think (exponential, mean 1.5 s, at most 8 s — so some steps pass their deadline
and escalate, and a long regie gets follow-up tasks), claim and complete the oldest open
task (``POST /tasks/{id}/claim``, ``…/complete``). A 409 (a timer moved the instance
first) is counted as a conflict and the user reads the signal again. Latency is the wall
time of one request; errors are 5xx answers, connection failures and any other answer
the route does not expect.

At the end the virtual users stop (their signals stay where they are), the workers stop
with SIGTERM (a pass finishes first), the web server stops, and :mod:`engine.runtime.invariants`
checks the whole database: every signal waits at exactly the steps its workflow is at (or
is finished), no task completed twice, no timer fired twice. The load average is sampled
every second while the users run.

The last line printed is always::

    RESULT ops_per_s=<requests/s> p99_ms=<all requests> errors=<count> invariant_violations=<count>
           users=<n> seconds=<n> load=<highest 1-minute load average>
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests
from _common import percentile
from _server import ROOT, BenchError, ServerProcess, run_cli, run_main, signaalroute_cli

sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from engine.definitions.definitions import DefinitionCache  # noqa: E402
from engine.runtime.invariants import check_invariants  # noqa: E402
from engine.store.db import Database, make_engine, normalise_url  # noqa: E402

PROCESS_DIR = ROOT / "bench" / "data" / "route-kort"
INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon; niemand heeft "
          "een eigen identiteitsbewijs.", "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee",
          "acute_nood": False, "indicatoren": ["woont_op_werkplek", "geen_eigen_identiteitsbewijs"]}
STEP_DATA = {
    "task_verrijken": {"vermoeden_versterkt": True, "adresgegevens": "BRP: zes ingeschrevenen"},
    "task_regie_zvh": {"regie_opgepakt": True, "behandelaar": "Procesregisseur", "covenant": "zvh"},
    "task_regie_zorg": {"regie_opgepakt": True, "behandelaar": "Zorgcoördinator", "covenant": "geen"},
    "task_regie_riec": {"regie_opgepakt": True, "behandelaar": "RIEC", "covenant": "riec"},
    "task_terugkoppeling": {"voortgang": "Loopt volgens plan."},
}
ROUTES = [  # 'Afstemmen en beoordelen': the decision table routes to zvh, zorgcoordinator or riec
    {"voldoende_aanleiding": True, "zorg_nodig": True, "strafrechtelijk_traject": s, "ondermijnende_criminaliteit": o,
     "geraadpleegde_ketenpartners": ["avim"]}
    for s, o in ((True, False), (False, False), (False, True))
]
GEMEENTE_ROLES = ["melder", "analist", "aandachtsfunctionaris"]
REGIO_ROLES = ["zvh", "riec", "zorgcoordinator"]
OPS = ("start", "tasks", "signal", "claim", "complete")
THINK_MEAN, THINK_MAX = 1.5, 8.0


class VirtualUser(threading.Thread):
    def __init__(self, index: int, base: str, tokens: dict[str, str], stop: threading.Event):
        super().__init__(daemon=True, name=f"vu-{index}")
        self.base, self.stop_event, self.rng = base, stop, random.Random(index)
        self.session = requests.Session()
        self.session.trust_env = False
        self.headers = {kind: {"Authorization": f"Bearer {token}"} for kind, token in tokens.items()}
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []
        self.conflicts = self.signals = self.finished = self.status_5xx = 0

    def call(self, op: str, method: str, path: str, who: str, body: dict | None = None,
             expect: tuple[int, ...] = (200,)) -> tuple[int, dict | None]:
        t0 = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, headers=self.headers[who], json=body, timeout=60)
        except requests.RequestException as exc:
            self.errors[f"{op}: {type(exc).__name__}"] += 1
            return 0, None
        self.times[op].append((time.perf_counter() - t0) * 1000.0)
        if response.status_code >= 500:
            self.status_5xx += 1
        if response.status_code == 409:
            self.conflicts += 1
        elif response.status_code not in expect:
            self.errors[f"{op}: HTTP {response.status_code}"] += 1
            if len(self.error_samples) < 3:
                self.error_samples.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.status_code, (response.json() if response.content else None)

    def think(self) -> None:
        self.stop_event.wait(min(self.rng.expovariate(1 / THINK_MEAN), THINK_MAX))

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                status, started = self.call("start", "POST", "/signals", "gemeente",
                                            {"proces": "route-kort", "data": INTAKE}, expect=(201,))
                if status != 201:
                    self.stop_event.wait(1)
                    continue
                self.signals += 1
                self.walk(started["id"], self.rng.choice(ROUTES))
        finally:
            self.session.close()

    def walk(self, signal_id: int, route: dict) -> None:
        while not self.stop_event.is_set():
            self.call("tasks", "GET", "/tasks?limit=20", "gemeente")
            taken = []
            for who in ("gemeente", "regio"):  # the municipality's steps, then the regie party's
                status, view = self.call("signal", "GET", f"/signals/{signal_id}", who)
                if status != 200:
                    break
                if view.get("status") == "afgerond":
                    self.finished += 1
                    return
                taken = sorted(view.get("taken") or [], key=lambda t: t["id"])
                if taken:
                    break
            if not taken:
                self.stop_event.wait(0.5)  # running, nothing open for people: a timer is about to act
                continue
            task = taken[0]
            who = "regio" if task.get("rol") in REGIO_ROLES else "gemeente"
            data = STEP_DATA.get(task["bpmn_id"]) or route
            self.think()
            if self.stop_event.is_set():
                return
            status, _ = self.call("claim", "POST", f"/tasks/{task['id']}/claim", who)
            if status == 200:
                self.call("complete", "POST", f"/tasks/{task['id']}/complete", who, {"data": data})


def add_user(env: dict, name: str, roles: list[str], gemeente: str | None) -> str:
    args = ["user", "add", name, *[a for r in roles for a in ("--role", r)]]
    if gemeente:
        args += ["--gemeente", gemeente]
    lines = run_cli(env, *args, "--token").splitlines()
    if len(lines) != 1:
        raise BenchError(f"user add {name}: expected one line (the token), got {lines!r}")
    return lines[0].strip()


def count_rows(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            one = lambda sql: conn.execute(text(sql)).scalar_one()  # noqa: E731
            return {
                "signals": one("SELECT count(*) FROM signal"),
                "finished": one("SELECT count(*) FROM signal WHERE status = 'afgerond'"),
                "completions": one("SELECT count(*) FROM audit_event WHERE actie = 'taak_voltooid'"),
                "firings": one("SELECT count(*) FROM audit_event WHERE actie = 'timer_afgevuurd'"),
                "escalated": one("SELECT count(*) FROM human_task WHERE escalated_at IS NOT NULL"),
                "followups": one("SELECT count(*) FROM human_task WHERE bpmn_id = 'task_terugkoppeling'"),
                "due_unfired": one("SELECT count(*) FROM timer WHERE status = 'wachtend' AND due_at < now()"),
            }
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 users for 40 s")
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the database and the temp dir")
    args = parser.parse_args()
    n_users = args.users or (20 if args.quick else 100)
    seconds = args.seconds or (40 if args.quick else 300)

    name = f"signaalroute_bench_load_{os.getpid()}"
    admin = create_engine(normalise_url(args.pg_url), isolation_level="AUTOCOMMIT")
    url = make_url(normalise_url(args.pg_url)).set(database=name).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1",
           "DB_POOL_SIZE": os.environ.get("DB_POOL_SIZE", "10"),
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48)}  # serve starts only with one
    server = ServerProcess(["serve", "--workers", "2", "--threads", "8"], env, workdir)
    workers: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run_cli(env, "init")
        run_cli(env, "deploy", str(PROCESS_DIR), "--opmerking", "bench/load.py")
        tokens = {"gemeente": add_user(env, "load-gemeente", GEMEENTE_ROLES, "Nijmegen"),
                  "regio": add_user(env, "load-regio", REGIO_ROLES, None)}
        server.start()
        for i in range(2):
            log = open(workdir / f"worker-{i}.log", "ab")  # noqa: SIM115 - the child's output
            workers.append(subprocess.Popen([str(signaalroute_cli()), "worker", "--interval", "1"], env=env, cwd=ROOT,
                                            stdout=log, stderr=subprocess.STDOUT))
            log.close()
        print(f"{n_users} virtual users for {seconds:.0f} s against signaalroute serve --workers 2 "
              f"(port {server.port}) and 2 workers on {make_url(url).render_as_string()}", flush=True)

        stop = threading.Event()
        users = [VirtualUser(i, server.api_base, tokens, stop) for i in range(n_users)]
        loads: list[float] = []
        t0 = time.perf_counter()
        for vu in users:
            vu.start()
            time.sleep(min(2.0 / n_users, 0.05))  # ramp up over ~2 s
        while time.perf_counter() - t0 < seconds:
            time.sleep(1)
            loads.append(os.getloadavg()[0])
            if not server.running() or any(w.poll() is not None for w in workers):
                raise BenchError(f"a server or worker process died; server log:\n{server.log_tail()}")
        stop.set()
        for vu in users:
            vu.join(timeout=90)
        wall = time.perf_counter() - t0
        for w in workers:
            w.send_signal(signal.SIGTERM)
        worker_codes = [w.wait(timeout=120) for w in workers]
        server.stop()

        rows = count_rows(url)
        database = Database(make_engine(url, pool_size=1))
        try:
            violations = check_invariants(database, DefinitionCache())
        finally:
            database.dispose()
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        server.stop()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        admin.dispose()

    report(users, wall, rows, violations, worker_codes, loads, seconds)


def report(users, wall, rows, violations, worker_codes, loads, seconds: float) -> None:
    times = {op: [x for vu in users for x in vu.times[op]] for op in OPS}
    everything = [x for xs in times.values() for x in xs]
    errors = Counter()
    for vu in users:
        errors.update(vu.errors)
    n_errors = sum(errors.values())
    status_5xx = sum(vu.status_5xx for vu in users)
    print(f"\n{'operation':34}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    labels = {"start": "start    POST /signals", "tasks": "tasks    GET /tasks", "signal": "signal   GET /signals/{id}",
              "claim": "claim    POST /tasks/{id}/claim", "complete": "complete POST /tasks/{id}/complete"}
    for op in (*OPS, "all"):
        xs = everything if op == "all" else times[op]
        label = "all requests" if op == "all" else labels[op]
        print(f"{label:34}{len(xs):8}{len(xs) / wall:8.1f}{percentile(xs, 50):9.1f}{percentile(xs, 95):9.1f}"
              f"{percentile(xs, 99):9.1f}{(max(xs) if xs else float('nan')):9.1f}")
    print(f"\n{len(users)} users, {wall:.0f} s: {sum(vu.signals for vu in users)} signals reported, "
          f"{sum(vu.finished for vu in users)} walked to the end; 409 conflicts (a timer moved first) "
          f"{sum(vu.conflicts for vu in users)}")
    print("database: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
    print(f"5xx answers {status_5xx}; errors {n_errors}" + (": " + ", ".join(f"{k} ×{v}" for k, v in errors.items())
                                                          if errors else ""))
    for vu in users:
        for sample in vu.error_samples[:1]:
            print(f"  e.g. {sample}")
    print(f"workers stopped with exit codes {worker_codes}")
    if loads:
        print(f"load average (1 min) during the run: mean {statistics.mean(loads):.1f}, max {max(loads):.1f} "
              f"on {os.cpu_count()} cores")
    print(f"invariant violations: {len(violations)}")
    for line in violations[:20]:
        print(f"  {line}")
    print(f"RESULT ops_per_s={len(everything) / wall:.1f} p99_ms={percentile(everything, 99):.1f} "
          f"errors={n_errors} invariant_violations={len(violations)} users={len(users)} seconds={seconds:.0f} "
          f"load={max(loads) if loads else os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    run_main(main, "bench/load.py")
