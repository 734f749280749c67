"""Fixtures shared by the engine and web test-suites.

``db_url`` runs a test on SQLite and on PostgreSQL. Each test starts from an empty,
migrated schema: the Alembic migrations run once per session (per xdist worker and
backend), and each test then gets a copy of the migrated SQLite file or a PostgreSQL
database emptied with ``DELETE`` (a few ms, against ~25 ms for ``TRUNCATE``).

PostgreSQL: the server from ``TEST_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``). Each xdist worker uses its own
database, ``signaalroute_test_<worker>``, locked for the session with an advisory lock;
a second test run at the same time gets temporary databases of its own, so two runs
never empty each other's tables. An unreachable server fails the PostgreSQL tests,
unless ``SIGNAALROUTE_SKIP_POSTGRES=1`` skips them — which is refused under ``CI``, where
any skipped test fails the run (:mod:`tests.ci_policy`).
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, MetaData, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from engine.clock import FixedClock
from engine.people.users import Actor
from engine.service.orchestrator import Orchestrator
from engine.store import migrate
from engine.store.db import Database, make_engine, normalise_url
from tests.ci_policy import (  # noqa: F401 - the hooks
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_sessionstart,
    skip_postgres,
)
from tests.people import ENGINE_USERS, add_people

DEFAULT_PROCESS = Path(__file__).resolve().parent.parent / "processes" / "signaal-naar-casus"
# The care trajectory the default route starts when it reaches care (property start_proces).
CARE_PROCESS = Path(__file__).resolve().parent.parent / "processes" / "zorgtraject"

POSTGRES_BASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_configure(config):
    skip_postgres()  # SIGNAALROUTE_SKIP_POSTGRES=1 under CI stops the run before it starts, saying why


def pytest_collection_modifyitems(config, items):
    if not skip_postgres():  # refused loudly under CI
        return
    skip = pytest.mark.skip(reason="SIGNAALROUTE_SKIP_POSTGRES=1")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# --- databases ---------------------------------------------------------------------------

def _sqlite_files(path: Path) -> list[Path]:
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A migrated, empty SQLite database file that each test copies."""
    path = tmp_path_factory.mktemp("sqlite-template") / "signaalroute.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return path


@dataclass(frozen=True)
class _PostgresDatabase:
    url: str
    engine: Engine
    reset_sql: str


def _admin_engine() -> Engine:
    return create_engine(normalise_url(POSTGRES_BASE_URL), isolation_level="AUTOCOMMIT")


def _claim_database(admin: Connection, worker_id: str, testrun_uid: str) -> tuple[str, bool]:
    """Lock this worker's database for the session; ``(name, temporary)``.

    Normally that is ``signaalroute_test_<worker>``, kept between runs. If another test
    run holds it (two people testing at once), this run takes a database of its own,
    dropped at the end. The lock is a session advisory lock on ``admin``.
    """
    stable = f"signaalroute_test_{worker_id}".lower()
    for name in (stable, f"{stable}_{testrun_uid[:12]}".lower()):
        if admin.execute(text("SELECT pg_try_advisory_lock(hashtext(:name))"), {"name": name}).scalar_one():
            exists = admin.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if not exists:
                admin.exec_driver_sql(f'CREATE DATABASE "{name}"')
            return name, name != stable
    raise RuntimeError(f"test run {testrun_uid} already holds {stable}")


