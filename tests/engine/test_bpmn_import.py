"""Importing a lone .bpmn file: a package around it, the executable process chosen, refusals with a reason."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.definitions import bpmn_import
from engine.errors import DeployRejected, Forbidden

OWN = Path(__file__).resolve().parents[1] / "data" / "bpmn-import"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@pytest.mark.parametrize(("text", "expected"), [
    ("Signaal naar casus", "signaal-naar-casus"), ("Crèche  &  Ëxtra!", "creche-extra"), ("__x__", "x"),
    ("Process_1", "process-1"), ("日本", ""), ("a" * 200, "a" * 90)])
def test_a_key_is_a_slug(text, expected):
    assert bpmn_import.slug(text) == expected


@pytest.mark.parametrize(("raw", "says"), [
    (b"", "leeg"), (b"geen xml", "niet goed gevormd"),
    (b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>', "DOCTYPE"),
    (b"<definitions/>", "geen BPMN 2.0-bestand"),
    (f'<definitions xmlns="{BPMN_NS}"><collaboration id="c"/></definitions>'.encode(), "geen proces"),
])
def test_a_file_without_anything_usable_is_refused_with_the_reason(raw, says):
    with pytest.raises(DeployRejected) as refused:
        bpmn_import.read("x.bpmn", raw)

    assert says in refused.value.problems[0].message and refused.value.problems[0].file == "x.bpmn"


def test_the_first_executable_process_is_chosen_and_the_others_are_named():
    _, chosen, notes = bpmn_import.read("s.bpmn", (OWN / "samenwerking.bpmn").read_bytes())

    assert chosen.get("id") == "proces_politie"
    assert [n.element_id for n in notes] == ["proces_gemeente", "proces_zvh"]


def test_without_an_executable_process_the_first_is_chosen():
    _, chosen, _ = bpmn_import.read("s.bpmn", (OWN / "signavio.bpmn").read_bytes())

    assert chosen.get("id") == "sid-proc-1"


def test_an_import_is_a_draft_of_the_file_as_uploaded_with_a_generated_meta_file(orchestrator, users):
    raw = (OWN / "camunda7.bpmn").read_bytes()

    imported = orchestrator.owners.import_bpmn(users.procesbeheerder, "camunda7.bpmn", raw)

    draft = orchestrator.owners.draft(users.procesbeheerder, imported.sleutel)
    assert imported.sleutel == "melding-camunda-7" and imported.naam == "Melding (Camunda 7)"
    assert sorted(draft["bestanden"]) == ["melding-camunda-7.bpmn", "proces.json"]
    assert draft["bestanden"]["melding-camunda-7.bpmn"].encode() == raw
    assert json.loads(draft["bestanden"]["proces.json"]) == {
        "sleutel": "melding-camunda-7", "naam": "Melding (Camunda 7)", "bpmn": "melding-camunda-7.bpmn",
        "bpmn_proces_id": "Melding_Camunda"}
    assert {p.element_id for p in imported.problems} >= {"Flow_ja", "Task_Beoordelen"}


def test_a_key_that_is_taken_gets_a_number(orchestrator, users):
    raw = (OWN / "zonder-diagram.bpmn").read_bytes().replace(b'name="Registreren zonder diagram"',
                                                             b'name="Signaal naar casus"')

    imported = orchestrator.owners.import_bpmn(users.procesbeheerder, "x.bpmn", raw)

    assert imported.sleutel == "signaal-naar-casus-2" and imported.problems == []


def test_only_process_owners_import(orchestrator, users):
    with pytest.raises(Forbidden):
        orchestrator.owners.import_bpmn(users.analist, "x.bpmn", (OWN / "zonder-diagram.bpmn").read_bytes())
