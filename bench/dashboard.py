"""Benchmark: the managers' overdue board and flow figures with 1,000,000 ``human_task`` rows on PostgreSQL.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, trust auth, user postgres)::

    .venv/bin/python bench/dashboard.py            # 1,000,000 task rows (~435,000 signals), 40 timed runs each
    .venv/bin/python bench/dashboard.py --quick    # 200,000 task rows, 15 runs each: under a minute

Generating the million rows takes about a minute on a loaded 2-core machine.

``--pg-url`` (or ``BENCH_PG_URL``) points at another server. The bench creates a fresh
database ``signaalroute_bench_dashboard_<pid>``, migrates it with ``engine.store.migrate.upgrade``,
deploys ``processes/signaal-naar-casus`` and always drops the database at the end (``--keep``
keeps it).

The data
    Eight municipalities (the Achterhoek), per municipality three analists, two
    aandachtsfunctionarissen and a manager; two of each regional role. Signals received over
    three years before "now" (2026-02-01 12:00 UTC), generated inside PostgreSQL with
    ``generate_series`` and a fixed ``setseed`` (deterministic): 25 % closed without suspicion
    after enrichment, 20 % handled by the municipality after assessment, 55 % routed (zorg,
    zvh, riec alike); 12 % stop at their last step (open task, half of them assigned); a step
    starts when the one before finished and takes up to 1.6 times its deadline, so about a
    third of the steps are late; escalations on late tasks. Signals are kept until the task
    rows reach 1,000,000 (exactly, give or take the last signal's steps). Each table is
    written in one ``INSERT … SELECT``, with the secondary indexes dropped during the load
    and rebuilt from their own definitions afterwards (a bulk load); ``VACUUM ANALYZE``
    afterwards, as autovacuum would.

What is timed (in this process, through the ``Orchestrator`` the web pages call)
    * board: ``Orchestrator.board`` for a municipality's manager — late and due-within-2-days
      tasks (page of 50), the totals per step/role/municipality/assignee, reassign candidates
      and the escalations — cycling over the eight managers;
    * figures: ``Orchestrator.figures`` for a municipality's manager over the last 12 months
      (cycling over the eight);
    * the board and the figures for a manager of all eight municipalities (the region).
    The machine's load average is printed before and after the timings (a shared machine
    is noisy: compare medians, and the p95 over runs).
    The statements each call ran are captured and shown with ``EXPLAIN`` (plan node types,
    and whether they read an index), for one call of each.

The last line printed is::

    RESULT board_p95_ms=… figures_p95_ms=… board_region_p95_ms=… figures_region_p95_ms=… task_rows=…
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import percentile  # noqa: E402 - bench/ is on sys.path as the script's folder
from _server import run_main  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402

from engine.clock import FixedClock  # noqa: E402
from engine.service.orchestrator import Orchestrator  # noqa: E402
from engine.store import migrate  # noqa: E402
from engine.store.db import Database, make_engine, normalise_url  # noqa: E402

NOW = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
GEMEENTEN = ["Aalten", "Berkelland", "Bronckhorst", "Doetinchem", "Montferland", "Oost Gelre", "Oude IJsselstreek",
             "Winterswijk"]
MIN_TASKS_PER_SIGNAL = 2.0  # fewer than the path mix gives (about 2.3), so enough signals are drawn for the target


def p95(values: list[float]) -> float:
    return percentile(values, 95)


class BenchDatabase:
    def __init__(self, server_url: str, name: str):
        self.admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
        self.name = name
        self.url = re.sub(r"/[^/]*$", f"/{name}", normalise_url(server_url))

    def create(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


USERS_SQL = """
INSERT INTO gemeente (id, code, naam) SELECT g, lower(replace(n, ' ', '-')), n
  FROM unnest(CAST(:namen AS text[])) WITH ORDINALITY AS t(n, g);
