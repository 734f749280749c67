"""Benchmark: Signaalroute side by side with the peer (SpiffArena's backend), same machine, same client.

Run from the repository root::

    .venv/bin/python bench/peer.py --setup    # build the peer once (pip from the registry), then exit
    .venv/bin/python bench/peer.py            # full run: 200 sequences per system per phase, 1,000 open tasks
    .venv/bin/python bench/peer.py --quick    # 40 per phase, 200 open tasks (the RESULT line says so)

The peer is SpiffArena's backend from ``../shared/peers/spiffarena/`` (``BENCH_PEER_SOURCE``
overrides), built into ``~/.cache/signaalroute-bench/spiffarena-d7678cf`` (``BENCH_PEER_DIR``
or ``--peer-dir``) by ``--setup`` or ``make bench-setup``; a run reuses that build and builds it
first if it is missing. Its README there says how it runs; ``bench/_peer.py`` follows it:
SQLite (its default: rollback journal, ``synchronous=FULL``), one uvicorn worker, its built-in
OpenID provider, its background scheduler on, the process model ``bench:gw-two-user-tasks``
(start → user task ``choose`` → exclusive gateway → user task ``review`` → end).

Three servers on fresh SQLite databases, each started by its own commands:

* ``peer``  — the peer as above;
* ``ours``  — ``signaalroute run`` (waitress, 8 threads, with its clock), our default durability:
  WAL with ``synchronous=NORMAL`` (``SQLITE_SYNCHRONOUS=NORMAL``);
* ``full``  — the same with ``SQLITE_SYNCHRONOUS=FULL`` (an fsync per commit, the peer's durability).

One client, python-requests, one keep-alive session per system (``trust_env`` off); an
operation's latency is one request's wall time (sent → body read; JSON parsed outside the
timer); the peer's "start" is its two requests (create + run) added up. One *sequence*:

    peer                                         ours (signaal-naar-casus, user melder+analist+AF in Nijmegen)
    start     POST /process-instances/… + /run   POST /api/v1/signals
    tasks     GET /v1.0/tasks?per_page=20        GET /api/v1/tasks?limit=20
    (lookup)  GET /v1.0/tasks?process_instance_id  GET /api/v1/signals/{id}   — not timed: finds the task
    complete  PUT /v1.0/tasks/{pi}/{guid} choose  POST /api/v1/tasks/{id}/complete  (verrijken)
    tasks     as above                           as above
    complete  PUT … review (the instance ends)   POST …/complete  (beoordelen: DMN → the ZVH's regie task)
    health    GET /v1.0/status                   GET /api/v1/health   — no token: each server's floor

Both lists ask for one page of 20 tasks; the peer lists newest first, we list earliest deadline
first. The sequence's user sees only its own work on both systems (the peer's instance ends,
our case moves on to the ZVH's task), so in the first phase the list holds at most one task.

Method: warm-up (10 sequences per system; 5 with --quick), then phase 1 ("empty"): blocks of
50 sequences (10 with --quick), the systems taking turns, the order rotating each round, until
each has run N (200; 40 with --quick). Then each system is filled *the same way* — the same
client starts 1,000 instances (200 with --quick) that stay at their first user task (the peer's
``choose``, our ``verrijken`` for the analist in Nijmegen) — and phase 2 ("1,000 open") runs
the same blocks again. Medians and p95 are over all requests of an operation in a phase; a
ratio is the peer's median ÷ ours. Server CPU per sequence comes from /proc (utime + stime of
the server processes) over the measured blocks. The 1-minute load average is read before every
block; its range is printed, as the machine may be shared.

The last line printed is always::

    RESULT peer_start_ms=… start_ms=… start_x=… peer_tasks_ms=… tasks_ms=… tasks_x=…
           peer_complete_ms=… complete_ms=… complete_x=… peer_tasks_open_ms=… tasks_open_ms=… tasks_open_x=…
           full_start_x=… full_tasks_x=… full_complete_x=… tasks_open=… load=…

(one line) — start, tasks and complete from phase 1, ``tasks_open`` from phase 2, ``full_*``
the ratios against ``SQLITE_SYNCHRONOUS=FULL``; ``tasks_open=`` and ``sequences=`` always say
the size, ``load=`` the highest 1-minute load average seen.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from _common import median, percentile
from _peer import DEFAULT_FOLDER, PROCESS_MODEL, PeerServer, build
from _server import ROOT, BenchError, ServerProcess, run_cli, run_main
from api import BEOORDELEN, INTAKE, VERRIJKEN, add_user

OPS = ("start", "tasks", "complete", "health")
SYSTEMS = ("peer", "ours", "full")
LABELS = {"peer": "peer (SpiffArena)", "ours": "ours (sync NORMAL)", "full": "ours (sync FULL)"}


class Timed:
    """One keep-alive session; latencies per operation in the current phase."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False
        if headers:
            self.session.headers.update(headers)
        self.times: dict[str, list[float]] = {op: [] for op in OPS}
        self.sequences = 0

    def request(self, op: str | None, method: str, path: str, expect: int = 200, **kwargs):
        t0 = time.perf_counter()
        response = self.session.request(method, self.base + path, **kwargs)
        elapsed = (time.perf_counter() - t0) * 1000.0
        if response.status_code != expect:
            raise BenchError(f"{method} {path}: {response.status_code} (verwacht {expect}): {response.text[:400]}")
        if op is not None:
            self.times[op].append(elapsed)
        return elapsed, response.json()

    def reset(self) -> None:
        self.times = {op: [] for op in OPS}
        self.sequences = 0


