"""A process without a form on its start event is reported through the shared report form.

The report form exists once, as the start form of the default process; a route the
intake chooses (a process with a bare start event) is checked against it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import FieldErrors, NotFound

BARE = Path(__file__).resolve().parents[1] / "data" / "zonder-meldformulier"


@pytest.fixture
def bare(orchestrator):
    orchestrator.deploy_folder(BARE)
    return "zonder-meldformulier"


def test_a_process_without_a_start_form_takes_the_shared_report_form(orchestrator, users, intake, bare):
    outcome = orchestrator.report_signal(users.melder, intake(), proces=bare)

    assert [task["naam"] for task in outcome.nieuwe_taken] == ["Bekijken"]
    assert orchestrator.intake_form(bare) == orchestrator.intake_form()


def test_the_shared_report_form_still_checks_every_field(orchestrator, users, intake, bare):
    with pytest.raises(FieldErrors) as caught:
        orchestrator.report_signal(users.melder, intake(omschrijving=None, gemeente="Atlantis"), proces=bare)

    assert set(caught.value.fields) == {"omschrijving", "gemeente"}


def test_without_the_default_process_a_bare_process_cannot_be_reported(db_url, clock):
    from engine.service.orchestrator import Orchestrator
    from engine.store.db import Database, make_engine

    orch = Orchestrator(Database(make_engine(db_url)), clock)
    try:
        orch.deploy_folder(BARE)
        with pytest.raises(NotFound):
            orch.intake_form("zonder-meldformulier")
    finally:
        orch.db.dispose()