INSERT INTO app_user (id, gebruikersnaam, naam, actief, created_at)
  SELECT 1000 + g * 10 + j, 'analist-' || g || '-' || j, 'Analist ' || g || '-' || j, true, :now
    FROM generate_series(1, 8) g, generate_series(0, 2) j
  UNION ALL SELECT 2000 + g * 10 + j, 'af-' || g || '-' || j, 'Aandachtsfunctionaris ' || g || '-' || j, true, :now
    FROM generate_series(1, 8) g, generate_series(0, 1) j
  UNION ALL SELECT 3000 + g, 'manager-' || g, 'Manager ' || g, true, :now FROM generate_series(1, 8) g
  UNION ALL SELECT 3100, 'manager-regio', 'Manager regio', true, :now
  UNION ALL SELECT 4000 + r * 10 + j, rol || '-' || j, rol || ' ' || j, true, :now
    FROM (VALUES (1, 'zorgcoordinator'), (2, 'zvh'), (3, 'riec')) AS v(r, rol), generate_series(0, 1) j;
INSERT INTO user_role (user_id, rol, gemeente_id)
  SELECT 1000 + g * 10 + j, 'analist', g FROM generate_series(1, 8) g, generate_series(0, 2) j
  UNION ALL SELECT 2000 + g * 10 + j, 'aandachtsfunctionaris', g FROM generate_series(1, 8) g, generate_series(0, 1) j
  UNION ALL SELECT 3000 + g, 'manager', g FROM generate_series(1, 8) g
  UNION ALL SELECT 3100, 'manager', g FROM generate_series(1, 8) g
  UNION ALL SELECT 4000 + r * 10 + j, rol, NULL
    FROM (VALUES (1, 'zorgcoordinator'), (2, 'zvh'), (3, 'riec')) AS v(r, rol), generate_series(0, 1) j;
"""

# One row per signal: every random draw once (a MATERIALIZED CTE, so each is drawn exactly
# once), then the path it takes and each step's start and finish. A step starts when the one
# before it finished; a step is done if its finish lies before "now" and it is not the step a
# stopping signal waits at. Signals are kept, in generation order, until the task rows reach
# the target (so a run has exactly the target, give or take the last signal's steps).
GEN_SQL = """
SELECT setseed(0.42);
CREATE UNLOGGED TABLE gen AS
WITH draw AS MATERIALIZED (
  SELECT i, 1 + floor(random() * 8)::int AS g,
         CAST(:now AS timestamptz) - interval '3 days' - random() * interval '3 years' AS ontvangen,
         random() AS r_path, floor(random() * 3)::int AS r_route, random() < 0.12 AS stops,
         random() AS d1, random() AS d2, random() AS d3, random() AS r_assign, random() AS r_sector,
         floor(random() * 3)::int AS r_minor, random() AS r_vorm
    FROM generate_series(1, :n) i
), planned AS (
  SELECT draw.*,
         CASE WHEN r_path < 0.25 THEN 'geen' WHEN r_path < 0.45 THEN 'gemeente' ELSE 'route' END AS path,
         CASE WHEN r_path >= 0.45 THEN (ARRAY['zorgtraject', 'zorg_en_strafrecht', 'riec'])[r_route + 1] END AS route,
         CASE WHEN r_path < 0.25 THEN 1 WHEN r_path < 0.45 THEN 2 ELSE 3 END AS steps,
         ontvangen + interval '5 seconds' AS c1,
         ontvangen + interval '5 seconds' + d1 * 1.6 * interval '5 days' + interval '30 minutes' AS e1
    FROM draw
), timed AS (
  SELECT planned.*, e1 + d2 * 1.6 * interval '10 days' + interval '30 minutes' AS e2
    FROM planned
), reached AS (
  SELECT timed.*, e2 + d3 * 1.6 * interval '90 days' + interval '30 minutes' AS e3,
         (e1 <= CAST(:now AS timestamptz) AND NOT (stops AND steps = 1)) AS done1,
         (e2 <= CAST(:now AS timestamptz) AND NOT (stops AND steps = 2)) AS done2
    FROM timed
), counted AS (
  SELECT reached.*,
         CASE WHEN steps >= 2 AND done1 THEN CASE WHEN steps >= 3 AND done2 THEN 3 ELSE 2 END ELSE 1 END AS n_tasks
    FROM reached
), kept AS (
  SELECT counted.*, sum(n_tasks) OVER (ORDER BY i) AS cum FROM counted
)
SELECT i, g, ontvangen, path, route, n_tasks, r_assign, r_sector, r_minor, r_vorm, c1, e1, e2, e3,
       CASE n_tasks WHEN 1 THEN CASE WHEN done1 AND steps = 1 THEN e1 END
                    WHEN 2 THEN CASE WHEN done2 AND steps = 2 THEN e2 END
                    ELSE CASE WHEN e3 <= CAST(:now AS timestamptz) AND NOT stops THEN e3 END END AS last_done,
       (ARRAY['Signaal verrijken', 'Afstemmen en beoordelen',
              CASE route WHEN 'zorgtraject' THEN 'Intake zorgcoördinatie'
                         WHEN 'zorg_en_strafrecht' THEN 'Regie zorg- en strafrechtelijk traject'
                         ELSE 'Regie ondermijning (RIEC)' END])[n_tasks] AS last_naam
  FROM kept WHERE cum - n_tasks < :target;
