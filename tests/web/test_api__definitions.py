"""GET/POST /api/v1/process-definitions: list, deploy, reject with a problem list."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from engine.definitions.package import ProcessPackage
from tests.web.api_actions import open_task, report

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"


def _files(**replace: bytes) -> dict[str, str]:
    files = {name: content.decode() for name, content in ProcessPackage.from_folder(PROCESS).files.items()}
    files.update({k: v.decode() for k, v in replace.items()})
    return files


def _renamed_bpmn() -> bytes:
    bpmn = (PROCESS / "signaal-naar-casus.bpmn").read_bytes()
    assert b'name="Signaal verrijken"' in bpmn
    return bpmn.replace(b'name="Signaal verrijken"', b'name="Signaal verrijken (v2)"')


def _route(listed: list[dict]) -> list[dict]:
    """The default route's versions (the care trajectory it starts is deployed beside it)."""
    return [d for d in listed if d["sleutel"] == "signaal-naar-casus"]


def test_list_shows_versions_and_running_instances(api):
    report(api["melder"])
    listed = _route(api["pb"].get("/process-definitions").get_json()["procesdefinities"])
    assert [(d["sleutel"], d["versie"], d["lopende_instanties"]) for d in listed] == [("signaal-naar-casus", 1, 1)]


def test_deploy_new_version_keeps_running_instances_on_theirs(api):
    old = report(api["melder"])
    response = api["pb"].post("/process-definitions", json={
        "bestanden": _files(**{"signaal-naar-casus.bpmn": _renamed_bpmn()}), "opmerking": "naam aangepast"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["versie"] == 2
    new = report(api["melder"])
    assert open_task(api["analist"], old["id"])["naam"] == "Signaal verrijken"
    assert open_task(api["analist"], new["id"])["naam"] == "Signaal verrijken (v2)"
    listed = _route(api["pb"].get("/process-definitions").get_json()["procesdefinities"])
    assert [(d["versie"], d["lopende_instanties"], d["gedeployed_door"]) for d in listed] == [(2, 1, "pb"), (1, 1, None)]


def test_identical_deploy_is_not_a_new_version(api):
    response = api["pb"].post("/process-definitions", json={"bestanden": _files()})
    assert response.status_code == 200
    assert response.get_json()["nieuw"] is False


def test_deploy_zip(api):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in _files(**{"signaal-naar-casus.bpmn": _renamed_bpmn()}).items():
            archive.writestr(f"signaal-naar-casus/{name}", content)
    client = api["pb"]
    response = client.client.post("/api/v1/process-definitions", data=buffer.getvalue(),
                                  headers={**client._headers(), "Content-Type": "application/zip"})
    assert response.status_code == 201, response.get_json()
    bad = client.client.post("/api/v1/process-definitions", data=b"PK-not-a-zip",
                             headers={**client._headers(), "Content-Type": "application/zip"})
    assert bad.status_code == 422
    assert "pakket" in bad.get_json()["velden"]


def test_rejected_deploy_lists_problems_and_writes_nothing(api):
    broken = _renamed_bpmn().replace(b'sourceRef="task_verrijken"', b'sourceRef="task_bestaat_niet"', 1)
    response = api["pb"].post("/process-definitions", json={"bestanden": _files(**{"signaal-naar-casus.bpmn": broken})})
    assert response.status_code == 422
    problems = response.get_json()["problemen"]
    assert any("task_bestaat_niet" in p["melding"] and p["bestand"] == "signaal-naar-casus.bpmn" and p["regel"]
               for p in problems), problems
    malformed = api["pb"].post("/process-definitions", json={"bestanden": _files(**{"signaal-naar-casus.bpmn": b"<bpmn"})})
    assert malformed.status_code == 422
    assert malformed.get_json()["problemen"][0]["regel"] == 1
    assert len(_route(api["pb"].get("/process-definitions").get_json()["procesdefinities"])) == 1


def test_only_process_owners_deploy(api):
    response = api["analist"].post("/process-definitions", json={"bestanden": _files(**{
        "signaal-naar-casus.bpmn": _renamed_bpmn()})})
    assert response.status_code == 403
    assert api["pb"].post("/process-definitions", json={"bestanden": "nee"}).status_code == 422
