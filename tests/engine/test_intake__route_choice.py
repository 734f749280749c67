"""The intake chooses the process from the report's answers (decision table 'proceskeuze')."""
from __future__ import annotations

import pytest

from engine.errors import WorkflowFailed
from engine.store.schema import audit_event
from tests.engine.route_actions import ROOT, use_intake_table

NEW_ROUTES = ("slachtoffer-in-beeld", "meldcode")


@pytest.fixture
def routes(orchestrator):
    for folder in NEW_ROUTES:
        orchestrator.deploy_folder(ROOT / "processes" / folder)
    use_intake_table(orchestrator)  # Nijmegen's intake chooses by the table (without a set-up: the stroomschema)
    return orchestrator


def test_a_vague_signal_without_a_victim_follows_the_stroomschema(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake())

    assert outcome.proces == "signaal-naar-casus"
    assert [t["naam"] for t in outcome.nieuwe_taken] == ["Signaal verrijken"]


def test_an_identifiable_victim_who_wants_to_report_labour_exploitation_goes_to_the_nla(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake(identificeerbaar_slachtoffer=True, slachtoffer_wil_melden=True,
                                                        uitbuitingsvormen=["arbeid"]))

    assert outcome.proces == "slachtoffer-in-beeld"
    assert [(t["bpmn_id"], t["naam"]) for t in outcome.nieuwe_taken] == [("task_nla", "Doorverwijzen naar NLA")]


def test_a_teacher_under_the_meldcode_goes_to_veilig_thuis(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake(meldcode_professional=True, identificeerbaar_slachtoffer=True,
                                                        sector=None))

    assert outcome.proces == "meldcode"
    assert [t["bpmn_id"] for t in outcome.nieuwe_taken] == ["task_melden_vt"]


def test_the_source_meldcode_counts_as_a_professional_under_the_meldcode(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake(bron="meldcode", gemeld_bij_veilig_thuis=True))

    assert outcome.proces == "meldcode"
    assert [t["bpmn_id"] for t in outcome.nieuwe_taken] == ["task_uitkomst_vt"]
    assert outcome.route == "veilig_thuis"


def test_a_location_goes_to_the_location_process(routes, users, intake):
    # locatie-in-beeld is built on another branch: this passes once both are merged.
    routes.deploy_folder(ROOT / "processes" / "locatie-in-beeld")

    outcome = routes.report_signal(users.melder, intake(gaat_om_locatie=True, uitbuitingsvormen=["seksueel"],
                                                        locatie="Industrieweg 4, Nijmegen"))

    assert outcome.proces == "locatie-in-beeld"


def test_a_chosen_process_that_is_not_deployed_is_a_clear_error_and_writes_nothing(orchestrator, users, intake):
    use_intake_table(orchestrator)
    with pytest.raises(WorkflowFailed, match="'slachtoffer-in-beeld'.*niet gedeployd") as caught:
        orchestrator.report_signal(users.melder, intake(identificeerbaar_slachtoffer=True))

    assert caught.value.element_id == "proceskeuze"
    assert orchestrator.signal_count() == 0


def test_without_a_set_up_every_signal_follows_the_stroomschema(orchestrator, users, intake):
    """Issue #17: a municipality without a route set-up of its own or its region's keeps Nijmegen's meldpunt:
    every signal through the analist and the aandachtsfunctionaris, whatever the answers."""
    for folder in NEW_ROUTES:
        orchestrator.deploy_folder(ROOT / "processes" / folder)
    for answers in ({"identificeerbaar_slachtoffer": True, "slachtoffer_wil_melden": True}, {"gaat_om_locatie": True},
                    {"meldcode_professional": True}, {}):
        outcome = orchestrator.report_signal(users.melder, intake(**answers))
        assert (outcome.proces, [t["bpmn_id"] for t in outcome.nieuwe_taken]) == ("signaal-naar-casus", ["task_verrijken"])


def test_a_named_process_is_started_whatever_the_answers(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake(identificeerbaar_slachtoffer=True), proces="signaal-naar-casus")

    assert outcome.proces == "signaal-naar-casus"


def test_the_choice_and_its_answers_are_in_the_audit_log(routes, users, intake):
    outcome = routes.report_signal(users.melder, intake(identificeerbaar_slachtoffer=True, slachtoffer_wil_steun=True))

    with routes.db.read() as conn:
        detail = conn.execute(audit_event.select().where(audit_event.c.signal_id == outcome.signal_id,
                                                         audit_event.c.actie == "signaal_gemeld")).one().detail
    assert detail["proces"] == "slachtoffer-in-beeld"
    assert detail["proceskeuze"] == {"identificeerbaar_slachtoffer": True, "gaat_om_locatie": False,
                                     "meldcode_professional": False}