"""

# Secondary indexes go while the rows are loaded and are rebuilt afterwards from their own
# definitions (as a bulk load does): the same indexes, built once instead of row by row.
DROP_INDEXES_SQL = """
SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
  FROM pg_index JOIN pg_class t ON t.oid = indrelid
 WHERE t.relname IN ('human_task', 'signal', 'process_instance') AND NOT indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid)
"""

LOAD_SQL = """
INSERT INTO process_instance (id, definition_id, version, status, state, created_at, updated_at, completed_at)
SELECT i, :definition_id, 1, CASE WHEN last_done IS NULL THEN 'lopend' ELSE 'afgerond' END, '{}',
       ontvangen, coalesce(last_done, ontvangen), last_done
  FROM gen;
INSERT INTO signal (id, referentie, instance_id, gemeente_id, ontvangen_op, bron, melder, omschrijving, locatie,
                    uitbuitingsvormen, identificeerbaar_slachtoffer, minderjarige, acute_nood, sector, indicatoren,
                    status, fase, uitkomst, route, created_at, updated_at, closed_at)
SELECT i, 'MH-B-' || i, i, g, ontvangen, 'intern', '{}', 'bench', NULL,
       CAST(CASE WHEN r_vorm < 0.45 THEN '["arbeid"]' WHEN r_vorm < 0.75 THEN '["seksueel"]'
                 WHEN r_vorm < 0.9 THEN '["crimineel", "arbeid"]' ELSE '["onbekend"]' END AS json),
       true, (ARRAY['ja', 'nee', 'onbekend'])[r_minor + 1], r_vorm < 0.1,
       (ARRAY['horeca', 'agrarisch', 'bouw', 'logistiek', 'seksbranche', 'schoonmaak', NULL])[1 + floor(r_sector * 7)::int],
       '[]', CASE WHEN last_done IS NULL THEN 'lopend' ELSE 'afgerond' END,
       CASE WHEN last_done IS NULL THEN last_naam END,
       CASE WHEN last_done IS NULL THEN NULL WHEN path = 'geen' THEN 'Afgesloten – geen vermoeden'
            WHEN path = 'gemeente' THEN 'Gemeentelijk oppakken'
            WHEN route = 'zorgtraject' THEN 'Zorgtraject gestart'
            WHEN route = 'zorg_en_strafrecht' THEN 'Zorg- en strafrechtelijk traject gestart'
            ELSE 'RIEC-casus gestart' END,
       route, ontvangen, coalesce(last_done, ontvangen), last_done
  FROM gen;
INSERT INTO human_task (instance_id, signal_id, gemeente_id, spiff_task_id, bpmn_id, naam, rol, formulier,
                        toegewezen_aan, status, created_at, due_at, completed_by, completed_at, escalated_at)
