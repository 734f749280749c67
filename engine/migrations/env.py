"""Alembic environment: migrations run on the connection the init command hands in."""
from alembic import context

from engine.store.migrate import include_object_for
from engine.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through engine.store.migrate.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  include_object=include_object_for(connection.dialect.name))
with context.begin_transaction():
    context.run_migrations()
