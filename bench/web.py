"""Benchmark: the server-rendered pages under load — task list and case page, 10,000 open tasks.

Run from the repository root::

    .venv/bin/python bench/web.py              # 10,000 open tasks, 20 clients, 30 s measured
    .venv/bin/python bench/web.py --quick      # 2,000 open tasks, 20 clients, 8 s measured (< 1 min)
    .venv/bin/python bench/web.py --profile    # afterwards: where the time goes, in-process

Target (issue #21): with 10,000 open tasks in the database, p95 of the inbox
(``/werkvoorraad``) and of the case page (``/signalen/<id>``) under 20 concurrent
clients is at most 50 ms on SQLite (the web issue asked 100 ms).

Setup, with the project's own commands on a fresh database:

* a temp dir with ``DATABASE_URL=sqlite:////tmp/…/bench.db``;
* ``.venv/bin/signaalroute init`` (migrations + deploy of ``processes/``, no demo data);
* three users with a password via ``signaalroute user add NAME --role R --gemeente
  Nijmegen --password …``: ``bench-melder`` (melder), ``bench-analist`` (analist) and
  ``bench-af`` (aandachtsfunctionaris);
* the open tasks, in-process, before the server starts: an
  :class:`engine.service.orchestrator.Orchestrator` on the same ``DATABASE_URL`` calls
  ``report_signal`` as ``bench-melder`` once per signal (the real command path: one
  write transaction each). Every signal opens one task "Signaal verrijken" for the
  analist role in Nijmegen. Then ``complete_task`` as ``bench-analist`` on the first
  5 % of them (``vermoeden_versterkt=true``), so those case pages have a history of
  two steps and the aandachtsfunctionaris has a task list too; each completion opens
  "Afstemmen en beoordelen", so the number of open tasks stays the number of signals.
  ``--quick`` makes 2,000 signals instead of 10,000 (printed; the RESULT keys stay);
* the real server as a subprocess, the production command by default:
  ``signaalroute serve --workers <cores> --port <free port>`` (gunicorn, one process per
  core, its gthread workers; no clock, so no timers fire during the run); ``--server run``
  takes ``signaalroute run --no-clock`` instead (waitress, one process, 8 threads). Ready
  when ``GET /api/v1/health`` answers 200. It is always stopped at the end (also on an
  error or Ctrl-C) and the temp dir removed (``--keep`` keeps it).

The clients (pure Python, nothing beyond the project's own setup): 20 threads in
this process, each with one keep-alive ``http.client`` connection to 127.0.0.1 and
its own browser session. A client signs in like a browser: ``GET /aanmelden`` (session
cookie + the form's ``csrf_token``), ``POST /aanmelden`` with the credentials (302),
and keeps the session cookie the server sends with every response. Three in four
clients are ``bench-analist`` (about 95 % of the open tasks are theirs), one in four
``bench-af``. Each client then loops without think time (a closed loop), picking at
random:

One in five clients is ``bench-zvh`` and only opens task pages: ``GET /taken/<id>`` of 20 regie
tasks whose case file holds the intake, the enrichment, the assessment and 8 progress reports, and
20 notes (made through the real commands before the server starts). The others loop over:

    50 %  case     GET /signalen/<random id among all the signals>
    30 %  inbox    GET /werkvoorraad                       (first page, 25 tasks)
    10 %  inbox    GET /werkvoorraad?pagina=2
    10 %  inbox    GET /werkvoorraad?stap=<the user's step>

Latency of one request = from sending it until the whole body is read. Every
response must be 200 and contain its page's marker (the task list's heading, the
case page's timeline); anything else — another status, a missing marker, an
exception — is an error and the client reconnects. Right after signing in each
client checks that its task list's caption shows all its open tasks (e.g. "9500 open
taken" for ``bench-analist``). "inbox" figures are
over all three inbox variants together (each is also shown on its own).

Method: first a short single-client run (the service time without queueing), then
the 20 clients sign in, warm up together (not counted), meet at a barrier and run
for the measured time; requests/s = requests completed in the measured window /
its wall time. Server CPU is read from /proc for the server process and its worker
processes over the same window (cores busy = CPU seconds / wall seconds; with ``--server
run`` waitress serves from one Python process, so about one core is its ceiling). The clients run on the
same machine and take CPU too; their share is printed.

``--profile`` (after the HTTP runs, server stopped, same database): builds the app
in-process (``web.create_app``), signs in with Flask's test client and requests the
same pages one at a time — no socket, no server — first timed without a profiler
with a breakdown (orchestrator calls, every SQL statement, template rendering), the
query plans of the slowest statements, then under ``cProfile``.

The last line printed is always::

    RESULT inbox_p95_ms=<x.x> case_p95_ms=<x.x> task_page_p95_ms=<x.x> errors=<n> tasks_open=<n>
           clients=<n> server=serve|run load=<x.xx>

(one line): the open tasks, clients, server command and the 1-minute load average at the end
are always named, so a ``--quick`` figure cannot be read as a full one.
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from _common import median, percentile, print_profile_stats  # noqa: E402 - bench/ is on sys.path as the script's folder
from _server import ROOT, BenchError, ServerProcess, run_cli, run_main  # noqa: E402 - bench/ is on sys.path as the script's folder

sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 50.0  # issue #21 (the web issue asked 100 ms)
GEMEENTE = "Nijmegen"
PASSWORD = "bench-wachtwoord-2024"  # noqa: S105 - a throwaway user in a temp database
USERS = {
    # name: role (all in Nijmegen)
    "bench-melder": "melder",
    "bench-analist": "analist",
    "bench-af": "aandachtsfunctionaris",
    "bench-zvh": "zvh",
}
STEP_OF = {"bench-analist": "task_verrijken", "bench-af": "task_beoordelen", "bench-zvh": "task_regie_zvh"}

INTAKES = [
    {"gemeente": GEMEENTE,
     "omschrijving": "Bij een controle in een nagelsalon sliepen vier medewerkers achter in de zaak; "
                     "niemand had een eigen identiteitsbewijs.",
     "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "sector": "overig",
     "indicatoren": ["geen_eigen_identiteitsbewijs", "woont_op_werkplek"], "locatie": "Molenstraat, Nijmegen"},
    {"gemeente": GEMEENTE,
     "omschrijving": "Buurtbewoners zien 's nachts busjes met arbeiders bij een bedrijfspand.",
     "uitbuitingsvormen": ["arbeid", "crimineel"], "sector": "bouw", "minderjarige": "nee"},
]
VERRIJKEN = {"vermoeden_versterkt": True, "adresgegevens": "BRP: 6 personen ingeschreven"}
# The task pages with a case file (issue 16): regie tasks of the ZVH whose case file holds the intake, two
# completed steps and 8 progress reports (10 entries after the intake), and 20 notes.
CASE_FILE_TASKS, PROGRESS_REPORTS, NOTES = 20, 8, 20
BEOORDELEN_ZVH = {"voldoende_aanleiding": True, "strafrechtelijk_traject": True, "zorg_nodig": True,
                  "geraadpleegde_ketenpartners": ["avim"], "toelichting": "Afgestemd met AVIM en de zorgcoördinator."}

# kind, weight; the path is made per request (see Client.pick)
MIX = (("case", 50), ("inbox", 30), ("inbox_p2", 10), ("inbox_stap", 10), ("task_page", 0))
KIND_LABELS = {
    "inbox": "inbox    /werkvoorraad",
    "inbox_p2": "inbox    /werkvoorraad?pagina=2",
    "inbox_stap": "inbox    /werkvoorraad?stap=…",
    "case": "case     /signalen/<id>",
    "task_page": "task     /taken/<id> (case file)",
}
_INBOX_MARK = b'<h1 class="utrecht-heading-1">Werkvoorraad</h1>'
MARKERS = {"inbox": _INBOX_MARK, "inbox_p2": _INBOX_MARK, "inbox_stap": _INBOX_MARK,
           "case": b'class="sr-tijdlijn"', "task_page": b'class="sr-aantekening"'}


# --- setup: CLI, data, server ---------------------------------------------------------------

def create_tasks(db_url: str, n_signals: int, n_advance: int) -> tuple[list[int], dict]:
    """``n_signals`` reported signals (one open task each), the first ``n_advance`` one step further."""
    from engine.service.orchestrator import Orchestrator
    from engine.store.db import Database, make_engine

    orch = Orchestrator(Database(make_engine(db_url)))
    try:
        actors = {name: orch.signin.authenticate(name, PASSWORD) for name in USERS}
        if any(a is None for a in actors.values()):
            raise BenchError(f"aanmelden in-process faalde: {actors}")
        melder, analist = actors["bench-melder"], actors["bench-analist"]
        signal_ids, first_tasks = [], []
        t0 = time.perf_counter()
        for i in range(n_signals):
            outcome = orch.report_signal(melder, INTAKES[i % len(INTAKES)])
            if len(outcome.nieuwe_taken) != 1 or outcome.nieuwe_taken[0]["bpmn_id"] != "task_verrijken":
                raise BenchError(f"report_signal opende {outcome.nieuwe_taken}, verwachtte één task_verrijken")
            signal_ids.append(outcome.signal_id)
            first_tasks.append(outcome.nieuwe_taken[0]["id"])
        report_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for task_id in first_tasks[:n_advance]:
            outcome = orch.complete_task(analist, task_id, VERRIJKEN)
            if [t["bpmn_id"] for t in outcome.nieuwe_taken] != ["task_beoordelen"]:
                raise BenchError(f"complete_task opende {outcome.nieuwe_taken}, verwachtte task_beoordelen")
        advance_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        case_tasks = _case_file_tasks(orch, actors, signal_ids[:CASE_FILE_TASKS])
        case_file_s = time.perf_counter() - t0
        counts = {name: orch.task_list(actors[name])["tellers"]["open"] for name in STEP_OF}  # the exact count
        from sqlalchemy import text

        with orch.db.read() as conn:
            open_total = conn.execute(text("SELECT count(*) FROM human_task WHERE status = 'open'")).scalar_one()
    finally:
        orch.db.dispose()
    info = {"report_s": report_s, "advance_s": advance_s, "open_total": open_total, "inbox_totals": counts,
            "case_tasks": case_tasks, "case_file_s": case_file_s}
    return signal_ids, info


def _case_file_tasks(orch, actors: dict, signal_ids: list[int]) -> list[int]:
    """Move already enriched signals to the ZVH's regie task through the real commands and give each a
    case file of 10 entries after the intake (enrichment, assessment, 8 progress reports) and 20 notes."""
    af, zvh = actors["bench-af"], actors["bench-zvh"]
    open_of = {t["signaal_id"]: t["id"] for t in orch.inbox(af, limit=200, bpmn_id="task_beoordelen")["taken"]}
    task_ids = []
    for signal_id in signal_ids:
        outcome = orch.complete_task(af, open_of[signal_id], BEOORDELEN_ZVH)
        if [t["bpmn_id"] for t in outcome.nieuwe_taken] != ["task_regie_zvh"]:
            raise BenchError(f"beoordelen opende {outcome.nieuwe_taken}, verwachtte task_regie_zvh")
        task_id = outcome.nieuwe_taken[0]["id"]
        for n in range(PROGRESS_REPORTS):
            orch.dossier.save_progress(zvh, task_id, {"behandelaar": "P. Regisseur",
                                                      "toelichting": f"Gesprek {n + 1} gevoerd; afspraken gemaakt."})
        for n in range(NOTES):
            orch.dossier.add_note(af if n % 2 else zvh, signal_id, f"Aantekening {n + 1}: telefonisch contact.")
        task_ids.append(task_id)
    return task_ids



# --- the clients ----------------------------------------------------------------------------

_CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


class Client:
    """One browser: a keep-alive connection, a session cookie, latencies per page kind."""

    def __init__(self, port: int, username: str, signal_ids: list[int], seed: int, expected_total: int,
                 task_ids: list[int] | None = None):
        self.port = port
        self.task_ids = task_ids or []  # given: this client only opens these task pages
        self.username = username
        self.expected_total = expected_total
        self.signal_ids = signal_ids
        self.rng = random.Random(seed)
        self.conn: http.client.HTTPConnection | None = None
        self.cookie = ""
        self.times: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        self.errors: list[str] = []
        self.kinds = [kind for kind, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    def _connect(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def reset(self) -> None:
        self.times = {kind: [] for kind, _ in MIX}
        self.errors = []

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None) -> tuple[int, bytes, dict, float]:
        """One request; returns status, body, headers and milliseconds until the body was read."""
        if self.conn is None:
            self._connect()
        headers = {"Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if content_type:
            headers["Content-Type"] = content_type
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - t0) * 1000.0
        for value in response.headers.get_all("Set-Cookie") or ():
            pair = value.split(";", 1)[0]
            if pair.startswith("session="):
                self.cookie = pair
        return response.status, data, response.headers, elapsed

    def sign_in(self) -> None:
        status, body, _, _ = self.request("GET", "/aanmelden")
        match = _CSRF.search(body)
        if status != 200 or not match or not self.cookie:
            raise BenchError(f"GET /aanmelden: {status}, csrf_token {'gevonden' if match else 'ontbreekt'}, "
                             f"cookie {'gezet' if self.cookie else 'ontbreekt'}")
        form = urllib.parse.urlencode({"csrf_token": match.group(1).decode(), "gebruikersnaam": self.username,
                                       "wachtwoord": PASSWORD}).encode()
        status, body, headers, _ = self.request("POST", "/aanmelden", form, "application/x-www-form-urlencoded")
        if status != 302 or headers.get("Location", "").endswith("/aanmelden"):
            raise BenchError(f"POST /aanmelden als {self.username}: {status} {headers.get('Location')} "
                             f"{body[:300]!r}")
        # Signed in, and the task list shows all of this user's open tasks.
        status, body, _, _ = self.request("GET", "/werkvoorraad")
        caption = f'utrecht-table__caption">{self.expected_total} open '.encode()
        if status != 200 or caption not in body:
            raise BenchError(f"GET /werkvoorraad als {self.username}: {status}; verwachtte "
                             f"'{self.expected_total} open taken' in de tabel")

    def pick(self) -> tuple[str, str]:
        if self.task_ids:
            return "task_page", f"/taken/{self.rng.choice(self.task_ids)}"
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind == "case":
            return kind, f"/signalen/{self.rng.choice(self.signal_ids)}"
        if kind == "inbox_p2":
            return kind, "/werkvoorraad?pagina=2"
        if kind == "inbox_stap":
            return kind, f"/werkvoorraad?stap={STEP_OF[self.username]}"
        return kind, "/werkvoorraad"

    def one(self) -> None:
        kind, path = self.pick()
        try:
            status, body, _, ms = self.request("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(f"GET {path}: {type(exc).__name__}: {exc}")
            self._connect()
            return
        if status != 200 or MARKERS[kind] not in body:
            self.errors.append(f"GET {path}: {status}" + ("" if status != 200 else " zonder de verwachte inhoud"))
            self._connect()
            return
        self.times[kind].append(ms)


def run_phase(clients: list[Client], warmup_s: float, measure_s: float, server: ServerProcess) -> dict:
    """Warm up together, meet at a barrier, then run the measured window; returns what happened."""
    barrier = threading.Barrier(len(clients) + 1)
    started = threading.Event()
    stop_at = [0.0]
    failures: list[BaseException] = []

    def work(client: Client) -> None:
        try:
            warm_until = time.perf_counter() + warmup_s
            while time.perf_counter() < warm_until:
                client.one()
            client.reset()
            barrier.wait()
            started.wait()
            while time.perf_counter() < stop_at[0]:
                client.one()
        except threading.BrokenBarrierError:
            return
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    cpu0 = own0 = None
    t0 = time.perf_counter()
    try:
        barrier.wait()  # everyone is warm: the window starts now
        cpu0, own0 = server.cpu_seconds(), os.times()
        t0 = time.perf_counter()
        stop_at[0] = t0 + measure_s
    except threading.BrokenBarrierError:
        pass
    finally:
        started.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if failures:
        raise failures[0]
    cpu1, own1 = server.cpu_seconds(), os.times()
    server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    own_cpu = (own1.user + own1.system) - (own0.user + own0.system)
    return {"wall": wall, "server_cpu": server_cpu, "client_cpu": own_cpu}


def merge(clients: list[Client]) -> tuple[dict[str, list[float]], list[str]]:
    times = {kind: [] for kind, _ in MIX}
    errors = []
    for c in clients:
        for kind, values in c.times.items():
            times[kind].extend(values)
        errors.extend(c.errors)
    times["inbox_all"] = times["inbox"] + times["inbox_p2"] + times["inbox_stap"]
    return times, errors


def row(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:34}{'—':>8}"
    return (f"{label:34}{len(values):8d}{median(values):9.1f}{percentile(values, 95):9.1f}"
            f"{percentile(values, 99):9.1f}{max(values):9.1f}")


def print_table(title: str, times: dict[str, list[float]]) -> None:
    print(title)
    print(f"{'page':34}{'n':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(row("inbox    (all three variants)", times["inbox_all"]))
    for kind in ("inbox", "inbox_p2", "inbox_stap", "case", "task_page"):
        print(row(KIND_LABELS[kind], times[kind]))


# --- in-process profile ---------------------------------------------------------------------


def _statement_label(statement: str) -> str:
    """Start and end of the statement: enough to tell the inbox's statements apart."""
    flat = " ".join(statement.split())
    return flat if len(flat) <= 130 else flat[:72] + " … " + flat[-55:]


