"""Drafts: saved whole and byte for byte, validated per element, deployed as a version with a comment, discarded."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.definitions import drafts
from engine.definitions.package import ProcessPackage
from engine.errors import DeployRejected, FieldErrors, Forbidden, NotFound
from engine.store.schema import process_definition, process_draft, process_draft_file
from tests.db_views import audit_events
from tests.engine.route_actions import DEFAULT_PROCESS, replace_once

SLEUTEL = "signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"


def _texts(**changes) -> dict[str, str]:
    files = {name: content.decode() for name, content in ProcessPackage.from_folder(DEFAULT_PROCESS).files.items()}
    for name, change in changes.items():
        files[name.replace("__", ".")] = change(files[name.replace("__", ".")])
    return files


def _renamed() -> dict[str, str]:
    return {**_texts(), BPMN: replace_once(_texts()[BPMN], 'name="Signaal verrijken"', 'name="Verrijken"')}


def _count(orchestrator, table) -> int:
    """Rows of ``table`` for this process (the care trajectory deployed beside it has its own)."""
    with orchestrator.db.read() as conn:
        query = select(func.count()).select_from(table)
        if table is process_definition:
            query = query.where(table.c.sleutel == SLEUTEL)
        return conn.execute(query).scalar_one()


def test_a_saved_draft_loads_as_saved(orchestrator, users):
    files = _renamed()

    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, files)

    draft = orchestrator.owners.draft(users.procesbeheerder, SLEUTEL)
    assert draft["concept"] is True and draft["basis_versie"] == 1 and draft["bestanden"] == files
    assert draft["bijgewerkt_door"] == "Pim Procesbeheer"


def test_saving_replaces_the_whole_file_set(orchestrator, users):
    files = _renamed()
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, files)
    del files["formulieren/terugkoppeling.form.json"]

    _, problems = orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, files)

    assert "formulieren/terugkoppeling.form.json" not in orchestrator.owners.draft(users.procesbeheerder, SLEUTEL)["bestanden"]
    assert any("terugkoppeling" in p.message for p in problems)
    assert _count(orchestrator, process_draft) == 1 and _count(orchestrator, process_draft_file) == len(files)


def test_problems_are_returned_not_raised_for_any_content(orchestrator, users):
    for bpmn in ("", "\x00 geen xml", "<a/>", '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'):
        _, problems = orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, {**_texts(), BPMN: bpmn})
        assert problems and all(p.file for p in problems), bpmn


def test_deploy_needs_a_comment_and_a_valid_draft(orchestrator, users):
    broken = {**_texts(), "proces.json": json.dumps({"sleutel": SLEUTEL, "naam": "x", "bpmn_proces_id": "bestaat_niet",
                                                     "bpmn": BPMN, "dmn": ["routering.dmn"]})}
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, broken)

    with pytest.raises(FieldErrors) as no_comment:
        orchestrator.owners.deploy_draft(users.procesbeheerder, SLEUTEL, " ")
    with pytest.raises(DeployRejected) as rejected:
        orchestrator.owners.deploy_draft(users.procesbeheerder, SLEUTEL, "probeer")

    assert "opmerking" in no_comment.value.fields
    assert "bestaat_niet" in rejected.value.problems[0].message
    assert _count(orchestrator, process_definition) == 1 and _count(orchestrator, process_draft) == 1


def test_deploying_a_draft_makes_the_next_version_and_removes_the_draft(orchestrator, users):
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, _renamed())

    deployment = orchestrator.owners.deploy_draft(users.procesbeheerder, SLEUTEL, "  Stap korter genoemd ")

    assert (deployment.versie, deployment.nieuw) == (2, True)
    [latest, _] = orchestrator.owners.process_versions(users.procesbeheerder, SLEUTEL)
    assert (latest["opmerking"], latest["gedeployed_door"]) == ("Stap korter genoemd", "Pim Procesbeheer")
    assert _count(orchestrator, process_draft) == 0 and _count(orchestrator, process_draft_file) == 0
    [event] = audit_events(orchestrator, "proces_gedeployed")
    assert event.detail == {"proces": SLEUTEL, "versie": 2, "definitie_id": deployment.definition_id, "nieuw": True}
    assert event.user_id == users.procesbeheerder.id


def test_a_draft_equal_to_the_latest_version_is_no_new_version(orchestrator, users):
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, _texts())

    deployment = orchestrator.owners.deploy_draft(users.procesbeheerder, SLEUTEL, "niets veranderd")

    assert (deployment.versie, deployment.nieuw) == (1, False)
    assert _count(orchestrator, process_definition) == 1 and _count(orchestrator, process_draft) == 0


def test_discarding_keeps_the_versions(orchestrator, users):
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, _renamed())

    assert orchestrator.owners.discard_draft(users.procesbeheerder, SLEUTEL) is True
    assert orchestrator.owners.discard_draft(users.procesbeheerder, SLEUTEL) is False
    assert orchestrator.owners.draft(users.procesbeheerder, SLEUTEL)["concept"] is False
    assert _count(orchestrator, process_definition) == 1


def test_an_unknown_process_has_no_draft(orchestrator, users):
    with pytest.raises(NotFound):
        orchestrator.owners.draft(users.procesbeheerder, "onbekend")
    with pytest.raises(NotFound):
        orchestrator.owners.save_draft(users.procesbeheerder, "onbekend", _texts())


@pytest.mark.parametrize("name", ["../x.bpmn", "/x.bpmn", "a/x.bpmn", "x.py", "formulieren/x.json", "formulieren/a/b.form.json",
                                  "x\\y.bpmn", ".bpmn", "proces.json\x00"])
def test_file_names_are_checked(name):
    with pytest.raises(FieldErrors):
        drafts.check_file_names({name: "<x/>"})


def test_allowed_file_names_pass():
    names = ["proces.json", "a.bpmn", "routering.dmn", "formulieren/signaal-melden.form.json", "Mijn proces 2.bpmn"]

    assert sorted(drafts.check_file_names({n: "x" for n in names})) == sorted(names)


def test_only_process_owners_touch_drafts(orchestrator, users):
    for actor in (users.analist, users.melder, users.aandachtsfunctionaris):
        owners = orchestrator.owners
        for call in (lambda a: owners.draft(a, SLEUTEL), lambda a: owners.save_draft(a, SLEUTEL, _texts()),
                     lambda a: owners.deploy_draft(a, SLEUTEL, "x"), lambda a: owners.discard_draft(a, SLEUTEL),
                     lambda a: owners.process_library(a)):
            with pytest.raises(Forbidden):
                call(actor)
    assert _count(orchestrator, process_draft) == 0


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_the_editor_reads_a_utf16_file_with_or_without_a_byte_order_mark(codec):
    """The editor decodes a file as an XML parser would (the same detection as the DOCTYPE check)."""
    text = '<?xml version="1.0" encoding="UTF-16"?><definitions naam="café"/>'
    assert drafts.as_text(text.encode(codec)) == text
