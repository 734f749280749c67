"""Apply the Alembic migrations (the init command and the tests call this)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def include_object_for(dialect_name: str):
    """Alembic's ``include_object`` for ``dialect_name``: leave out what ``ddl_if`` keeps off that dialect.

    The covering indexes of the managers' overview exist on PostgreSQL only (engine/store/schema.py);
    comparing the schema with a SQLite database must not ask for them.
    """
    def include_object(obj, _name, type_, _reflected, _compare_to) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None)
        if type_ == "index" and ddl_if is not None and ddl_if.dialect is not None:
            return ddl_if.dialect == dialect_name
        return True
    return include_object


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    with engine.connect().execution_options(write=True) as conn:
        command.upgrade(alembic_config(conn), revision)
        conn.commit()


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between ``schema.py`` and the database."""
    with engine.connect() as conn:
        command.revision(alembic_config(conn), message=message, autogenerate=True)