class Attribution:
    """Timers without a profiler: orchestrator calls, each SQL statement (time in the sqlite3
    cursor), template rendering (Flask's ``before_render_template``/``template_rendered``)."""

    CALLS = ("actor", "inbox", "inbox_filters", "inbox_counts", "signal")

    def __init__(self, app, orch):
        from flask import before_render_template, template_rendered
        from sqlalchemy import event

        self.kind: str | None = None
        self.sums: dict[tuple[str, str], float] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.samples: dict[str, tuple[str, object]] = {}
        self._t_sql = 0.0
        self._t_render: list[float] = []
        for name in self.CALLS:
            setattr(orch, name, self._wrap(name, getattr(orch, name)))
        event.listen(orch.db.engine, "before_cursor_execute", self._before)
        event.listen(orch.db.engine, "after_cursor_execute", self._after)
        before_render_template.connect(self._render_start, app)
        template_rendered.connect(self._render_end, app)

    def add(self, key: str, ms: float) -> None:
        if self.kind is None:
            return
        k = (self.kind, key)
        self.sums[k] = self.sums.get(k, 0.0) + ms
        self.counts[k] = self.counts.get(k, 0) + 1

    def _wrap(self, name, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add("orch." + name, (time.perf_counter() - t0) * 1000.0)
        return timed

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._t_sql = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - self._t_sql) * 1000.0
        label = _statement_label(statement)
        self.add("sql", ms)
        self.add("sql:" + label, ms)
        self.samples.setdefault(label, (statement, parameters))

    def _render_start(self, sender, template, context, **extra):
        self._t_render.append(time.perf_counter())

    def _render_end(self, sender, template, context, **extra):
        if self._t_render:
            # Includes the navigation counts (nav_counts() runs inside base.html) and nested includes.
            self.add("render:" + (template.name or "?"), (time.perf_counter() - self._t_render.pop()) * 1000.0)


