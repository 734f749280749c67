"""bench/timers.py part 1: lateness of trivial and route timers fired by the workers, and its report.

Imported by bench/timers.py, which puts the repository root and bench/ on sys.path first.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

import _route_timers as route_timers
from _common import median, percentile
from _server import BenchError
from _timer_setup import (
    PASS_LIMIT,
    RETIME_MARGIN_S,
    BenchDatabase,
    Worker,
    backend_cpu,
    create_parallel,
    machine_cpu,
    process_cpu,
    retime,
    utcnow,
    vacuum_analyze,
)
from sqlalchemy import select, text

from engine.service.orchestrator import Orchestrator
from engine.store.schema import timer

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
