"""Two people act on the same task at the same moment: the database decides (invariant 2).

Each round releases two threads from a barrier into the same command; one wins, the
other gets a Conflict that says who won, and nothing is lost or done twice.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, Forbidden
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine
from engine.store.schema import human_task
from tests.engine.route_actions import VERRIJKT, race

ROUNDS = 10

# On PostgreSQL (READ COMMITTED) complete_task reads the human_task row without a lock and
# claims do not touch the instance version, so a claim that commits while a completion is
# under way succeeds and is then silently overwritten: both commands report success and a
# task claimed by one person is completed by another (~9 of 10 rounds). SQLite serialises
# writers (BEGIN IMMEDIATE) and is not affected.
@pytest.fixture(params=["one_orchestrator", "two_orchestrators"])
def second_orchestrator(request, orchestrator, db_url, clock):
    """The orchestrator the second person goes through: the same one, or another on the same database."""
    if request.param == "one_orchestrator":
        yield orchestrator
        return
    other = Orchestrator(Database(make_engine(db_url)), clock)
    try:
        yield other
    finally:
        other.db.dispose()


@pytest.fixture
def analist2(route):
    return route.add_user("analist2", "Bram Analist", "analist", "Nijmegen")


def _tasks_of(route, instance_id: int, bpmn_id: str) -> int:
    with route.orchestrator.db.read() as conn:
        return conn.execute(
            select(func.count()).select_from(human_task)
            .where(human_task.c.instance_id == instance_id, human_task.c.bpmn_id == bpmn_id)
        ).scalar_one()


def test_two_people_completing_one_task_one_wins(route, users, intake, analist2, second_orchestrator):
    for _ in range(ROUNDS):
        started = route.report(intake())
        task = route.open_task(started.signal_id, "task_verrijken")
        version = route.instance(started.instance_id).version

        outcomes = race(
            lambda: route.orchestrator.complete_task(users.analist, task.id, VERRIJKT),
            lambda: second_orchestrator.complete_task(analist2, task.id, VERRIJKT),
        )

        assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
        [error] = [value for kind, value in outcomes if kind == "error"]
        assert isinstance(error, Conflict), repr(error)
        winner = users.analist if outcomes[0][0] == "ok" else analist2
        done = route.orchestrator.task(users.analist, task.id)
        assert done["status"] == "voltooid" and done["voltooid_door"] == winner.gebruikersnaam
        assert f"al voltooid door {winner.naam}" in str(error)
        assert route.instance(started.instance_id).version == version + 1
        assert len(route.audit(started.signal_id, "taak_voltooid")) == 1
        assert _tasks_of(route, started.instance_id, "task_beoordelen") == 1
        assert route.open_task(started.signal_id).bpmn_id == "task_beoordelen"


def test_two_people_claiming_one_task_one_wins(route, users, intake, analist2, second_orchestrator):
    for _ in range(ROUNDS):
        started = route.report(intake())
        task = route.open_task(started.signal_id, "task_verrijken")

        outcomes = race(
            lambda: route.orchestrator.claim(users.analist, task.id),
            lambda: second_orchestrator.claim(analist2, task.id),
        )

        assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
        [error] = [value for kind, value in outcomes if kind == "error"]
        assert isinstance(error, Conflict), repr(error)
        winner = users.analist if outcomes[0][0] == "ok" else analist2
        assert route.open_task(started.signal_id).toegewezen_aan == winner.id
        assert len(route.audit(started.signal_id, "taak_geclaimd")) == 1


def test_claim_racing_completion_is_one_or_the_other(route, users, intake, analist2, second_orchestrator):
    """Either the completion came first (the claim is refused: already done) or the claim did
    (the completion is refused: assigned to the other) - never both."""
    for _ in range(3 * ROUNDS):  # a narrower race than two completions: more rounds
        started = route.report(intake())
        task = route.open_task(started.signal_id, "task_verrijken")

        outcomes = race(
            lambda: route.orchestrator.complete_task(users.analist, task.id, VERRIJKT),
            lambda: second_orchestrator.claim(analist2, task.id),
        )

        (completed, completion), (claimed, claim) = outcomes
        assert [completed, claimed].count("ok") == 1, outcomes
        if completed == "ok":
            assert isinstance(claim, Conflict) and f"al voltooid door {users.analist.naam}" in str(claim), outcomes
            assert len(route.audit(started.signal_id, "taak_voltooid")) == 1
            assert route.open_task(started.signal_id).bpmn_id == "task_beoordelen"
        else:
            assert isinstance(completion, Forbidden | Conflict) and analist2.naam in str(completion), outcomes
            assert route.open_task(started.signal_id, "task_verrijken").toegewezen_aan == analist2.id
