"""The Alembic migrations build exactly the schema of engine/store/schema.py, and can be undone."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from engine.store import migrate
from engine.store.db import make_engine
from engine.store.schema import metadata


def test_migrations_match_the_schema_module(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": migrate.include_object_for(conn.dialect.name)})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_migrations_go_down_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'heen-en-terug.db'}")
    try:
        migrate.upgrade(engine)
        with engine.connect().execution_options(write=True) as conn:
            command.downgrade(migrate.alembic_config(conn), "base")
            conn.commit()
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}

        migrate.upgrade(engine)

        assert set(inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_the_migrations_form_one_line():
    """One head and no merge points: every revision follows exactly one other."""
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    assert len(script.get_heads()) == 1
    assert all(not isinstance(rev.down_revision, tuple) for rev in script.walk_revisions())


def test_the_overview_covering_indexes_exist_on_postgresql_only(db_url):
    """They serve the managers' screens at a region's scale; on SQLite every command would only pay for them."""
    engine = make_engine(db_url)
    try:
        names = {ix["name"] for ix in inspect(engine).get_indexes("human_task")}
    finally:
        engine.dispose()
    covering = {"ix_human_task_open", "ix_human_task_completed"}
    if engine.dialect.name == "postgresql":
        assert covering <= names
    else:
        assert not covering & names
        assert "ix_human_task_gemeente" in names  # the general index still serves the board there