def profile_in_process(db_url: str, signal_ids: list[int], task_ids: list[int], n: int, top: int) -> None:
    from web import create_app

    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": secrets.token_urlsafe(48)})
    orch = app.extensions["signaalroute"]

    def signed_in(username: str):
        client = app.test_client()
        body = client.get("/aanmelden").get_data()
        token = _CSRF.search(body).group(1).decode()
        response = client.post("/aanmelden", data={"csrf_token": token, "gebruikersnaam": username,
                                                   "wachtwoord": PASSWORD})
        if response.status_code != 302:
            raise BenchError(f"(in-process) aanmelden als {username}: {response.status_code}")
        return client

    analist, zvh = signed_in("bench-analist"), signed_in("bench-zvh")
    rng = random.Random(7)
    paths = {"inbox": (analist, lambda: "/werkvoorraad"), "inbox_p2": (analist, lambda: "/werkvoorraad?pagina=2"),
             "inbox_stap": (analist, lambda: "/werkvoorraad?stap=task_verrijken"),
             "case": (analist, lambda: f"/signalen/{rng.choice(signal_ids)}"),
             "task_page": (zvh, lambda: f"/taken/{rng.choice(task_ids)}")}

    def get(kind: str) -> float:
        client, path = paths[kind]
        t0 = time.perf_counter()
        resp = client.get(path())
        data = resp.get_data()
        ms = (time.perf_counter() - t0) * 1000.0
        if resp.status_code != 200 or MARKERS[kind] not in data:
            raise BenchError(f"(in-process) {kind}: {resp.status_code}")
        return ms

    for kind in paths:  # warm-up: template compilation, statement caches
        for _ in range(5):
            get(kind)
    print("\n=== In-process (Flask test client as bench-analist, the task page as bench-zvh, one request at a time, "
          "no socket/server), "
          f"{n} requests per page ===")
    plain = {kind: [get(kind) for _ in range(n)] for kind in paths}
    print(f"{'page':34}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    for kind, values in plain.items():
        print(f"{KIND_LABELS[kind]:34}{median(values):9.2f}{percentile(values, 95):9.2f}"
              f"{statistics.fmean(values):9.2f}")

    attribution = Attribution(app, orch)
    totals = {}
    for kind in paths:
        attribution.kind = kind
        values = [get(kind) for _ in range(n)]
        attribution.kind = None
        totals[kind] = statistics.fmean(values)
    print("\nWhere one request's time goes, no profiler (mean ms per request; the rows overlap: orchestrator "
          "calls contain their SQL, the page template contains base.html and nav_counts):")
    for kind in paths:
        per = 1.0 / n
        sums = {k[1]: v * per for k, v in attribution.sums.items() if k[0] == kind}
        counts = {k[1]: c * per for k, c in attribution.counts.items() if k[0] == kind}
        print(f"\n[{KIND_LABELS[kind].strip()}] total {totals[kind]:.2f} ms; "
              f"all SQL {sums.get('sql', 0.0):.2f} ms in {counts.get('sql', 0):.1f} statements")
        for key in sorted((k for k in sums if k.startswith(("orch.", "render:"))), key=lambda k: -sums[k]):
            print(f"  {sums[key]:8.2f} ms  {counts[key]:5.1f}×  {key}")
        for key in sorted((k for k in sums if k.startswith("sql:")), key=lambda k: -sums[k])[:6]:
            print(f"  {sums[key]:8.2f} ms  {counts[key]:5.1f}×  {key}")

    # Query plans of the statements that cost most, over all pages.
    by_label: dict[str, float] = {}
    for (_kind, key), v in attribution.sums.items():
        if key.startswith("sql:"):
            by_label[key[4:]] = by_label.get(key[4:], 0.0) + v
    print("\nQuery plans (SQLite EXPLAIN QUERY PLAN) of the 3 statements with the most time over all pages:")
    raw = orch.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for label in sorted(by_label, key=lambda k: -by_label[k])[:3]:
            statement, parameters = attribution.samples[label]
            print(f"\n  {label}")
            for plan_row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters):
                print(f"    {plan_row[-1]}")
    finally:
        raw.close()

    for kind in ("inbox", "case", "task_page"):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            get(kind)
        profiler.disable()
        print_profile_stats(profiler, n, top, KIND_LABELS[kind].strip())
    orch.db.dispose()


