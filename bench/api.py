"""Benchmark: the default route through the real HTTP API (waitress + SQLite), 1 and 4 clients.

Run from the repository root::

    .venv/bin/python bench/api.py             # 200 routes with 1 client, 200 with 4 clients, 200 at 1,000 open tasks
    .venv/bin/python bench/api.py --quick     # 30 + 40 + 30 routes, about a minute
    .venv/bin/python bench/api.py --sqlite-sync full   # the same with an fsync per commit
    .venv/bin/python bench/api.py --profile   # also cProfile the server side in-process

Setup, all with the project's own commands and a fresh database:

* a temp dir with ``DATABASE_URL=sqlite:////tmp/…/bench.db``;
* ``.venv/bin/signaalroute init`` (migrations + deploy of ``processes/``, no demo data);
* users with API tokens via ``signaalroute user add NAME --role R … --token``:
  ``bench-gemeente`` (melder + analist + aandachtsfunctionaris in Nijmegen) and
  ``bench-regio`` (zvh + riec + zorgcoordinator, regional, no ``--gemeente``);
* the real server as a subprocess: ``signaalroute run --port <free port>`` (waitress,
  its default 8 threads), ready when ``GET /api/v1/health`` answers 200. It is always
  stopped at the end (also on an error or Ctrl-C) and the temp dir removed (``--keep``
  keeps it).

One route, as an integrating client walks it (process ``signaal-naar-casus``)::

    POST /api/v1/signals                      (bench-gemeente)      → "start"
    GET  /api/v1/tasks?stap=task_verrijken&limit=20 (bench-gemeente) → "tasks"
    GET  /api/v1/signals/{id}  → the open task in ``taken``          → "signal"
    POST /api/v1/tasks/{id}/complete  vermoeden_versterkt=true        → "complete"
    GET  /api/v1/signals/{id}                                         → "signal"
    POST /api/v1/tasks/{id}/complete  voldoende_aanleiding=true,
                                      strafrechtelijk_traject=true    → "complete"
    GET  /api/v1/signals/{id}  (bench-regio; DMN routed to zvh)       → "signal"
    POST /api/v1/tasks/{id}/complete  regie_opgepakt=true (bench-regio) → "complete"

The last response must say ``signaal_status=afgerond``, ``route=zorg_en_strafrecht``;
every status code is checked. ``--claim`` adds ``POST …/claim`` before each complete
("claim"; not part of the default route).

Latency of one operation = wall time of one ``requests`` call on a keep-alive
``requests.Session`` (request sent, full response body received; JSON is parsed
outside the timer). No response is cached or reused; every request goes over
loopback to the server. Each client thread has its own session (one connection).
``trust_env`` is off so ``requests`` does not look up proxy settings per request.

Method: a warm-up (10 routes with 1 client, 2 per client with 4; 5/1 with --quick) is
not counted. Then N routes with one client, then N routes shared by 4 threads that
start together on a barrier. routes/s = routes completed / wall time of the run
(from the barrier to the last thread done). Medians and p95 are over all single
requests of that operation in that run.

Then the analist's municipality gets a realistic inbox: the same client reports 1,000
signals (``--open-tasks``) that stay at their first task ("Signaal verrijken", for the
analist in Nijmegen), and the N routes with one client run again ("1 client, 1,000 open").
Side-by-side figures against the peer come from ``bench/peer.py``, not from here.

``--sqlite-sync full`` runs the server with ``SQLITE_SYNCHRONOUS=FULL`` (an fsync per
commit) instead of the default ``NORMAL``.

``--profile`` (after the HTTP runs, server stopped, same database): builds the Flask
app in-process (``web.create_app``) and walks the same route with Flask's test client
— no socket, no waitress — first timed without a profiler (in-process latency per
operation, so HTTP + waitress overhead = HTTP median − in-process median), then under
``cProfile``, one profiler per operation, and prints the top functions per operation
in ms per request.

The last line printed is always::

    RESULT start_ms=<median 1 client> tasks_ms=<…> complete_ms=<…> tasks_open_ms=<1 client, 1,000 open>
           routes_per_s=<4 clients> tasks_open=<n> sqlite_sync=normal|full routes=<n> load=<1-min load at the end>

(one line): the size and durability are always named, so a ``--quick`` figure cannot be read as a full one.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from _common import median, percentile, print_profile_stats
from _server import ROOT, BenchError, ServerProcess, run_cli, run_main

OPS = ("start", "tasks", "complete", "signal", "claim", "health")
OP_LABELS = {
    "start": "start    POST /signals",
    "tasks": "tasks    GET /tasks",
    "complete": "complete POST /tasks/{id}/complete",
    "signal": "signal   GET /signals/{id}",
    "claim": "claim    POST /tasks/{id}/claim",
    "health": "health   GET /health (floor)",
}

GEMEENTE = "Nijmegen"
INTAKE = {
    "gemeente": GEMEENTE,
    "omschrijving": "Bij een controle in een nagelsalon sliepen vier medewerkers achter in de zaak; "
                    "niemand had een eigen identiteitsbewijs.",
    "uitbuitingsvormen": ["arbeid"],
    "minderjarige": "nee",
    "sector": "overig",
    "indicatoren": ["geen_eigen_identiteitsbewijs", "woont_op_werkplek"],
    "locatie": "Molenstraat, Nijmegen",
}
VERRIJKEN = {"vermoeden_versterkt": True, "adresgegevens": "BRP: 6 personen ingeschreven"}
BEOORDELEN = {"voldoende_aanleiding": True, "strafrechtelijk_traject": True, "zorg_nodig": True,
              "geraadpleegde_ketenpartners": ["avim", "nla"]}
REGIE = {"regie_opgepakt": True, "resultaat": "hulp_gestart", "behandelaar": "Procesregisseur ZVH", "covenant": "zvh"}

USERS = {
    # name: (roles, gemeente)
    "bench-gemeente": (["melder", "analist", "aandachtsfunctionaris"], GEMEENTE),
    "bench-regio": (["zvh", "riec", "zorgcoordinator"], None),
}


# --- setup: CLI and server ------------------------------------------------------------------

def add_user(env: dict, name: str, roles: list[str], gemeente: str | None) -> str:
    args = ["user", "add", name]
    for rol in roles:
        args += ["--role", rol]
    if gemeente:
        args += ["--gemeente", gemeente]
    lines = run_cli(env, *args, "--token", timeout=120).splitlines()
    if len(lines) != 1 or not lines[0].strip():
        raise BenchError(f"user add {name} --token: verwachtte één regel (het token) op stdout, kreeg {lines!r}")
    return lines[0].strip()


# --- the client -----------------------------------------------------------------------------

class Client:
    """One integrating client: its own keep-alive session, latencies per operation."""

    def __init__(self, base: str, tokens: dict[str, str], claim: bool = False):
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False
        self.headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        self.headers[None] = {}
        self.claim = claim
        self.times: dict[str, list[float]] = {op: [] for op in OPS}

    def close(self) -> None:
        self.session.close()

    def reset(self) -> None:
        self.times = {op: [] for op in OPS}

    def call(self, op: str, method: str, path: str, who: str, body: dict | None = None, expect: int = 200) -> dict:
        t0 = time.perf_counter()
        response = self.session.request(method, self.base + path, headers=self.headers[who], json=body)
        elapsed = time.perf_counter() - t0  # requests has read the whole body by now
        self.times[op].append(elapsed * 1000.0)
        if response.status_code != expect:
            raise BenchError(f"{method} {path} als {who}: {response.status_code} (verwacht {expect}): "
                             f"{response.text[:500]}")
        return response.json()

    def open_task(self, signal_id: int, bpmn_id: str, who: str) -> int:
        view = self.call("signal", "GET", f"/signals/{signal_id}", who)
        ids = [t["id"] for t in view.get("taken", []) if t["bpmn_id"] == bpmn_id]
        if len(ids) != 1:
            raise BenchError(f"signaal {signal_id}: verwachtte één open taak {bpmn_id}, zag {view.get('taken')}")
        return ids[0]

    def complete(self, task_id: int, data: dict, who: str) -> dict:
        if self.claim:
            self.call("claim", "POST", f"/tasks/{task_id}/claim", who)
        return self.call("complete", "POST", f"/tasks/{task_id}/complete", who, {"data": data})

    def route(self) -> None:
        started = self.call("start", "POST", "/signals", "bench-gemeente", INTAKE, expect=201)
        signal_id = started["id"]
        inbox = self.call("tasks", "GET", "/tasks?stap=task_verrijken&limit=20", "bench-gemeente")
        if not isinstance(inbox.get("taken"), list) or not inbox["taken"]:
            raise BenchError(f"GET /tasks gaf geen taken terwijl er een open verrijktaak is: {inbox}")

        task_id = self.open_task(signal_id, "task_verrijken", "bench-gemeente")
        self.complete(task_id, VERRIJKEN, "bench-gemeente")
        task_id = self.open_task(signal_id, "task_beoordelen", "bench-gemeente")
        result = self.complete(task_id, BEOORDELEN, "bench-gemeente")
        if result.get("route") != "zorg_en_strafrecht":
            raise BenchError(f"signaal {signal_id}: verwachtte route zorg_en_strafrecht, kreeg {result}")
        task_id = self.open_task(signal_id, "task_regie_zvh", "bench-regio")
        result = self.complete(task_id, REGIE, "bench-regio")
        if result.get("signaal_status") != "afgerond":
            raise BenchError(f"signaal {signal_id}: niet afgerond na de regietaak: {result}")


def transport_floor(base: str, n: int) -> list[float]:
    """``GET /health`` (no token, one ``SELECT 1``): what HTTP + waitress + Flask cost at the least."""
    client = Client(base, {})
    try:
        for _ in range(20):
            client.call("health", "GET", "/health", None)
        client.reset()
        for _ in range(n):
            client.call("health", "GET", "/health", None)
        return client.times["health"]
    finally:
        client.close()


def fill_inbox(base: str, tokens: dict, n: int) -> float:
    """Report ``n`` signals as the same client would; each stays at the analist's first task. Seconds taken."""
    client = Client(base, tokens)
    t0 = time.perf_counter()
    try:
        for _ in range(n):
            client.call("start", "POST", "/signals", "bench-gemeente", INTAKE, expect=201)
    finally:
        client.close()
    return time.perf_counter() - t0