@pytest.fixture(scope="session")
def _postgres() -> Iterator[_PostgresDatabase]:
    """This worker's own PostgreSQL database, migrated once per session."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "master")
    testrun_uid = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    admin_engine = _admin_engine()
    try:
        admin = admin_engine.connect()
    except OperationalError as exc:
        admin_engine.dispose()
        unreachable = exc.orig
    else:
        unreachable = None
    if unreachable is not None:
        pytest.fail(
            f"PostgreSQL at {make_url(POSTGRES_BASE_URL).render_as_string()} is unreachable: {unreachable}\n"
            "Start it (trust auth, user postgres; scripts/ensure-postgres.sh), point TEST_DATABASE_URL at "
            "another server, or (not in CI) set SIGNAALROUTE_SKIP_POSTGRES=1 to skip the PostgreSQL tests.",
            pytrace=False,
        )
    engine = None
    try:
        name, temporary = _claim_database(admin, worker_id, testrun_uid)
        url = make_url(normalise_url(POSTGRES_BASE_URL)).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url, pool_size=2)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        migrate.upgrade(engine)
        yield _PostgresDatabase(url, engine, _reset_sql(engine))
    finally:
        if engine is not None:
            engine.dispose()
            if temporary:
                admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()  # releases the advisory lock
        admin_engine.dispose()


def _reset_sql(engine: Engine) -> str:
    """Empty every table the migrations made (children first) and restart the ids."""
    reflected = MetaData()
    reflected.reflect(engine)
    tables = [t.name for t in reversed(reflected.sorted_tables) if t.name != "alembic_version"]
    with engine.connect() as conn:
        sequences = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")).scalars()
        restarts = [f'ALTER SEQUENCE "{s}" RESTART' for s in sequences]
    return ";\n".join([f'DELETE FROM "{t}"' for t in tables] + restarts)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """The URL of an empty, migrated database: SQLite (a file) or PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "signaalroute.db"
        for source in _sqlite_files(template):
            shutil.copyfile(source, target.with_name(source.name))
        return f"sqlite:///{target}"
    database: _PostgresDatabase = request.getfixturevalue("_postgres")
    with database.engine.begin() as conn:
        conn.exec_driver_sql(database.reset_sql)
    return database.url


@pytest.fixture
def clock() -> FixedClock:
    """Stands at 2026-01-05 09:00 UTC until a test moves it."""
    return FixedClock()


@pytest.fixture
def orchestrator(db_url, clock) -> Iterator[Orchestrator]:
    """The engine on an empty database with ``processes/signaal-naar-casus`` (and the care trajectory it
    starts, ``processes/zorgtraject``) deployed."""
    orch = Orchestrator(Database(make_engine(db_url)), clock)
    try:
        orch.deploy_folder(DEFAULT_PROCESS)
        orch.deploy_folder(CARE_PROCESS)
        yield orch
    finally:
        orch.db.dispose()


# --- people --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Users:
    """One actor per role (:data:`tests.people.ENGINE_USERS`); municipal roles work in Nijmegen unless the name says otherwise."""

    melder: Actor
    analist: Actor
    aandachtsfunctionaris: Actor
    zorgcoordinator: Actor
    zvh: Actor
    riec: Actor
    procesbeheerder: Actor
    analist_elders: Actor


@pytest.fixture
def users(orchestrator, clock) -> Users:
    """The actors of :data:`tests.people.ENGINE_USERS`, created in one transaction (no passwords: hashing is slow)."""
    with orchestrator.db.write() as conn:
        ids = add_people(conn, ENGINE_USERS.values(), clock.now())
    return Users(**{attr: orchestrator.actor(ids[key]) for attr, key in ENGINE_USERS.items()})


# --- data ----------------------------------------------------------------------------------

def intake_data(**overrides) -> dict:
    """A valid intake for Nijmegen; ``None`` as an override leaves that field empty."""
    data = {
        "gemeente": "Nijmegen",
        "omschrijving": "Drie arbeidsmigranten slapen in een loods van een uitzendbureau.",
        "locatie": "Waalkade 1, Nijmegen",
        "uitbuitingsvormen": ["arbeid"],
        "identificeerbaar_slachtoffer": False,
        "minderjarige": "nee",
        "acute_nood": False,
        "sector": "logistiek",
        "indicatoren": ["woont_op_werkplek", "onderbetaling"],
    }
    data.update(overrides)
    if data.get("acute_nood") in (True, "on", "true") and "al_112_gebeld" not in overrides:
        data["al_112_gebeld"] = True  # acute danger asks whether 112 was called; these reports say it was
    return data


@pytest.fixture
def intake():
    """:func:`intake_data` as a fixture: ``intake(acute_nood=True)``."""
    return intake_data


@pytest.fixture
def canaries(tmp_path, monkeypatch):
    """A folder for the sandbox-escape canaries (tests/escape_corpus.py): a payload that ran would
    make a file here; ``breakpoint(path)`` would make one too."""
    monkeypatch.setenv("PYTHONBREAKPOINT", "os.mkdir")
    folder = tmp_path / "kanaries"
    folder.mkdir()
    return folder
