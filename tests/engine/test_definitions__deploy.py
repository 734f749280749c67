"""Deploying versions: immutable, stored byte for byte, parsed once; instances stay on theirs (invariant 3)."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from engine.definitions.definitions import latest_definition_id
from engine.definitions.package import ProcessPackage
from engine.errors import Forbidden
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine
from engine.store.schema import process_definition, process_file, process_instance
from tests.engine.route_actions import DEFAULT_PROCESS, INFORM_FORM, VERRIJKT, beoordeeld, inform_step, replace_once

SLEUTEL = "signaal-naar-casus"

NEW_STEP = inform_step("flow_verrijken_vermoeden", "flow_informeren_vermoeden", "gw_vermoeden")


@pytest.fixture
def v2_folder(tmp_path):
    """The default process with its first two tasks renamed and a new step, 'Melder
    informeren', between enriching the signal and deciding whether the suspicion holds."""
    folder = tmp_path / "signaal-naar-casus-v2"
    shutil.copytree(DEFAULT_PROCESS, folder)
    bpmn_path = folder / "signaal-naar-casus.bpmn"
    bpmn = bpmn_path.read_text(encoding="utf-8")
    bpmn = replace_once(bpmn, 'name="Signaal verrijken"', 'name="Signaal verrijken (v2)"')
    bpmn = replace_once(bpmn, 'name="Afstemmen en beoordelen"', 'name="Afstemmen en beoordelen (v2)"')
    bpmn = replace_once(bpmn, 'sourceRef="task_verrijken" targetRef="gw_vermoeden"',
                        'sourceRef="task_verrijken" targetRef="task_melder_informeren"')
    bpmn = replace_once(bpmn, "<bpmn:incoming>flow_verrijken_vermoeden</bpmn:incoming>",
                        "<bpmn:incoming>flow_informeren_vermoeden</bpmn:incoming>")
    gateway = '<bpmn:exclusiveGateway id="gw_vermoeden"'
    bpmn = replace_once(bpmn, gateway, NEW_STEP + gateway)
    bpmn_path.write_text(bpmn, encoding="utf-8")
    (folder / "formulieren" / "melder-informeren.form.json").write_text(INFORM_FORM, encoding="utf-8")
    return folder


def _count(orchestrator, table) -> int:
    with orchestrator.db.read() as conn:
        return len(conn.execute(select(table.c.id)).all())


def test_first_deploy_stores_every_file_byte_for_byte(orchestrator):
    with orchestrator.db.read() as conn:
        [definition] = conn.execute(select(process_definition).where(process_definition.c.sleutel == SLEUTEL)).all()
        stored = {r.naam: bytes(r.inhoud) for r in conn.execute(
            select(process_file.c.naam, process_file.c.inhoud).where(process_file.c.definition_id == definition.id))}

    assert (definition.sleutel, definition.versie, definition.bpmn_proces_id) == (SLEUTEL, 1, "signaal_naar_casus")
    assert stored == ProcessPackage.from_folder(DEFAULT_PROCESS).files
    assert definition.checksum == ProcessPackage.from_folder(DEFAULT_PROCESS).checksum


def test_identical_content_is_not_a_new_version(orchestrator):
    before = (_count(orchestrator, process_definition), _count(orchestrator, process_file))

    again = orchestrator.deploy_folder(DEFAULT_PROCESS)

    assert again.nieuw is False
    assert (again.sleutel, again.versie) == (SLEUTEL, 1)
    assert (_count(orchestrator, process_definition), _count(orchestrator, process_file)) == before


def test_running_instance_finishes_on_its_version_new_signals_use_the_new_one(route, users, intake, v2_folder):
    orch = route.orchestrator
    old = route.report(intake())
    v1_id = route.instance(old.instance_id).definition_id

    v2 = orch.deploy_folder(v2_folder, opmerking="extra stap")

    assert (v2.nieuw, v2.versie) == (True, 2)
    new = route.report(intake())
    assert route.instance(new.instance_id).definition_id == v2.definition_id != v1_id
    assert route.open_task(old.signal_id).naam == "Signaal verrijken"
    assert route.open_task(new.signal_id).naam == "Signaal verrijken (v2)"

    route.complete(old.signal_id, "task_verrijken", VERRIJKT)
    route.complete(new.signal_id, "task_verrijken", VERRIJKT)

    assert route.open_task(old.signal_id).naam == "Afstemmen en beoordelen"
    assert route.open_task(new.signal_id).naam == "Melder informeren"
    route.complete(new.signal_id, "task_melder_informeren", {"melder_geinformeerd": True})
    assert route.open_task(new.signal_id).naam == "Afstemmen en beoordelen (v2)"
    assert route.instance(old.instance_id).definition_id == v1_id
    lopend = {(d["versie"], d["lopende_instanties"]) for d in orch.definitions_json() if d["sleutel"] == SLEUTEL}
    assert lopend == {(1, 1), (2, 1)}

    route.complete(old.signal_id, "task_beoordelen", beoordeeld())  # care: the route ends as the trajectory starts

    assert route.signal_row(old.signal_id).uitkomst == "Zorgtraject gestart"
    assert [h.get("stap") for h in orch.signal(users.analist, old.signal_id)["historie"]
            if h["actie"] == "taak_voltooid"] == ["Signaal verrijken", "Afstemmen en beoordelen"]
    lopend = {(d["versie"], d["lopende_instanties"]) for d in orch.definitions_json() if d["sleutel"] == SLEUTEL}
    assert lopend == {(1, 0), (2, 1)}


def test_a_cold_orchestrator_continues_from_the_stored_files(route, users, intake, db_url, clock):
    started = route.report(intake())
    other = Orchestrator(Database(make_engine(db_url)), clock)
    try:
        task = route.open_task(started.signal_id)
        other.complete_task(users.analist, task.id, VERRIJKT)
        with other.db.read() as conn:
            definition_id = latest_definition_id(conn, SLEUTEL)
            first = other.cache.get(conn, definition_id)
            assert other.cache.get(conn, definition_id) is first  # parsed once, then cached
    finally:
        other.db.dispose()
    assert route.open_task(started.signal_id).bpmn_id == "task_beoordelen"


def test_only_a_procesbeheerder_deploys(orchestrator, users, v2_folder):
    package = ProcessPackage.from_folder(v2_folder)

    with pytest.raises(Forbidden):
        orchestrator.deploy(package, users.analist)
    assert _count(orchestrator, process_definition) == 2  # this process and the care trajectory it starts

    deployment = orchestrator.deploy(package, users.procesbeheerder, opmerking="Stap toegevoegd")

    [latest] = [d for d in orchestrator.definitions_json() if d["versie"] == deployment.versie]
    assert (latest["gedeployed_door"], latest["opmerking"]) == ("Pim Procesbeheer", "Stap toegevoegd")


def test_instances_keep_pointing_at_an_unchanged_definition_row(route, intake, v2_folder):
    started = route.report(intake())
    with route.orchestrator.db.read() as conn:
        before = conn.execute(select(process_definition).order_by(process_definition.c.id)).all()

    route.orchestrator.deploy_folder(v2_folder)

    with route.orchestrator.db.read() as conn:
        after = conn.execute(select(process_definition).order_by(process_definition.c.id)).all()
        definition_id = conn.execute(select(process_instance.c.definition_id)
                                     .where(process_instance.c.id == started.instance_id)).scalar_one()
    assert after[: len(before)] == before
    assert definition_id == before[0].id
