"""Database engine creation and the unit of work.

``Database.write()`` is the one place a transaction commits (ARCHITECTURE invariant 1):
a command runs inside it and either everything it wrote is committed or nothing is.
On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` so two writers queue on
the database lock instead of failing half-way with "database is locked".
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event

DEFAULT_SQLITE_PATH = Path("instance") / "signaalroute.db"


def default_url() -> str:
    """``DATABASE_URL`` from the environment, else a SQLite file under ``instance/``."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH.resolve()}"


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create a SQLAlchemy engine for ``url`` with the settings each backend needs.

    :param url: a database URL; ``None`` means :func:`default_url`.
    """
    url = normalise_url(url) if url else default_url()
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    for name, value in pool_settings().items():
        kwargs.setdefault(name, value)
    return create_engine(url, **kwargs)


# Connection pool of each process (PostgreSQL): setting -> (environment variable, default).
POOL_SETTINGS = {
    "pool_size": ("DB_POOL_SIZE", 10),          # connections kept open per process
    "max_overflow": ("DB_MAX_OVERFLOW", 20),    # extra connections under a burst, closed afterwards
    "pool_timeout": ("DB_POOL_TIMEOUT", 30),    # seconds a request waits for a free connection
    "pool_recycle": ("DB_POOL_RECYCLE", 1800),  # seconds before a connection is replaced (firewalls, pgbouncer)
}


def pool_settings(environ=None) -> dict:
    """The pool arguments for :func:`make_engine`, from the environment or their defaults.

    ``pool_pre_ping`` is always on: a connection the server closed (a restart, a failover,
    an idle timeout) is noticed when it is taken from the pool and replaced, so the next
    command after a database restart works instead of failing once per pooled connection.

    :param environ: the environment to read (default ``os.environ``).
    :raises ValueError: naming the variable when a value is not a whole number >= 0.
    """
    environ = os.environ if environ is None else environ
    settings: dict = {"pool_pre_ping": True}
    for name, (variable, default) in POOL_SETTINGS.items():
        raw = environ.get(variable, "").strip()
        if not raw:
            settings[name] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < 0:
            raise ValueError(f"{variable}: expected a whole number >= 0, got {raw!r}")
        settings[name] = value
    return settings


WAL_AUTOCHECKPOINT_PAGES = 10_000


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint the WAL every ~40 MB instead of SQLite's 4 MB: a hot page (an index
        # root, the audit table's tail) is copied to the database once per checkpoint, so
        # rarer checkpoints copy less in all and commits pay for them less often.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        if conn.get_execution_options().get("write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


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
