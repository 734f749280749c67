"""Database engine creation and the unit of work.

``Database.write()`` is the one place a transaction commits (ARCHITECTURE invariant 1):
a command runs inside it and either everything it wrote is committed or nothing is.
On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` so two writers queue on
the database lock instead of failing half-way with "database is locked".
"""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

DEFAULT_SQLITE_PATH = Path("instance") / "signaalroute.db"


def default_url() -> str:
    """A SQLite file under ``instance/``: the database when none is configured (``DATABASE_URL``)."""
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH.resolve()}"


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")


def make_engine(url: str | None = None, pool: Mapping | None = None, *, sqlite_synchronous: str = "NORMAL",
                **kwargs) -> Engine:
    """Create a SQLAlchemy engine for ``url`` with the settings each backend needs.

    On PostgreSQL the pool takes ``kwargs``, then ``pool`` (the app passes its ``DB_POOL_*``
    settings, :mod:`web.settings`), then :data:`POOL_DEFAULTS`; ``pool_pre_ping`` is always on: a connection
    the server closed (a restart, a failover, an idle timeout) is noticed when it is taken from the
    pool and replaced, so the next command after a database restart works instead of failing once
    per pooled connection.

    :param url: a database URL; ``None`` means :func:`default_url`.
    :param pool: ``pool_size``, ``max_overflow``, ``pool_timeout``, ``pool_recycle`` (SQLite has no pool to size).
    :param sqlite_synchronous: SQLite's ``synchronous`` pragma: ``NORMAL`` (WAL: a commit is not fsynced, the
        last commits can be lost on a power cut but the database stays consistent) or ``FULL`` (every commit
        fsynced). Ignored on PostgreSQL.
    """
    url = normalise_url(url) if url else default_url()
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, sqlite_synchronous)
        return engine
    for name, value in {**POOL_DEFAULTS, **(pool or {}), "pool_pre_ping": True}.items():
        kwargs.setdefault(name, value)
    return create_engine(url, **kwargs)


# The connection pool of each process (PostgreSQL), unless the caller says otherwise.
POOL_DEFAULTS = {
    "pool_size": 10,        # connections kept open per process
    "max_overflow": 20,     # extra connections under a burst, closed afterwards
    "pool_timeout": 30,     # seconds a request waits for a free connection
    "pool_recycle": 1800,   # seconds before a connection is replaced (firewalls, pgbouncer)
}


WAL_AUTOCHECKPOINT_PAGES = 10_000


def _configure_sqlite(engine: Engine, synchronous: str = "NORMAL") -> None:
    synchronous = synchronous.upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"SQLite synchronous: kies uit {', '.join(SQLITE_SYNCHRONOUS)}, niet {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # Checkpoint the WAL every ~40 MB instead of SQLite's 4 MB: a hot page (an index
        # root, the audit table's tail) is copied to the database once per checkpoint, so
        # rarer checkpoints copy less in all and commits pay for them less often.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    event.listen(engine, "begin", _begin_sqlite)


def _begin_sqlite(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for a write, ``BEGIN`` for a read, on the driver's connection itself: through
    SQLAlchemy's statement machinery the BEGIN cost as much as a small query, on every transaction. An
    error is raised as SQLAlchemy's own (``OperationalError`` for a locked or missing database), as before."""
    statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN"
    try:
        conn.connection.driver_connection.execute(statement)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class Database:
    """Hands out connections: ``read()`` for queries, ``write()`` for one command."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect().execution_options(write=True) as conn:
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()
