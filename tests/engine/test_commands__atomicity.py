"""One command, one transaction (invariant 1): a failure late in a command leaves no trace.

The audit record is the last thing a command writes, after the instance state, the task
and signal projections. Making it fail shows that everything before it is rolled back.
"""
from __future__ import annotations

import pytest

from engine.audit import audit
from engine.store.schema import audit_event, human_task, process_instance, signal
from tests.engine.route_actions import VERRIJKT

TABLES = (signal, process_instance, human_task, audit_event)


class Crash(Exception):
    """Stands in for a crash half-way through a command."""


@pytest.fixture
def crash_on(monkeypatch):
    """``crash_on("taak_voltooid")``: writing a batch with that audit action raises :class:`Crash`."""
    write = audit.AuditBatch.write

    def arm(actie: str) -> None:
        def failing_write(self, conn):
            if any(event["actie"] == actie for event in self.events):
                raise Crash(actie)
            write(self, conn)

        monkeypatch.setattr(audit.AuditBatch, "write", failing_write)

    return arm


def _snapshot(route, started) -> tuple:
    instance = route.instance(started.instance_id)
    return (instance.version, instance.state, instance.status, [tuple(t) for t in route.open_tasks(started.signal_id)],
            tuple(route.signal_row(started.signal_id)), route.counts(*TABLES))


def test_a_crash_while_reporting_leaves_nothing(route, intake, crash_on):
    crash_on("signaal_gemeld")

    with pytest.raises(Crash):
        route.report(intake())

    assert route.counts(*TABLES) == {t.name: 0 for t in TABLES}


@pytest.mark.parametrize("actie", ["taak_voltooid", "taak_aangemaakt"])
def test_a_crash_while_completing_leaves_the_instance_as_it_was(route, users, intake, crash_on, actie):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    before = _snapshot(route, started)
    crash_on(actie)

    with pytest.raises(Crash):
        route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)

    assert _snapshot(route, started) == before
    assert route.signal_row(started.signal_id).fase == "Signaal verrijken"


def test_after_a_crash_the_command_can_simply_be_repeated(route, users, intake, crash_on, monkeypatch):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    crash_on("taak_voltooid")
    with pytest.raises(Crash):
        route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)
    monkeypatch.undo()

    route.orchestrator.complete_task(users.analist, task.id, VERRIJKT)

    assert route.open_task(started.signal_id).bpmn_id == "task_beoordelen"
    assert route.instance(started.instance_id).version == 2
    assert [e.actie for e in route.audit(started.signal_id)].count("taak_voltooid") == 1


def test_a_crash_while_claiming_leaves_the_task_unclaimed(route, users, intake, crash_on):
    started = route.report(intake())
    task = route.open_task(started.signal_id, "task_verrijken")
    crash_on("taak_geclaimd")

    with pytest.raises(Crash):
        route.orchestrator.claim(users.analist, task.id)

    assert route.open_task(started.signal_id).toegewezen_aan is None
