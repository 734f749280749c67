"""The few statements every command runs, executed on the connection's DBAPI cursor.

``Connection.execute`` costs some 20 µs per statement beyond the database's own work
(execution context, parameter handling, a result object). A command runs about eight
statements, most of them the same writes every time, so that overhead is a noticeable
part of a command. :class:`DriverStatement` compiles a Core statement once per dialect
and parameter set, converts parameters with SQLAlchemy's own bind processors (types,
JSON, time zones) and runs it on the raw cursor, inside the connection's transaction.

Use it for writes whose result is a row count or a few plain columns (``RETURNING`` of
ids, names): values come back as the driver gives them, without SQLAlchemy's result
processing (so no dates in ``RETURNING``). Everything else goes through ``conn.execute``.
"""
from __future__ import annotations

from sqlalchemy import Connection


class _Compiled:
    __slots__ = ("sql", "compiled", "processors", "order")

    def __init__(self, compiled):
        self.sql = compiled.string
        self.compiled = compiled
        self.processors = compiled._bind_processors
        # qmark (SQLite) takes a tuple in this order; pyformat (psycopg) a dict by name.
        self.order = compiled.positiontup if compiled.positional else None

    def convert(self, params: dict):
        values = self.compiled.construct_params(params, escape_names=False)
        processors = self.processors
        for name, process in processors.items():
            if name in values and values[name] is not None:
                values[name] = process(values[name])
        if self.order is not None:
            return tuple(values[name] for name in self.order)
        return values


class DriverStatement:
    """A Core statement run on the DBAPI cursor (see the module docstring)."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[tuple, _Compiled] = {}

    def _for(self, conn: Connection, keys: tuple[str, ...]) -> _Compiled:
        cache_key = (conn.dialect.name, keys)
        found = self._compiled.get(cache_key)
        if found is None:
            compiled = self.statement.compile(dialect=conn.dialect, column_keys=list(keys))
            if compiled.escaped_bind_names:
                raise ValueError(f"parameter names need escaping, use conn.execute: {compiled.escaped_bind_names}")
            found = self._compiled[cache_key] = _Compiled(compiled)
        return found

    def execute(self, conn: Connection, params: dict):
        """Run with ``params``; returns the DBAPI cursor (``rowcount``, ``fetchone()``), closed by the caller or GC."""
        compiled = self._for(conn, tuple(params))
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute(compiled.sql, compiled.convert(params))
        return cursor

    def executemany(self, conn: Connection, rows: list[dict]) -> None:
        """Run once per row (rows with the same keys go to the driver together)."""
        groups: dict[tuple, list[dict]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            for keys, group in groups.items():
                compiled = self._for(conn, keys)
                cursor.executemany(compiled.sql, [compiled.convert(row) for row in group])
        finally:
            cursor.close()

    def rowcount(self, conn: Connection, params: dict) -> int:
        cursor = self.execute(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def first(self, conn: Connection, params: dict):
        """The first returned row as a tuple, or None."""
        cursor = self.execute(conn, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()