class PeerClient(Timed):
    def start(self, op: str | None = "start") -> int:
        path = f"/v1.0/process-instances/{PROCESS_MODEL}"
        t1, created = self.request(None, "POST", path, expect=201)
        t2, _ = self.request(None, "POST", f"{path}/{created['id']}/run")
        if op is not None:
            self.times[op].append(t1 + t2)
        return created["id"]

    def task(self, instance: int, name: str) -> str:
        _, listed = self.request(None, "GET", "/v1.0/tasks", params={"process_instance_id": instance})
        guids = [t["id"] for t in listed["results"] if t["task_name"] == name]
        if len(guids) != 1:
            raise BenchError(f"peer: instantie {instance}: verwachtte één taak {name}, zag {listed['results']}")
        return guids[0]

    def sequence(self) -> None:
        instance = self.start()
        self.request("tasks", "GET", "/v1.0/tasks", params={"per_page": 20})
        _, following = self.request("complete", "PUT", f"/v1.0/tasks/{instance}/{self.task(instance, 'choose')}",
                                    json={"branch": "a"})
        if following.get("name") != "review":
            raise BenchError(f"peer: na choose verwachtte de taak review, kreeg {str(following)[:300]}")
        self.request("tasks", "GET", "/v1.0/tasks", params={"per_page": 20})
        self.request("complete", "PUT", f"/v1.0/tasks/{instance}/{following['id']}", json={"approved": True})
        self.request("health", "GET", "/v1.0/status")
        self.sequences += 1


class OurClient(Timed):
    def start(self, op: str | None = "start") -> int:
        return self.request(op, "POST", "/api/v1/signals", expect=201, json=INTAKE)[1]["id"]

    def sequence(self) -> None:
        signal_id = self.start()
        self.request("tasks", "GET", "/api/v1/tasks", params={"limit": 20})
        _, view = self.request(None, "GET", f"/api/v1/signals/{signal_id}")
        ids = [t["id"] for t in view.get("taken", []) if t["bpmn_id"] == "task_verrijken"]
        if len(ids) != 1:
            raise BenchError(f"signaal {signal_id}: verwachtte één open verrijktaak, zag {view.get('taken')}")
        _, done = self.request("complete", "POST", f"/api/v1/tasks/{ids[0]}/complete", json={"data": VERRIJKEN})
        following = [t["id"] for t in done.get("nieuwe_taken", []) if t["bpmn_id"] == "task_beoordelen"]
        if len(following) != 1:
            raise BenchError(f"signaal {signal_id}: na verrijken geen beoordeeltaak: {done}")
        self.request("tasks", "GET", "/api/v1/tasks", params={"limit": 20})
        _, done = self.request("complete", "POST", f"/api/v1/tasks/{following[0]}/complete", json={"data": BEOORDELEN})
        if done.get("route") != "zorg_en_strafrecht":
            raise BenchError(f"signaal {signal_id}: verwachtte route zorg_en_strafrecht, kreeg {done}")
        self.request("health", "GET", "/api/v1/health", headers={"Authorization": None})
        self.sequences += 1


