"""The API's deploy (POST /api/v1/process-definitions) replays the package's scenarios too: a changed
ending is a 409 until ``scenarios_bevestigd`` with a comment."""
from __future__ import annotations

from engine.definitions.package import ProcessPackage
from tests.db_views import audit_details
from tests.engine.route_actions import DEFAULT_PROCESS
from tests.engine.tryout_actions import ZORG_NODIG, care_goes_to_zvh


def _package(orchestrator, users) -> dict[str, str]:
    files = {name: content.decode() for name, content in ProcessPackage.from_folder(DEFAULT_PROCESS).files.items()}
    made = orchestrator.tryouts.scenario_file(users.procesbeheerder, "signaal-naar-casus", "zorg-nodig", "Zorg nodig",
                                              ZORG_NODIG, "2026-01-05T09:00:00Z")
    files[made["bestand"]] = made["inhoud"]
    files["routering.dmn"] = care_goes_to_zvh(files["routering.dmn"])
    return files


def test_an_api_deploy_whose_scenario_ends_differently_needs_a_confirmation(api, orchestrator, users):
    files = _package(orchestrator, users)

    held = api["pb"].post("/process-definitions", json={"bestanden": files, "opmerking": "Zorg naar het ZVH"})
    assert held.status_code == 409 and "1 scenario eindigt nu anders" in held.get_json()["fout"]

    done = api["pb"].post("/process-definitions", json={"bestanden": files, "opmerking": "Zorg naar het ZVH",
                                                        "scenarios_bevestigd": True})
    assert done.status_code == 201 and done.get_json()["versie"] == 2
    assert audit_details(orchestrator, "scenario_uitkomst_bevestigd")[0]["opmerking"] == "Zorg naar het ZVH"
