"""Fixtures of the fault tests: a private PostgreSQL server, and a fresh database on it per test.

Each fault test module marks itself ``faults`` and ``xdist_group("private-postgres")``, so one server is started per test session.
Where no private server can be started (no binaries, root without a ``postgres`` user),
the tests skip and say why; under ``CI`` they fail instead (:mod:`tests.ci_policy`).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.ci_policy import unavailable
from tests.ops.ops_actions import prepare_database
from tests.ops.private_postgres import PrivatePostgres, unavailable_reason


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: fault tests on a private PostgreSQL server (tests/ops)")


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test session's own, on a free port; removed at the end."""
    reason = unavailable_reason()
    if reason:
        unavailable(f"no private PostgreSQL server for the fault tests: {reason}")
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def load_db(private_pg) -> str:
    """A fresh database on the private server: migrated, ``bench/data/route-kort`` deployed, load users."""
    url = private_pg.create_database(f"faults_{uuid.uuid4().hex[:10]}")
    prepare_database(url)
    return url