def start_ours(workdir: Path, sync: str) -> tuple[ServerProcess, str]:
    workdir.mkdir(parents=True)
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}", SQLITE_SYNCHRONOUS=sync,
               SECRET_KEY="bench-" + os.urandom(24).hex())
    run_cli(env, "init")
    token = add_user(env, "bench-gemeente", ["melder", "analist", "aandachtsfunctionaris"], INTAKE["gemeente"])
    server = ServerProcess(["run"], env, workdir)
    server.start()
    return server, token


def git_commit() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return (proc.stdout.strip() or "?") + ("+wijzigingen" if dirty else "")


def run_phase(clients: dict, servers: dict, per_system: int, block: int, loads: list[float]) -> dict:
    """Blocks of ``block`` sequences, systems taking turns (order rotating); CPU seconds per system."""
    cpu = {name: 0.0 for name in clients}
    for c in clients.values():
        c.reset()
    order = list(clients)
    done = 0
    rounds = 0
    while done < per_system:
        n = min(block, per_system - done)
        for name in order[rounds % len(order):] + order[:rounds % len(order)]:
            loads.append(os.getloadavg()[0])
            before = servers[name].cpu_seconds() or 0.0
            for _ in range(n):
                clients[name].sequence()
            cpu[name] += (servers[name].cpu_seconds() or 0.0) - before
        done += n
        rounds += 1
    return {name: {"times": dict(c.times), "cpu": cpu[name], "sequences": c.sequences} for name, c in clients.items()}


def fill(clients: dict, n: int, block: int) -> dict[str, float]:
    """Start ``n`` instances on every system, in turns; seconds each took."""
    took = {name: 0.0 for name in clients}
    done = 0
    while done < n:
        k = min(block * 5, n - done)
        for name, client in clients.items():
            t0 = time.perf_counter()
            for _ in range(k):
                client.start(op=None)
            took[name] += time.perf_counter() - t0
        done += k
    return took