# --- main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2,000 signals, 2 s warm-up, 8 s measured")
    parser.add_argument("--signals", type=int, help="signals = open tasks (default 10,000; 2,000 with --quick)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, help="measured window (default 30; 8 with --quick)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds, all clients (default 5; 2 with --quick)")
    parser.add_argument("--profile", action="store_true", help="afterwards: in-process breakdown and cProfile")
    parser.add_argument("--profile-requests", type=int, default=100, help="requests per page when profiling")
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, server log)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process (serve's default: 4)")
    parser.add_argument("--server", choices=("serve", "run"), default="serve",
                        help="serve: gunicorn, one process per core (default); run: waitress, one process")
    args = parser.parse_args(argv)

    n_signals = args.signals or (2000 if args.quick else 10000)
    n_advance = max(1, n_signals // 20)
    measure_s = args.seconds or (8.0 if args.quick else 30.0)
    warmup_s = args.warmup if args.warmup is not None else (2.0 if args.quick else 5.0)
    single_s = 2.0 if args.quick else 5.0

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # → SystemExit, so finally stops the server

    workdir = Path(tempfile.mkdtemp(prefix="signaalroute-bench-web-"))
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, DATABASE_URL=db_url)
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(48))  # serve starts only with one
    command = (["serve", "--workers", str(os.cpu_count() or 2), "--threads", str(args.threads)] if args.server == "serve"
               else ["run", "--no-clock"])
    server = ServerProcess(command, env, workdir)
    clients: list[Client] = []
    t_start = time.perf_counter()
    try:
        run_cli(env, "init")
        for name, rol in USERS.items():
            run_cli(env, "user", "add", name, "--role", rol, "--gemeente", GEMEENTE, "--password", PASSWORD)
        signal_ids, info = create_tasks(db_url, n_signals, n_advance)
        server.start()
        setup_s = time.perf_counter() - t_start

        print(f"Signaalroute page benchmark: signaalroute {' '.join(command)} + SQLite file "
              f"(WAL, synchronous=NORMAL), real HTTP over 127.0.0.1, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f} at start")
        note = " (fewer than the 10,000 of the acceptance)" if n_signals < 10000 else ""
        print(f"data: {n_signals} signals{note} reported in-process via Orchestrator.report_signal in "
              f"{info['report_s']:.1f} s ({info['report_s'] / n_signals * 1000:.2f} ms each); first step completed "
              f"for {n_advance} in {info['advance_s']:.1f} s; open tasks in the database: {info['open_total']} "
              f"(task list of bench-analist {info['inbox_totals']['bench-analist']}, "
              f"of bench-af {info['inbox_totals']['bench-af']})")
        print(f"case files: {CASE_FILE_TASKS} signals moved on to the ZVH's regie task, each with {PROGRESS_REPORTS} "
              f"progress reports and {NOTES} notes, in {info['case_file_s']:.1f} s")
        print(f"setup total (init + users + data + server up): {setup_s:.1f} s")

        # 1. One client alone: the service time without queueing.
        totals = info["inbox_totals"]
        solo = Client(server.port, "bench-analist", signal_ids, seed=1000, expected_total=totals["bench-analist"])
        clients.append(solo)
        solo.sign_in()
        run_phase([solo], 1.0, single_s, server)
        solo_times, solo_errors = merge([solo])
        print()
        solo_n = sum(len(v) for k, v in solo_times.items() if k != "inbox_all")
        print_table(f"1 client alone (bench-analist; service time without queueing), {single_s:.0f} s: {solo_n} "
                    f"requests, {len(solo_errors)} errors", solo_times)
        solo_zvh = Client(server.port, "bench-zvh", signal_ids, seed=1001, expected_total=totals["bench-zvh"],
                          task_ids=info["case_tasks"])
        clients.append(solo_zvh)
        solo_zvh.sign_in()
        run_phase([solo_zvh], 1.0, single_s, server)
        zvh_times, zvh_errors = merge([solo_zvh])
        print(row(KIND_LABELS["task_page"] + " alone", zvh_times["task_page"])
              + f"   ({len(zvh_errors)} errors; bench-zvh, 1 client)")

        # 2. The acceptance run.
        names = ["bench-zvh" if i % 5 == 4 else "bench-af" if i % 4 == 3 else "bench-analist"
                 for i in range(args.clients)]
        crowd = [Client(server.port, name, signal_ids, seed=i, expected_total=totals[name],
                        task_ids=info["case_tasks"] if name == "bench-zvh" else None)
                 for i, name in enumerate(names)]
        clients.extend(crowd)
        for c in crowd:
            c.sign_in()
        run = run_phase(crowd, warmup_s, measure_s, server)
        if not server.running():
            raise BenchError(f"de server is tijdens de meting gestopt; log:\n{server.log_tail()}")
        times, errors = merge(crowd)
        done = sum(len(v) for k, v in times.items() if k != "inbox_all")
        print()
        print_table(f"{args.clients} concurrent clients ({names.count('bench-analist')} bench-analist, "
                    f"{names.count('bench-af')} bench-af, {names.count('bench-zvh')} bench-zvh on task pages with a "
                    f"case file), closed loop, {warmup_s:.0f} s warm-up, "
                    f"{run['wall']:.1f} s measured:", times)
        print(f"throughput: {done} requests in {run['wall']:.1f} s = {done / run['wall']:.1f} requests/s; "
              f"errors {len(errors)}")
        if run["server_cpu"] is not None:
            print(f"server CPU: {run['server_cpu']:.1f} s in {run['wall']:.1f} s = "
                  f"{run['server_cpu'] / run['wall']:.2f} cores busy, "
                  f"{run['server_cpu'] / max(done, 1) * 1000:.2f} ms CPU per request; clients (this process): "
                  f"{run['client_cpu'] / run['wall']:.2f} cores; load average {os.getloadavg()[0]:.2f}")
        for message in sorted(set(errors))[:10]:
            print(f"  error: {message} (×{errors.count(message)})")
        inbox_p95, case_p95 = percentile(times["inbox_all"], 95), percentile(times["case"], 95)
        task_p95 = percentile(times["task_page"], 95)
        verdict = "met" if max(inbox_p95, case_p95, task_p95) <= TARGET_P95_MS and not errors else "NOT met"
        print(f"target p95 ≤ {TARGET_P95_MS:.0f} ms for the three pages with {info['open_total']} open tasks: "
              f"{verdict} (inbox {inbox_p95:.1f} ms, case {case_p95:.1f} ms, task page with a case file of "
              f"{2 + PROGRESS_REPORTS} entries after the intake and {NOTES} notes {task_p95:.1f} ms)")
    except BaseException:
        server.stop()
        print(f"server log (tail):\n{server.log_tail()}", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        for c in clients:
            c.close()
    server.stop()
    load_end = os.getloadavg()[0]

    try:
        if args.profile:
            profile_in_process(db_url, signal_ids, info["case_tasks"], args.profile_requests, args.profile_top)
        elif verdict != "met":
            print("(run with --profile for where the time goes)")
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"total time {time.perf_counter() - t_start:.1f} s")
    print(f"RESULT inbox_p95_ms={inbox_p95:.1f} case_p95_ms={case_p95:.1f} task_page_p95_ms={task_p95:.1f} "
          f"errors={len(errors)} tasks_open={info['open_total']} clients={args.clients} server={args.server} "
          f"load={load_end:.2f}")
    return 0


if __name__ == "__main__":
    run_main(main, "bench/web.py")
