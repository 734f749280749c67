"""Importing .bpmn files made elsewhere, through the web endpoint: every file becomes a draft or a
per-element problem list, never a server error (the OMG MIWG reference models and imitations of other tools).

The MIWG reference models live beside the repository, in ``../shared/bpmn-miwg-reference``
(where CI clones them); ``SIGNAALROUTE_SHARED_DIR`` names another folder that holds
``bpmn-miwg-reference``. When they are missing the test fails: it does not skip.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.modeler_actions import session_for

ROOT = Path(__file__).resolve().parents[2]
MIWG = Path(os.environ.get("SIGNAALROUTE_SHARED_DIR") or ROOT.parent / "shared") / "bpmn-miwg-reference"
OWN = Path(__file__).resolve().parents[1] / "data" / "bpmn-import"


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")


def _huge_attribute() -> bytes:
    name = "x" * 1_500_000
    return (OWN / "zonder-diagram.bpmn").read_bytes().replace(b'name="Vastleggen"', f'name="{name}"'.encode())


GENERATED = {
    "leeg.bpmn": b"",
    "spaties.bpmn": b"   \n\t ",
    "geen-xml.bpmn": b"Dit is een Word-document, geen BPMN.\x00\x01",
    "zip.bpmn": b"PK\x03\x04" + bytes(range(256)) * 4,
    "half.bpmn": b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">',
    "dmn.bpmn": b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x"/>',
    "geen-proces.bpmn": b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
                        b'targetNamespace="x"><bpmn:collaboration id="c"/></bpmn:definitions>',
    "lachen.bpmn": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                   b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>',
    "groot-attribuut.bpmn": _huge_attribute(),
    "te-groot.bpmn": b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>",
    "utf16.bpmn": (OWN / "zonder-diagram.bpmn").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    .encode("utf-16"),
}


def _check_answer(owner, name: str, response) -> str:
    """``draft`` (deployable), ``problems`` (a draft with a list) or ``refused`` (a list, no draft)."""
    assert response.status_code in (201, 413, 422), (name, response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    if response.status_code == 413:
        return "refused"
    problems = body["problemen"]
    for problem in problems:
        assert set(problem) == {"bericht", "bestand", "regel", "element"} and problem["bericht"], (name, problem)
    if response.status_code == 422:
        assert body["fout"] and problems, name
        return "refused"
    draft = owner.get(f"/processen/{body['sleutel']}/concept").get_json()
    assert draft["concept"] is True and draft["basis_versie"] is None, name
    for problem in problems:
        assert problem["bestand"] in draft["bestanden"] or problem["bestand"] is None, (name, problem)
    return "problems" if problems else "draft"


def miwg_files(folder: Path = MIWG) -> list[Path]:
    """The reference models; a failure (never a skip) when ``folder`` holds none."""
    files = sorted(folder.glob("*.bpmn")) if folder.is_dir() else []
    if not files:
        pytest.fail(f"The OMG MIWG reference models are missing: no .bpmn files in {folder}. CI has them beside the "
                    "repository (../shared/bpmn-miwg-reference); set SIGNAALROUTE_SHARED_DIR to the folder that holds "
                    "bpmn-miwg-reference.", pytrace=False)
    return files


def test_every_miwg_reference_model_becomes_a_draft_or_a_problem_list(owner, capsys):
    files = miwg_files()
    outcomes = {path.name: _check_answer(owner, path.name, owner.upload("/processen/importeren", path.name,
                                                                         path.read_bytes()))
                for path in files}

    counts = {kind: sum(1 for o in outcomes.values() if o == kind) for kind in ("draft", "problems", "refused")}
    with capsys.disabled():
        print(f"\nMIWG import ({len(files)} files): {counts['draft']} deployable drafts, "
              f"{counts['problems']} drafts with a problem list, {counts['refused']} refused with a problem list, "
              "0 server errors")
    assert sum(counts.values()) == len(files)
    assert counts["problems"] + counts["draft"] >= len(files) - 2  # they are all BPMN with a process


@pytest.mark.parametrize("path", sorted(OWN.glob("*.bpmn")), ids=lambda p: p.name)
def test_files_of_other_tools_become_a_draft_or_a_problem_list(owner, path):
    response = owner.upload("/processen/importeren", path.name, path.read_bytes())

    _check_answer(owner, path.name, response)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_broken_and_hostile_files_are_answered_never_a_server_error(owner, name):
    response = owner.upload("/processen/importeren", name, GENERATED[name])

    outcome = _check_answer(owner, name, response)
    if name in ("leeg.bpmn", "spaties.bpmn", "geen-xml.bpmn", "zip.bpmn", "half.bpmn", "dmn.bpmn", "geen-proces.bpmn",
                "lachen.bpmn", "te-groot.bpmn"):
        assert outcome == "refused", name


def test_a_doctype_with_an_external_entity_is_refused_and_reads_nothing(owner):
    response = owner.upload("/processen/importeren", "xxe.bpmn", (OWN / "xxe.bpmn").read_bytes())

    assert response.status_code == 422
    assert "DOCTYPE" in response.get_json()["problemen"][0]["bericht"]
    assert "root:" not in response.get_data(as_text=True)
    assert owner.get("/processen/xxe/concept").status_code == 404


def test_camunda_and_zeebe_extensions_are_reported_on_their_elements(owner):
    camunda = owner.upload("/processen/importeren", "c.bpmn", (OWN / "camunda7.bpmn").read_bytes()).get_json()
    zeebe = owner.upload("/processen/importeren", "z.bpmn", (OWN / "zeebe8.bpmn").read_bytes()).get_json()

    assert camunda["sleutel"] == "melding-camunda-7"
    assert {"Flow_ja", "Task_Beoordelen"} <= {p["element"] for p in camunda["problemen"]}
    assert any("JUEL/FEEL" in p["bericht"] for p in camunda["problemen"] if p["element"] == "Flow_ja")
    assert {"f3", "deadline", "beoordeel"} <= {p["element"] for p in zeebe["problemen"]}


def test_a_collaboration_runs_its_executable_pool_and_names_the_others(owner):
    body = owner.upload("/processen/importeren", "s.bpmn", (OWN / "samenwerking.bpmn").read_bytes()).get_json()

    assert body["sleutel"] == "politie"
    notes = {p["element"] for p in body["problemen"] if "wordt niet uitgevoerd" in p["bericht"]}
    assert notes == {"proces_gemeente", "proces_zvh"}


def test_a_runnable_file_is_deployable_as_imported_and_comes_back_byte_for_byte(owner):
    raw = (OWN / "zonder-diagram.bpmn").read_bytes()

    body = owner.upload("/processen/importeren", "zonder-diagram.bpmn", raw).get_json()

    assert body == {"sleutel": "registreren-zonder-diagram", "problemen": []}
    base = f"/processen/{body['sleutel']}"
    deployed = owner.post(f"{base}/concept/deploy", {"opmerking": "Geïmporteerd"})
    assert deployed.status_code == 201 and deployed.get_json()["versie"] == 1
    assert owner.get(f"{base}/versies/1/bestanden/registreren-zonder-diagram.bpmn").data == raw


def test_a_second_import_of_the_same_process_gets_its_own_key(owner):
    raw = (OWN / "zonder-diagram.bpmn").read_bytes()

    keys = [owner.upload("/processen/importeren", "r.bpmn", raw).get_json()["sleutel"] for _ in range(3)]

    assert keys == ["registreren-zonder-diagram", "registreren-zonder-diagram-2", "registreren-zonder-diagram-3"]


def test_the_import_page_lists_problems_per_element(owner):
    page = owner.upload("/processen/importeren", "c.bpmn", (OWN / "camunda7.bpmn").read_bytes(), as_json=False)
    refused = owner.upload("/processen/importeren", "leeg.bpmn", b"", as_json=False)

    assert page.status_code == 201
    html = page.get_data(as_text=True)
    assert "<code>Task_Beoordelen</code>" in html and "/processen/melding-camunda-7/bewerken" in html
    assert refused.status_code == 422 and "het bestand is leeg" in refused.get_data(as_text=True)
    assert owner.page("/processen/importeren").status_code == 200


def test_an_upload_without_a_file_is_400(owner):
    response = owner.client.post("/processen/importeren", data={}, headers={"X-CSRFToken": owner.csrf,
                                                                            "Accept": "application/json"})

    assert response.status_code == 400 and "bestand" in response.get_json()["velden"]


@pytest.mark.parametrize("rol", ["melder", "analist", "manager"])
def test_only_process_owners_import(app, orchestrator, clock, rol):
    other = session_for(app, orchestrator, clock, rol)

    response = other.upload("/processen/importeren", "z.bpmn", (OWN / "zonder-diagram.bpmn").read_bytes())

    assert response.status_code == 403
    assert other.page("/processen/importeren").status_code == 403


def test_missing_miwg_models_fail_the_test_rather_than_skip_it(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="SIGNAALROUTE_SHARED_DIR"):
        miwg_files(tmp_path / "bpmn-miwg-reference")
