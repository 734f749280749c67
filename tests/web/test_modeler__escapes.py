"""The escape corpus through the modeller's HTTP endpoints: save, validate, deploy and import.

Each payload of ``tests/data/sandbox-escapes/escapes.json`` is put in several expression positions at once
(``tests/escape_corpus.py``); every answer is a problem list or a 4xx naming each of those elements, never a
5xx, and nothing the payload would have produced (its canary, its leaked text, the server's working
directory) is anywhere. The database is beside the point here, so this runs on SQLite only.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.escape_corpus import BPMN, PAYLOADS, POSITIONS, armed, default_files, place
from tests.web.modeler_actions import session_for

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

DRAFT_POSITIONS = ("voorwaarde", "timeDuration", "script", "dmn-inputEntry", "proceskeuze-outputEntry",
                   "formulier-hide")
IMPORT_POSITIONS = ("voorwaarde", "timeDuration", "script", "actie")


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")



def _placed(positions, text: str, files: dict[str, bytes]) -> tuple[dict[str, bytes], set[tuple[str, str]]]:
    expected = set()
    for name in positions:
        files, _line, element = place(files, POSITIONS[name], text)
        expected.add((POSITIONS[name].file, element))
    return files, expected


def _answer_failures(response, expected: set[tuple[str, str]], entry: dict, *, accepted: tuple[int, ...]) -> list[str]:
    body = response.get_data(as_text=True)
    failures = []
    if response.status_code not in accepted:
        failures.append(f"answered {response.status_code}: {body[:200]}")
    if response.status_code >= 500:
        return failures
    problems = (response.get_json() or {}).get("problemen") or []
    named = {(p["bestand"], p["element"]) for p in problems}
    if expected - named:
        failures.append(f"no problem at {sorted(expected - named)}")
    if entry.get("lek") and entry["lek"] in body:
        failures.append(f"its result ({entry['lek']!r}) is in the answer")
    if os.getcwd() in body:
        failures.append("the server's working directory is in the answer")
    return failures


def test_every_escape_is_refused_when_saved_validated_and_deployed(owner, canaries):
    base = default_files()
    failures = {}
    for index, entry in enumerate(PAYLOADS):
        canary = canaries / f"kanarie-{index}"
        files, expected = _placed(DRAFT_POSITIONS, armed(entry, canary), base)
        text = {name: raw.decode("utf-8") for name, raw in files.items()}
        found = []
        for step, response, accepted in (
                ("opslaan", owner.put("/processen/signaal-naar-casus/concept", {"bestanden": text}), (200,)),
                ("valideren", owner.post("/processen/signaal-naar-casus/concept/valideer"), (200,)),
                ("deployen", owner.post("/processen/signaal-naar-casus/concept/deploy", {"opmerking": "x"}), (422,))):
            found += [f"{step}: {f}" for f in _answer_failures(response, expected, entry, accepted=accepted)]
            if step == "valideren" and response.status_code == 200 and response.get_json()["geldig"] is not False:
                found.append("valideren: called valid")
        if canary.exists():
            found.append("THE CANARY WAS TOUCHED: the payload ran")
        if found:
            failures[entry["naam"]] = found
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert list(canaries.iterdir()) == []
    assert owner.get("/processen/signaal-naar-casus/versies").get_json()[-1]["versie"] == 1  # nothing deployed


def test_every_escape_in_an_imported_file_is_refused_never_a_server_error(owner, canaries):
    base = {BPMN: default_files()[BPMN]}
    failures = {}
    for index, entry in enumerate(PAYLOADS):
        canary = canaries / f"kanarie-{index}"
        files, expected = _placed(IMPORT_POSITIONS, armed(entry, canary), base)
        response = owner.upload("/processen/importeren", "ontsnapping.bpmn", files[BPMN])
        body = response.get_json() or {}
        # The draft names its BPMN file after its key; the elements are what must be named.
        renamed = {(p["bestand"], p["element"]) for p in body.get("problemen") or []}
        if body.get("sleutel"):
            expected = {(f"{body['sleutel']}.bpmn", element) for _file, element in expected}
        found = _answer_failures(response, expected, entry, accepted=(201, 422))
        if not renamed:
            found.append("no problems")
        if canary.exists():
            found.append("THE CANARY WAS TOUCHED: the payload ran")
        if found:
            failures[entry["naam"]] = found
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)
    assert list(canaries.iterdir()) == []