def run_clients(base: str, tokens: dict, n_clients: int, routes: int, warmup_per_client: int,
                claim: bool) -> tuple[dict[str, list[float]], float, int]:
    """``routes`` routes spread over ``n_clients`` threads; returns latencies, wall seconds, routes done."""
    clients = [Client(base, tokens, claim) for _ in range(n_clients)]
    shares = [routes // n_clients + (1 if i < routes % n_clients else 0) for i in range(n_clients)]
    barrier = threading.Barrier(n_clients + 1)
    errors: list[BaseException] = []
    done = [0] * n_clients

    def work(i: int) -> None:
        client = clients[i]
        try:
            for _ in range(warmup_per_client):
                client.route()
            client.reset()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        try:
            for _ in range(shares[i]):
                client.route()
                done[i] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(n_clients)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()
    if errors:
        raise errors[0]
    merged = {op: [x for c in clients for x in c.times[op]] for op in OPS}
    return merged, wall, sum(done)


# --- statistics and output ------------------------------------------------------------------

def print_report(runs: list[tuple[str, dict, float, int]], claim: bool) -> None:
    ops = [op for op in OPS if any(r[1].get(op) for r in runs)]
    head = f"{'operation':36}" + "".join(f"{name + ' med':>26}{'p95':>9}" for name, *_ in runs)
    print(head)
    print("-" * len(head))
    single = runs[0][1]
    for op in ops:
        line = f"{OP_LABELS[op]:36}"
        for _, times, _, _ in runs:
            xs = times.get(op) or []
            line += f"{median(xs):26.2f}{percentile(xs, 95):9.2f}" if xs else f"{'-':>26}{'-':>9}"
        print(line)
    print("(requests measured with 1 client: " + ", ".join(f"{op}={len(single[op])}" for op in ops) + "; "
          "health = GET /health without token, the HTTP + waitress + Flask floor)")
    quarter = {op: len(single[op]) // 4 for op in ("start", "tasks", "complete", "signal")}
    print("drift with 1 client (median of first vs last quarter of the run, as the tables grow): " + ", ".join(
        f"{op} {median(single[op][:q]):.2f}→{median(single[op][-q:]):.2f}" for op, q in quarter.items() if q))
    print()
    for name, _times, wall, done in runs:
        per_route = wall / done * 1000 if done else float("nan")
        print(f"{name:>22}: {done} routes in {wall:.2f} s = {done / wall:8.2f} routes/s "
              f"({per_route:.2f} ms wall per route{', with claim' if claim else ''})")


# --- in-process profile ---------------------------------------------------------------------

class InProcessClient(Client):
    """The same route through Flask's test client: no socket, no waitress."""

    def __init__(self, test_client, tokens: dict[str, str]):
        self.test_client = test_client
        self.headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        self.claim = False
        self.times = {op: [] for op in OPS}
        self.profilers: dict[str, cProfile.Profile] | None = None
        self.counts = {op: 0 for op in OPS}
        self.on_op = None

    def call(self, op: str, method: str, path: str, who: str, body: dict | None = None, expect: int = 200) -> dict:
        profiler = self.profilers.get(op) if self.profilers is not None else None
        if self.on_op is not None:
            self.on_op(op)
        t0 = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        response = self.test_client.open("/api/v1" + path, method=method, headers=self.headers[who], json=body)
        data = response.get_data()
        if profiler is not None:
            profiler.disable()
        self.times[op].append((time.perf_counter() - t0) * 1000.0)
        if self.on_op is not None:
            self.on_op(None)
        self.counts[op] += 1
        if response.status_code != expect:
            raise BenchError(f"(in-process) {method} {path}: {response.status_code}: {data[:500]!r}")
        return response.get_json()



class Attribution:
    """Low-overhead timers (no profiler) around the orchestrator's methods and the DBAPI.

    Per operation it sums: the token lookup (``Orchestrator.signin.token_holder``), the one
    engine call the handler makes, the time inside the sqlite3 cursor (``execute`` of
    every statement, via SQLAlchemy's cursor events) and the statement count. What the
    request costs beyond that is Flask/Werkzeug routing, JSON (de)serialisation and the
    handler's own code.
    """

    ENGINE_CALLS = ("signin.token_holder", "report_signal", "inbox", "complete_task", "signal", "claim", "task",
                    "gemeente_id")

    def __init__(self, orch, engine):
        self.op: str | None = None
        self.sums: dict[tuple[str, str], float] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self._local = threading.local()
        for name in self.ENGINE_CALLS:
            owner, _, attr = name.rpartition(".")
            target = getattr(orch, owner) if owner else orch  # a desk's method: wrapped on the desk
            setattr(target, attr, self._wrap(name, getattr(target, attr)))
        from sqlalchemy import event

        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit_before)

    def add(self, key: str, ms: float, n: int = 1) -> None:
        if self.op is None:
            return
        k = (self.op, key)
        self.sums[k] = self.sums.get(k, 0.0) + ms
        self.counts[k] = self.counts.get(k, 0) + n

    def _wrap(self, name, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add("orch." + name, (time.perf_counter() - t0) * 1000.0)
        return timed

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._local.t0 = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.add("sql", (time.perf_counter() - self._local.t0) * 1000.0)
        verb = statement.lstrip().split(None, 1)[0].upper()
        self.add("sql." + verb, 0.0)

    def _commit_before(self, conn):
        self.add("commits", 0.0)


def profile_in_process(db_url: str, tokens: dict, http_single: dict, routes: int, top: int) -> None:
    sys.path.insert(0, str(ROOT))
    from web import create_app

    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": secrets.token_urlsafe(48)})
    orch = app.extensions["signaalroute"]
    client = InProcessClient(app.test_client(), tokens)
    for _ in range(5):
        client.route()
    client.reset()
    for _ in range(routes):
        client.route()
    print(f"\nIn-process (Flask test client, no socket/waitress/requests), {routes} routes, medians ms:")
    print(f"{'operation':36}{'in-proc':>10}{'HTTP 1cl':>10}{'HTTP+waitress+client':>22}")
    for op in ("start", "tasks", "complete", "signal"):
        inproc, http = median(client.times[op]), median(http_single[op])
        print(f"{OP_LABELS[op]:36}{inproc:10.2f}{http:10.2f}{http - inproc:22.2f}")

    # Where the in-process time goes, without a profiler (mean ms per request).
    attribution = Attribution(orch, orch.db.engine)
    client.times = {op: [] for op in OPS}
    client.on_op = lambda op: setattr(attribution, "op", op)
    for _ in range(routes):
        client.route()
    attribution.op = None
    print("\nIn-process breakdown, no profiler (mean ms per request; statements and commits per request):")
    print(f"{'operation':10}{'total':>8}{'token':>8}{'engine':>8}{'rest':>8}{'in sqlite':>11}"
          f"{'stmts':>7}{'txns':>9}  engine call / statements")
    for op in ("start", "tasks", "complete", "signal"):
        n = len(client.times[op])
        if not n:
            continue
        total = sum(client.times[op]) / n
        token = attribution.sums.get((op, "orch.signin.token_holder"), 0.0) / n
        engine_calls = {k[1]: v / n for k, v in attribution.sums.items()
                        if k[0] == op and k[1].startswith("orch.") and k[1] != "orch.signin.token_holder"}
        engine_ms = sum(engine_calls.values())
        sql_ms = attribution.sums.get((op, "sql"), 0.0) / n
        stmts = attribution.counts.get((op, "sql"), 0) / n
        commits = attribution.counts.get((op, "commits"), 0) / n
        verbs = ", ".join(f"{k[1][4:]} {c / n:.1f}" for k, c in sorted(attribution.counts.items())
                          if k[0] == op and k[1].startswith("sql."))
        calls = ", ".join(f"{k[5:]} {v:.2f}" for k, v in engine_calls.items())
        print(f"{op:10}{total:8.2f}{token:8.2f}{engine_ms:8.2f}{total - token - engine_ms:8.2f}{sql_ms:11.2f}"
              f"{stmts:7.1f}{commits:9.1f}  {calls} / {verbs}")
    print("  (token = Orchestrator.signin.token_holder in the before_request hook; engine = the handler's "
          "orchestrator call(s); rest = Flask/Werkzeug + JSON + handler; in sqlite = sum of cursor.execute "
          "of all statements, part of token + engine)")
    client.on_op = None

    client.profilers = {op: cProfile.Profile() for op in ("start", "tasks", "complete", "signal")}
    client.counts = {op: 0 for op in OPS}
    for _ in range(routes):
        client.route()
    for op, profiler in client.profilers.items():
        print_profile_stats(profiler, client.counts[op], top, op)
    orch.db.dispose()


# --- main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="30 routes with 1 client, 40 with 4 clients")
    parser.add_argument("--routes", type=int, help="routes with 1 client (default 200; 30 with --quick)")
    parser.add_argument("--routes-concurrent", type=int, help="routes in total with 4 clients (200; 40 --quick)")
    parser.add_argument("--clients", type=int, default=4, help="clients in the concurrent run (default 4)")
    parser.add_argument("--claim", action="store_true", help="claim each task before completing it")
    parser.add_argument("--profile", action="store_true", help="also cProfile the app in-process afterwards")
    parser.add_argument("--profile-routes", type=int, default=50)
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--open-tasks", type=int, default=1000,
                        help="signals reported before the second 1-client run (default 1000)")
    parser.add_argument("--sqlite-sync", choices=("normal", "full"), default="normal",
                        help="the server's SQLITE_SYNCHRONOUS (default normal)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, server log)")
    args = parser.parse_args(argv)

    single_n = args.routes or (30 if args.quick else 200)
    conc_n = args.routes_concurrent or (40 if args.quick else 200)
    warm_single = 5 if args.quick else 10
    warm_conc = 1 if args.quick else 2

    # SIGTERM → SystemExit, so the finally below stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = Path(tempfile.mkdtemp(prefix="signaalroute-bench-api-"))
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, DATABASE_URL=db_url, SQLITE_SYNCHRONOUS=args.sqlite_sync.upper())
    server = ServerProcess(["run"], env, workdir)
    t_setup = time.perf_counter()
    try:
        run_cli(env, "init")
        tokens = {name: add_user(env, name, roles, gemeente) for name, (roles, gemeente) in USERS.items()}
        server.start()
        setup_s = time.perf_counter() - t_setup
        print(f"Signaalroute API benchmark: waitress (signaalroute run, 8 threads) + SQLite file (WAL, "
              f"synchronous={args.sqlite_sync.upper()}), "
              f"real HTTP over 127.0.0.1, requests {requests.__version__}, Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
        print(f"database {db_url}; setup (init + users + server up) {setup_s:.1f} s; "
              f"routes: {single_n} with 1 client, {conc_n} with {args.clients} clients; "
              f"warm-up {warm_single} / {warm_conc} per client" + ("; with claim" if args.claim else ""))
        print()
        times1, wall1, done1 = run_clients(server.api_base, tokens, 1, single_n, warm_single, args.claim)
        times1["health"] = transport_floor(server.api_base, 50 if args.quick else 200)
        timesn, walln, donen = run_clients(server.api_base, tokens, args.clients, conc_n, warm_conc, args.claim)
        fill_s = fill_inbox(server.api_base, tokens, args.open_tasks)
        times_open, wall_open, done_open = run_clients(server.api_base, tokens, 1, single_n, 2, args.claim)
        if not server.running():
            raise BenchError(f"de server is tijdens de meting gestopt; log:\n{server.log_tail()}")
    except BaseException:
        server.stop()
        print(f"server log (tail):\n{server.log_tail()}", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    server.stop()
    load_end = os.getloadavg()[0]

    try:
        runs = [("1 client", times1, wall1, done1), (f"{args.clients} clients", timesn, walln, donen),
                (f"1 client, {args.open_tasks} open", times_open, wall_open, done_open)]
        print_report(runs, args.claim)
        print(f"before the last run the same client reported {args.open_tasks} signals in {fill_s:.1f} s: "
              f"{args.open_tasks} more open 'Signaal verrijken' tasks in the analist's list ({GEMEENTE})")
        print(f"load average (1 min) after the runs: {load_end:.2f} on {os.cpu_count()} CPUs "
              "(the server, these client threads and anything else share them)")
        if args.profile:
            profile_in_process(db_url, tokens, times1, args.profile_routes, args.profile_top)
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"RESULT start_ms={median(times1['start']):.2f} tasks_ms={median(times1['tasks']):.2f} "
          f"complete_ms={median(times1['complete']):.2f} tasks_open_ms={median(times_open['tasks']):.2f} "
          f"routes_per_s={donen / walln:.2f} tasks_open={args.open_tasks} sqlite_sync={args.sqlite_sync} "
          f"routes={single_n} load={load_end:.2f}")
    return 0


if __name__ == "__main__":
    run_main(main, "bench/api.py")