SELECT i, i, g, 'b-' || i || '-' || k, bpmn_id, naam, rol, NULL, assignee,
       CASE WHEN done IS NULL THEN 'open' ELSE 'voltooid' END,
       created, due, CASE WHEN done IS NOT NULL THEN assignee END, done,
       CASE WHEN coalesce(done, CAST(:now AS timestamptz)) > due THEN due END
  FROM (
    SELECT gen.i, gen.g, s.k, s.bpmn_id, s.naam, s.rol, s.created, s.created + s.days * interval '1 day' AS due,
           CASE WHEN s.k < gen.n_tasks THEN s.finish ELSE gen.last_done END AS done,
           CASE WHEN (s.k = gen.n_tasks AND gen.last_done IS NULL) AND gen.r_assign < 0.5 THEN NULL
                WHEN s.rol = 'analist' THEN 1000 + gen.g * 10 + floor(gen.r_assign * 3)::int
                WHEN s.rol = 'aandachtsfunctionaris' THEN 2000 + gen.g * 10 + floor(gen.r_assign * 2)::int
                ELSE 4000 + (CASE s.rol WHEN 'zorgcoordinator' THEN 1 WHEN 'zvh' THEN 2 ELSE 3 END) * 10
                     + floor(gen.r_assign * 2)::int END AS assignee
      FROM gen CROSS JOIN LATERAL (VALUES
            (1, 'task_verrijken', 'Signaal verrijken', 'analist', 5, gen.c1, gen.e1),
            (2, 'task_beoordelen', 'Afstemmen en beoordelen', 'aandachtsfunctionaris', 10, gen.e1, gen.e2),
            (3, CASE gen.route WHEN 'zorgtraject' THEN 'task_intake' WHEN 'zorg_en_strafrecht' THEN 'task_regie_zvh'
                               ELSE 'task_regie_riec' END,
                CASE gen.route WHEN 'zorgtraject' THEN 'Intake zorgcoördinatie' WHEN 'zorg_en_strafrecht'
                     THEN 'Regie zorg- en strafrechtelijk traject' ELSE 'Regie ondermijning (RIEC)' END,
                CASE gen.route WHEN 'zorgtraject' THEN 'zorgcoordinator' WHEN 'zorg_en_strafrecht' THEN 'zvh'
                     ELSE 'riec' END,
                90, gen.e2, gen.e3)) AS s(k, bpmn_id, naam, rol, days, created, finish)
     WHERE s.k <= gen.n_tasks
  ) t
 ORDER BY created;
DROP TABLE gen;
"""


def build(db_url: str, task_rows: int) -> Orchestrator:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    orch = Orchestrator(Database(engine), FixedClock(NOW))
    orch.deploy_folder(ROOT / "processes" / "signaal-naar-casus")
    started = time.perf_counter()
    params = {"namen": GEMEENTEN, "now": NOW, "n": int(task_rows / MIN_TASKS_PER_SIGNAL), "target": task_rows}
    with engine.begin() as conn:
        params["definition_id"] = conn.execute(text("SELECT min(id) FROM process_definition")).scalar_one()
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            # A bulk load: memory for the sorts and index builds, and no foreign-key trigger per row
            # (the generated rows refer to rows generated with them; the keys stay declared).
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(DROP_INDEXES_SQL)
            indexes = cur.fetchall()
            for name, _definition in indexes:
                cur.execute(f"DROP INDEX {name}")
            for sql in (USERS_SQL, GEN_SQL, LOAD_SQL):
                for statement in [_named(s) for s in sql.split(";\n") if s.strip()]:
                    cur.execute(statement, params if "%(" in statement else None)
            loaded = time.perf_counter()
            for _name, definition in indexes:
                cur.execute(definition)
    print(f"loaded in {loaded - started:.1f} s, rebuilt {len(indexes)} indexes in {time.perf_counter() - loaded:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("gemeente", "app_user", "user_role", "process_instance", "signal", "human_task"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        conn.execute(text("VACUUM ANALYZE"))
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608 - fixed names
                  for t in ("signal", "human_task")}
        open_tasks = conn.execute(text("SELECT count(*) FROM human_task WHERE status = 'open'")).scalar_one()
    print(f"generated {counts['signal']:,} signals and {counts['human_task']:,} human_task rows "
          f"({open_tasks:,} open) in {time.perf_counter() - started:.1f} s")
    return orch


def _named(statement: str) -> str:
    """Turn ``:name`` parameters into psycopg's ``%(name)s`` (and ``::`` casts stay)."""
    return re.sub(r"(?<![:\w]):(namen|now|n|target|definition_id)\b", r"%(\1)s", statement)


class StatementLog:
    """Captures the SQL statements (with parameters) an engine runs while active."""

    def __init__(self, engine):
        self.engine, self.active, self.statements = engine, False, []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.statements.append((statement, parameters))

    @contextlib.contextmanager
    def capture(self):
        self.statements, self.active = [], True
        try:
            yield self.statements
        finally:
            self.active = False


