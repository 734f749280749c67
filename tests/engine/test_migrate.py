"""The Alembic migrations build exactly the schema of engine/store/schema.py, and can be undone."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from engine.store import migrate
from engine.store.db import make_engine, normalise_url
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


def _outbox_row_before_the_key(engine) -> None:
    """Migrate to 0013 and write one outbox row as 0013 knew it."""
    migrate.upgrade(engine, "0013")
    with engine.connect().execution_options(write=True) as conn:
        conn.execute(text("INSERT INTO app_user (id, gebruikersnaam, naam, actief, created_at) "
                          "VALUES (7, 'anna', 'Anna', true, '2026-01-05 09:00:00')"))
        conn.execute(text("INSERT INTO mail_bericht (id, soort, user_id, link, status, pogingen, created_at, attempt_at) "
                          "VALUES (41, 'klaargezet', 7, '/taken/1', 'verzonden', 1, '2026-01-05 09:00:00', "
                          "'2026-01-05 09:00:00')"))
        conn.commit()


def _assert_the_row_got_a_legacy_key(engine) -> None:
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, sleutel FROM mail_bericht")).all() == [(41, "legacy:41")]


def test_outbox_rows_from_before_the_key_get_a_legacy_key(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sleutel.db'}")
    try:
        _outbox_row_before_the_key(engine)
        _assert_the_row_got_a_legacy_key(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_outbox_rows_from_before_the_key_get_a_legacy_key_on_postgresql():
    base = make_url(normalise_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")))
    name = f"signaalroute_sleutel_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
        try:
            _outbox_row_before_the_key(engine)
            _assert_the_row_got_a_legacy_key(engine)
        finally:
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