def print_phase(title: str, result: dict) -> None:
    print(f"\n{title}")
    head = f"{'operation':10}" + "".join(f"{LABELS[s] + ' med':>26}{'p95':>8}" for s in result) + \
        "".join(f"{'peer÷' + s:>12}" for s in result if s != "peer")
    print(head)
    print("-" * len(head))
    for op in OPS:
        line = f"{op:10}"
        for s in result:
            xs = result[s]["times"][op]
            line += f"{median(xs):26.2f}{percentile(xs, 95):8.2f}"
        for s in result:
            if s != "peer":
                line += f"{median(result['peer']['times'][op]) / median(result[s]['times'][op]):11.1f}x"
        print(line)
    line = f"{'CPU/seq':10}"
    for s in result:
        seqs = result[s]["sequences"]
        line += f"{result[s]['cpu'] / max(seqs, 1) * 1000:26.1f}{'ms':>8}"
    for s in result:
        if s != "peer":
            ours = result[s]["cpu"] / max(result[s]["sequences"], 1)
            line += f"{(result['peer']['cpu'] / max(result['peer']['sequences'], 1)) / ours:11.1f}x" if ours else ""
    print(line)
    print("requests: " + ", ".join(f"{s} " + "/".join(str(len(result[s]['times'][op])) for op in OPS)
                                   for s in result) + " (start/tasks/complete/health)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--setup", action="store_true", help="only build the peer (if needed) and exit")
    parser.add_argument("--quick", action="store_true", help="40 sequences per phase, 200 open tasks")
    parser.add_argument("--sequences", type=int, help="sequences per system per phase (default 200; 40 --quick)")
    parser.add_argument("--block", type=int, help="sequences per block (default 50; 10 --quick)")
    parser.add_argument("--open-tasks", type=int, help="instances started before phase 2 (default 1000; 200 --quick)")
    parser.add_argument("--no-full", action="store_true", help="leave out the SQLITE_SYNCHRONOUS=FULL server")
    parser.add_argument("--peer-dir", type=Path, default=DEFAULT_FOLDER, help=f"the peer's build (default {DEFAULT_FOLDER})")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, logs)")
    args = parser.parse_args(argv)

    build(args.peer_dir)
    if args.setup:
        print(f"peer gebouwd in {args.peer_dir}")
        return 0
    per_system = args.sequences or (40 if args.quick else 200)
    block = args.block or (10 if args.quick else 50)
    open_tasks = args.open_tasks if args.open_tasks is not None else (200 if args.quick else 1000)
    warmup = 5 if args.quick else 10

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="signaalroute-bench-peer-"))
    servers: dict = {}
    loads = [os.getloadavg()[0]]
    try:
        t0 = time.perf_counter()
        peer = PeerServer(args.peer_dir, workdir / "peer-run")
        (workdir / "peer-run").mkdir()
        servers["peer"] = peer
        peer.start()
        clients: dict = {"peer": PeerClient(peer.base, {"Authorization": f"Bearer {peer.token()}"})}
        for name, sync in (("ours", "NORMAL"), ("full", "FULL")):
            if name == "full" and args.no_full:
                continue
            server, token = start_ours(workdir / name, sync)
            servers[name] = server
            clients[name] = OurClient(server.api_base.removesuffix("/api/v1"), {"Authorization": f"Bearer {token}"})
        print(f"bench/peer.py {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; setup {time.perf_counter() - t0:.1f} s")
        print(f"sequences per system per phase {per_system} in blocks of {block}, warm-up {warmup}, "
              f"open tasks in phase 2: {open_tasks}; SQLite everywhere (peer: its default, rollback journal, "
              f"synchronous=FULL; ours: WAL, synchronous NORMAL and FULL)")
        for client in clients.values():
            for _ in range(warmup):
                client.sequence()
        empty = run_phase(clients, servers, per_system, block, loads)
        took = fill(clients, open_tasks, block)
        loads.append(os.getloadavg()[0])
        full = run_phase(clients, servers, per_system, block, loads)
        for name, server in servers.items():
            if not server.running():
                raise BenchError(f"{name} is tijdens de meting gestopt; log:\n{server.log_tail()}")
    except BaseException:
        for name, server in servers.items():
            print(f"{name} log (tail):\n{server.log_tail(20)}", file=sys.stderr)
        raise
    finally:
        for server in servers.values():
            server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print_phase("Phase 1: the list holds at most the sequence's own task", empty)
    print("\nfilling: " + ", ".join(f"{name} {open_tasks} starts in {s:.1f} s" for name, s in took.items()))
    print_phase(f"Phase 2: {open_tasks} open tasks in the user's list on every system", full)
    print(f"\nload average (1 min) before the blocks: min {min(loads):.2f}, max {max(loads):.2f} on "
          f"{os.cpu_count()} CPUs (client, servers and anything else share them)")

    def med(result, system, op):
        return median(result[system]["times"][op])

    fields = []
    for key, result, op in (("start", empty, "start"), ("tasks", empty, "tasks"), ("complete", empty, "complete"),
                            ("tasks_open", full, "tasks")):
        fields += [f"peer_{key}_ms={med(result, 'peer', op):.2f}", f"{key}_ms={med(result, 'ours', op):.2f}",
                   f"{key}_x={med(result, 'peer', op) / med(result, 'ours', op):.1f}"]
    if "full" in clients:
        for key, result, op in (("start", empty, "start"), ("tasks", empty, "tasks"), ("complete", empty, "complete")):
            fields.append(f"full_{key}_x={med(result, 'peer', op) / med(result, 'full', op):.1f}")
    fields += [f"tasks_open={open_tasks}", f"sequences={per_system}", f"load={max(loads):.2f}"]
    print("RESULT " + " ".join(fields))
    return 0


if __name__ == "__main__":
    run_main(main, "bench/peer.py")
