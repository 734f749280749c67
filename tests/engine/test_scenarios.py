"""Scenarios: a saved try-out that still ends the same passes; after a change to the routing table it
reports the new ending in the owner's words, and a deploy needs a confirmation with a comment."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from engine.errors import DeployRejected, FieldErrors, ScenariosChanged
from engine.store.schema import process_definition
from tests.db_views import audit_details
from tests.engine.route_actions import DEFAULT_PROCESS
from tests.engine.tryout_actions import SLEUTEL, ZORG_NODIG, care_goes_to_zvh, draft_texts

BEGIN = "2026-01-05T09:00:00Z"
SCENARIO = "scenarios/zorg-nodig.json"


def _save_scenario(orchestrator, users, files: dict[str, str]) -> dict[str, str]:
    """Save ``files`` as the draft with the 'zorg nodig' try-out as a scenario (as the editor does)."""
    owner = users.procesbeheerder
    orchestrator.owners.save_draft(owner, SLEUTEL, files)
    made = orchestrator.tryouts.scenario_file(owner, SLEUTEL, "zorg-nodig", "Zorg nodig: zorgtraject", ZORG_NODIG, BEGIN)
    assert made["bestand"] == SCENARIO
    files = {**files, SCENARIO: made["inhoud"]}
    orchestrator.owners.save_draft(owner, SLEUTEL, files)
    return files


def _versions(orchestrator) -> list[int]:
    with orchestrator.db.read() as conn:
        return list(conn.execute(select(process_definition.c.versie).where(process_definition.c.sleutel == SLEUTEL)).scalars())


def test_a_scenario_saves_its_steps_and_where_it_ended(orchestrator, users):
    files = _save_scenario(orchestrator, users, draft_texts())

    body = json.loads(files[SCENARIO])
    assert body["naam"] == "Zorg nodig: zorgtraject" and body["begin"] == BEGIN and body["stappen"] == ZORG_NODIG
    assert body["verwacht"]["status"] == "afgerond" and body["verwacht"]["uitkomst"] == "Zorgtraject gestart"
    assert body["verwacht"]["route"] == "zorgtraject" and "task_beoordelen" in body["verwacht"]["pad"]
    listed = orchestrator.tryouts.begin(users.procesbeheerder, SLEUTEL)["scenarios"]
    assert [s["naam"] for s in listed] == ["Zorg nodig: zorgtraject"]


def test_a_scenario_that_still_ends_the_same_passes_and_deploys_without_asking(orchestrator, users):
    files = draft_texts()
    bpmn = "signaal-naar-casus.bpmn"
    _save_scenario(orchestrator, users, {**files, bpmn: files[bpmn].replace('name="Signaal verrijken"',
                                                                          'name="Signaal aanvullen"', 1)})

    (result,) = orchestrator.tryouts.scenario_results(users.procesbeheerder, SLEUTEL)
    assert result["gelijk"] and result["verschillen"] == []
    deployment = orchestrator.owners.deploy_draft(users.procesbeheerder, SLEUTEL, "Stap hernoemd.")
    assert deployment.versie == 2 and audit_details(orchestrator, "scenario_uitkomst_bevestigd") == []


def test_after_a_table_change_the_scenario_reports_its_new_ending(orchestrator, users):
    files = _save_scenario(orchestrator, users, draft_texts())
    changed = {**files, "routering.dmn": care_goes_to_zvh(files["routering.dmn"])}
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, changed)

    (result,) = orchestrator.tryouts.scenario_results(users.procesbeheerder, SLEUTEL)

    assert not result["gelijk"]
    assert result["verschillen"][0] == (
        "Het scenario eindigt bij 'Zorgtraject gestart' (route zorgtraject); nu loopt nog (route zorg- en "
        "strafrechtelijk traject), open: 'Regie zorg- en strafrechtelijk traject'.")
    assert result["verschillen"][1:] == [
        "Niet meer langs: 'Zorgtraject gestart', 'Zorgtraject starten'.",
        "Nu ook langs: 'Regie en zorg', 'Zorgtraject starten (regie Zorg- en Veiligheidshuis)'."]
    assert result["nu"]["route"] == "zorg_en_strafrecht"


def test_a_deploy_whose_scenario_ends_differently_needs_a_confirmation_with_a_comment(orchestrator, users):
    owner = users.procesbeheerder
    files = _save_scenario(orchestrator, users, draft_texts())
    orchestrator.owners.save_draft(owner, SLEUTEL, {**files, "routering.dmn": care_goes_to_zvh(files["routering.dmn"])})

    with pytest.raises(ScenariosChanged) as held:
        orchestrator.owners.deploy_draft(owner, SLEUTEL, "Zorg nodig gaat naar het ZVH.")
    assert [s["naam"] for s in held.value.scenarios if not s["gelijk"]] == ["Zorg nodig: zorgtraject"]
    assert _versions(orchestrator) == [1]  # nothing deployed
    with pytest.raises(FieldErrors):
        orchestrator.owners.deploy_draft(owner, SLEUTEL, "  ", scenarios_bevestigd=True)

    deployment = orchestrator.owners.deploy_draft(owner, SLEUTEL, "Zorg nodig gaat naar het ZVH.", scenarios_bevestigd=True)

    assert deployment.versie == 2
    (detail,) = audit_details(orchestrator, "scenario_uitkomst_bevestigd")
    assert detail["opmerking"] == "Zorg nodig gaat naar het ZVH." and detail["scenarios"] == ["Zorg nodig: zorgtraject"]
    assert detail["versie"] == 2 and detail["verschillen"][0].startswith("Het scenario eindigt bij 'Zorgtraject gestart'")
    deployed = json.loads(orchestrator.owners.version_file(owner, SLEUTEL, 2, SCENARIO))
    assert deployed["verwacht"]["route"] == "zorg_en_strafrecht"  # the confirmed ending is now the expected one
    draft = orchestrator.owners.draft(owner, SLEUTEL)
    assert not draft["concept"] and json.loads(draft["bestanden"][SCENARIO])["verwacht"]["status"] == "lopend"


def test_a_folder_deploy_replays_its_scenarios_too(orchestrator, users, tmp_path):
    files = _save_scenario(orchestrator, users, draft_texts())
    folder = tmp_path / SLEUTEL
    shutil.copytree(DEFAULT_PROCESS, folder)
    (folder / "scenarios").mkdir()
    (folder / SCENARIO).write_text(files[SCENARIO], encoding="utf-8")
    (folder / "routering.dmn").write_text(care_goes_to_zvh(files["routering.dmn"]), encoding="utf-8")

    with pytest.raises(ScenariosChanged):
        orchestrator.deploy_folder(folder, "Zorg nodig naar het ZVH")
    deployment = orchestrator.deploy_folder(folder, "Zorg nodig naar het ZVH", scenarios_bevestigd=True)

    assert deployment.versie == 2 and len(audit_details(orchestrator, "scenario_uitkomst_bevestigd")) == 1


def test_an_unreadable_scenario_is_a_validation_problem_naming_the_file(orchestrator, users):
    owner = users.procesbeheerder
    orchestrator.owners.save_draft(owner, SLEUTEL, {**draft_texts(), "scenarios/kapot.json": '{"naam": "x"}'})

    problems = orchestrator.owners.validate_draft(owner, SLEUTEL)

    assert [(p.file, p.message.split(":")[0]) for p in problems] == [("scenarios/kapot.json", "scenario")]
    with pytest.raises(DeployRejected):
        orchestrator.owners.deploy_draft(owner, SLEUTEL, "Kapot scenario")


def test_a_scenario_needs_a_name_and_a_plain_id(orchestrator, users):
    owner = users.procesbeheerder
    with pytest.raises(FieldErrors) as refused:
        orchestrator.tryouts.scenario_file(owner, SLEUTEL, "../weg", "Naam", ZORG_NODIG, BEGIN)
    assert "id" in refused.value.fields
    with pytest.raises(FieldErrors) as refused:
        orchestrator.tryouts.scenario_file(owner, SLEUTEL, "zonder-naam", " ", ZORG_NODIG, BEGIN)
    assert "naam" in refused.value.fields


def test_a_scenario_that_now_gets_stuck_says_where_and_why(orchestrator, users):
    files = _save_scenario(orchestrator, users, draft_texts())
    table = files["routering.dmn"].replace('<inputEntry id="rule_zorgtraject_zorg">\n          <text></text>',
                                           '<inputEntry id="rule_zorgtraject_zorg">\n          <text>False</text>', 1)
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, {**files, "routering.dmn": table})

    (result,) = orchestrator.tryouts.scenario_results(users.procesbeheerder, SLEUTEL)

    assert not result["gelijk"] and result["nu"]["status"] == "vastgelopen"
    assert result["verschillen"][0].startswith("Het scenario eindigt bij 'Zorgtraject gestart' (route zorgtraject); "
                                               "nu loopt vast: Het proces kon niet verder bij 'task_routering'")
