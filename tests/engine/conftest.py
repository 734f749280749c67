"""Fixtures of the engine tests; the helpers themselves live in :mod:`tests.engine.route_actions`."""
from __future__ import annotations

import pytest

from tests.engine.oversight_actions import manager_factory, person_factory  # noqa: F401 - the managers' overview tests
from tests.engine.route_actions import RouteActions


@pytest.fixture
def route(orchestrator, users) -> RouteActions:
    """Report signals and complete their tasks as the ``users`` would."""
    return RouteActions(orchestrator, users)
