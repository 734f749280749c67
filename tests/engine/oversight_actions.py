"""Fixtures for the managers' overview tests (imported by the test modules that use them)."""
from __future__ import annotations

import pytest

from engine.people.users import Actor, add_user


@pytest.fixture
def manager_factory(orchestrator, clock):
    """``manager_factory(username, [gemeente, ...])``: a user with the manager role in each."""

    def make(username: str, gemeenten: list[str], naam: str | None = None) -> Actor:
        with orchestrator.db.write() as conn:
            for gemeente in gemeenten:
                user_id = add_user(conn, username, now=clock.now(), naam=naam or username, roles=["manager"],
                                   gemeente_naam=gemeente)
        return orchestrator.actor(user_id)

    return make


@pytest.fixture
def person_factory(orchestrator, clock):
    """``person_factory(username, rol, gemeente)``: a user with one role (``gemeente`` None: regional)."""

    def make(username: str, rol: str, gemeente: str | None, naam: str | None = None) -> Actor:
        with orchestrator.db.write() as conn:
            user_id = add_user(conn, username, now=clock.now(), naam=naam or username, roles=[rol],
                               gemeente_naam=gemeente)
        return orchestrator.actor(user_id)

    return make
