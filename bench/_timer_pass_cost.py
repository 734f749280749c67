"""bench/timers.py part 2: the cost of one clock pass by the number of waiting timers, and --profile.

Imported by bench/timers.py, which puts the repository root and bench/ on sys.path first.
"""
from __future__ import annotations

import cProfile
import datetime as dt
import re
import time

from _common import median, percentile, print_profile_stats
from _server import BenchError
from _timer_setup import CappedClock, iso, start_instances, utcnow
from sqlalchemy import event, func, select, text

from engine.service.orchestrator import Orchestrator
from engine.store.schema import timer

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