def explain(orch: Orchestrator, statements, title: str) -> None:
    """EXPLAIN each captured statement; print its node types and whether it reads an index."""
    print(f"\n[{title}] query plans")
    with orch.db.engine.begin() as conn:
        raw = conn.connection.driver_connection
        for number, (statement, parameters) in enumerate(statements, 1):
            with raw.cursor() as cur:
                if not statement.lstrip().upper().startswith("SELECT"):  # e.g. SET LOCAL work_mem
                    cur.execute(statement, parameters)
                    print(f"  {number:2}. {' '.join(statement.split())}")
                    continue
                cur.execute("EXPLAIN " + statement, parameters)
                plan = [row[0] for row in cur.fetchall()]
            nodes = re.findall(r"((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan)"
                               r"(?: Backward)?(?: using \w+)?(?: on \w+)?)", "\n".join(plan))
            seq = [n for n in nodes if "Seq Scan" in n and "gemeente" not in n and "app_user" not in n
                   and "user_role" not in n and "process_definition" not in n]
            head = " ".join(statement.split())[:110]
            verdict = "uses indexes" if not seq else "SEQUENTIAL SCAN on a large table: " + ", ".join(seq)
            print(f"  {number:2}. {head}…\n      {verdict}; nodes: {', '.join(dict.fromkeys(nodes)) or '(none)'}")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def time_calls(label: str, calls, runs: int) -> list[float]:
    for call in calls[:3]:  # warm caches and the statement cache
        call()
    timings = []
    for number in range(runs):
        started = time.perf_counter()
        calls[number % len(calls)]()
        timings.append((time.perf_counter() - started) * 1000)
    print(f"{label:38} median {statistics.median(timings):7.1f} ms   p95 {p95(timings):7.1f} ms   "
          f"max {max(timings):7.1f} ms   ({runs} runs)")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="200,000 task rows, fewer runs (< 1 minute)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    task_rows = 200_000 if args.quick else 1_000_000
    runs = 15 if args.quick else 40
    bench_db = BenchDatabase(args.pg_url, f"signaalroute_bench_dashboard_{os.getpid()}")
    bench_db.create()
    orch = None
    try:
        orch = build(bench_db.url, task_rows)
        managers = [orch.actor(3000 + g) for g in range(1, 9)]
        region = orch.actor(3100)
        log = StatementLog(orch.db.engine)
        van, tot = (NOW - dt.timedelta(days=365)).date(), NOW.date()
        with log.capture() as board_statements:
            sample = orch.managers.board(managers[3])
        with log.capture() as figure_statements:
            figures = orch.managers.figures(managers[3], van=van, tot=tot)
        with log.capture() as region_board_statements:
            orch.managers.board(region)
        with log.capture() as region_figure_statements:
            orch.managers.figures(region, van=van, tot=tot)
        print(f"board of {GEMEENTEN[3]}: {sample['te_laat']} late, {sample['bijna']} due within 2 days, "
              f"{sample['escalaties']['open']} open escalations; figures: {figures['ontvangen']} signals received, "
              f"{sum(s['aantal'] for s in figures['stappen'])} steps finished in 12 months")
        print(f"\nload average before the timings: {_load()}")
        board = time_calls("board (a municipality's manager)",
                           [lambda m=m: orch.managers.board(m) for m in managers], runs)
        municipal = time_calls("figures, 12 months, one municipality",
                               [lambda m=m: orch.managers.figures(m, van=van, tot=tot) for m in managers], runs)
        board_region = time_calls("board, all eight", [lambda: orch.managers.board(region)], runs // 2)
        regional = time_calls("figures, 12 months, all eight",
                              [lambda: orch.managers.figures(region, van=van, tot=tot)], runs // 2)
        print(f"load average after the timings: {_load()}")
        explain(orch, board_statements, "board")
        explain(orch, figure_statements, "figures")
        explain(orch, region_board_statements, "board, all eight")
        explain(orch, region_figure_statements, "figures, all eight")
        with orch.db.read() as conn:
            rows = conn.execute(text("SELECT count(*) FROM human_task")).scalar_one()
        print(f"\nRESULT board_p95_ms={p95(board):.1f} figures_p95_ms={p95(municipal):.1f} "
              f"board_region_p95_ms={p95(board_region):.1f} figures_region_p95_ms={p95(regional):.1f} "
              f"task_rows={rows} load={os.getloadavg()[0]:.2f}")
    finally:
        if orch is not None:
            orch.db.dispose()
        if args.keep:
            print(f"kept database {bench_db.name}", file=sys.stderr)
        else:
            bench_db.drop()


if __name__ == "__main__":
    run_main(main, "bench/dashboard.py")
