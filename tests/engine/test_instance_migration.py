"""Migrating running instances to a newer version: preview, move, refuse with a reason, audit, conflict."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from engine.definitions.package import ProcessPackage
from engine.errors import Conflict, FieldErrors, Forbidden
from engine.runtime import instance_migration
from engine.store.schema import human_task, process_definition, process_instance, timer
from tests.engine.route_actions import (
    DEFAULT_PROCESS,
    INFORM_FORM,
    NIET_VERRIJKT,
    REGULIERE_HULP,
    VERRIJKT,
    beoordeeld,
    inform_step,
    package_with,
    replace_once,
)

SLEUTEL = "signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"

NEW_STEP = inform_step("flow_vermoeden_ja", "flow_informeren_beoordelen", "task_beoordelen")


def _base() -> ProcessPackage:
    return ProcessPackage.from_folder(DEFAULT_PROCESS)


def with_step_before_assessment() -> ProcessPackage:
    """v2: 'Melder informeren' between 'Vermoeden versterkt? ja' and 'Afstemmen en beoordelen'."""
    def change(bpmn: str) -> str:
        bpmn = replace_once(bpmn, 'sourceRef="gw_vermoeden" targetRef="task_beoordelen"',
                            'sourceRef="gw_vermoeden" targetRef="task_melder_informeren"')
        bpmn = replace_once(bpmn, """<bpmn:incoming>flow_vermoeden_ja</bpmn:incoming>
      <bpmn:outgoing>flow_beoordelen_aanleiding</bpmn:outgoing>""", """<bpmn:incoming>flow_informeren_beoordelen</bpmn:incoming>
      <bpmn:outgoing>flow_beoordelen_aanleiding</bpmn:outgoing>""")
        return replace_once(bpmn, '<bpmn:userTask id="task_beoordelen"', NEW_STEP + '<bpmn:userTask id="task_beoordelen"')
    package = package_with(_base(), **{BPMN: change})
    return ProcessPackage({**package.files, "formulieren/melder-informeren.form.json": INFORM_FORM.encode()})


def without_enrichment() -> ProcessPackage:
    """v2: no 'Signaal verrijken' (nor its deadline): the signal goes straight to 'Vermoeden versterkt?'."""
    def change(bpmn: str) -> str:
        start = bpmn.index('<bpmn:userTask id="task_verrijken"')
        end = bpmn.index('<bpmn:exclusiveGateway id="gw_vermoeden"')
        bpmn = bpmn[:start] + bpmn[end:]
        bpmn = replace_once(bpmn, 'sourceRef="gw_acute_samen" targetRef="task_verrijken"',
                            'sourceRef="gw_acute_samen" targetRef="gw_vermoeden"')
        bpmn = replace_once(bpmn, "<bpmn:incoming>flow_verrijken_vermoeden</bpmn:incoming>",
                            "<bpmn:incoming>flow_samen_verrijken</bpmn:incoming>")
        for flow in ("flow_verrijken_vermoeden", "flow_deadline_verrijken_escalatie"):
            start = bpmn.index(f'<bpmn:sequenceFlow id="{flow}"')
            bpmn = bpmn[:start] + bpmn[bpmn.index("/>", start) + 2:]
        return _without_diagram_of(bpmn, ("task_verrijken", "deadline_verrijken", "end_escalatie_verrijken",
                                          "flow_verrijken_vermoeden", "flow_deadline_verrijken_escalatie"))
    return package_with(_base(), **{BPMN: change})


def _without_diagram_of(bpmn: str, ids) -> str:
    import re

    for element in ids:
        bpmn = re.sub(rf'<bpmndi:BPMN(Shape|Edge) [^>]*bpmnElement="{element}".*?</bpmndi:BPMN\1>', "", bpmn,
                      flags=re.S)
    return bpmn


def with_changed_enrichment_form() -> ProcessPackage:
    """v2: the enrichment form asks one more required field."""
    name = "formulieren/signaal-verrijken.form.json"

    def change(text: str) -> str:
        form = json.loads(text)
        form["components"].append({"type": "textfield", "key": "bron_adres", "label": "Bron adresgegevens",
                                   "validate": {"required": True}})
        return json.dumps(form, ensure_ascii=False)
    return package_with(_base(), **{name: change})


def with_longer_enrichment_deadline() -> ProcessPackage:
    """v2: seven days for enriching instead of five."""
    def change(bpmn: str) -> str:
        start = bpmn.index('<bpmn:boundaryEvent id="deadline_verrijken"')
        end = bpmn.index("</bpmn:boundaryEvent>", start)
        return bpmn[:start] + replace_once(bpmn[start:end], '"P5D"', '"P7D"') + bpmn[end:]
    return package_with(_base(), **{BPMN: change})


def deploy(orchestrator, package: ProcessPackage) -> int:
    return orchestrator.deploy(package, None, "versie 2").versie


def _row(orchestrator, table, **where):
    with orchestrator.db.read() as conn:
        return conn.execute(select(table).where(*(table.c[k] == v for k, v in where.items()))).all()


def _definition_versie(orchestrator, instance_id: int) -> int:
    with orchestrator.db.read() as conn:
        return conn.execute(select(process_definition.c.versie).join(
            process_instance, process_instance.c.definition_id == process_definition.c.id)
            .where(process_instance.c.id == instance_id)).scalar_one()


def test_the_preview_shows_process_data_only_and_changes_nothing(orchestrator, route, users, intake):
    outcome = route.report(intake())
    state_before = route.instance(outcome.instance_id)
    deploy(orchestrator, with_step_before_assessment())

    preview = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)

    assert [i["instantie"] for i in preview["instanties"]] == [outcome.instance_id]
    plan = preview["instanties"][0]
    assert plan["referentie"] == outcome.referentie and plan["kan_migreren"] is True and plan["reden"] is None
    assert plan["huidige_stappen"] == ["Signaal verrijken"] and plan["nieuwe_stappen"] == ["Signaal verrijken"]
    assert preview["stappen"]["toegevoegd"] == [{"element": "task_melder_informeren", "naam": "Melder informeren"}]
    text = json.dumps(preview, ensure_ascii=False)
    for personal in (intake()["omschrijving"], intake()["locatie"], "Mila Melder", "logistiek", "onderbetaling"):
        assert personal not in text
    assert route.instance(outcome.instance_id) == state_before


def test_a_migrated_instance_takes_the_added_step_and_completes_on_the_new_version(orchestrator, route, users, intake):
    outcome = route.report(intake())
    task_before = route.open_task(outcome.signal_id, "task_verrijken")
    timers_before = _row(orchestrator, timer, instance_id=outcome.instance_id)
    deploy(orchestrator, with_step_before_assessment())

    results = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert results == [{"instantie": outcome.instance_id, "referentie": outcome.referentie, "gemigreerd": True,
                        "reden": None}]
    assert _definition_versie(orchestrator, outcome.instance_id) == 2
    assert route.open_task(outcome.signal_id, "task_verrijken").id == task_before.id
    assert _row(orchestrator, timer, instance_id=outcome.instance_id) == timers_before  # same due time, same row
    route.complete(outcome.signal_id, "task_verrijken", VERRIJKT)
    assert route.signal_row(outcome.signal_id).fase == "Melder informeren"
    route.complete(outcome.signal_id, "task_melder_informeren", {"melder_geinformeerd": True})
    route.complete(outcome.signal_id, "task_beoordelen", beoordeeld(aanleiding=False))
    route.complete(outcome.signal_id, "task_gemeentelijke_opvolging", REGULIERE_HULP)
    signal = route.signal_row(outcome.signal_id)
    assert (signal.status, signal.uitkomst) == ("afgerond", "Gemeentelijk opgepakt – reguliere hulp")


def test_an_instance_past_the_new_step_stays_where_it_is(orchestrator, route, users, intake):
    outcome = route.report(intake())
    route.complete(outcome.signal_id, "task_verrijken", VERRIJKT)
    deploy(orchestrator, with_step_before_assessment())

    [result] = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert result["gemigreerd"] is True
    assert route.open_task(outcome.signal_id, "task_beoordelen").naam == "Afstemmen en beoordelen"
    route.complete(outcome.signal_id, "task_beoordelen", beoordeeld(aanleiding=False))
    route.complete(outcome.signal_id, "task_gemeentelijke_opvolging", REGULIERE_HULP)
    assert route.signal_row(outcome.signal_id).status == "afgerond"


def test_an_instance_waiting_at_a_removed_step_cannot_migrate_and_says_why(orchestrator, route, users, intake):
    outcome = route.report(intake())
    before = route.instance(outcome.instance_id)
    deploy(orchestrator, without_enrichment())

    plan = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"][0]
    [result] = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert plan["kan_migreren"] is False and "'Signaal verrijken' (task_verrijken)" in plan["reden"]
    assert result["gemigreerd"] is False and "niet meer bestaat" in result["reden"]
    assert route.instance(outcome.instance_id) == before
    refused = route.audit(outcome.signal_id, "migratie_geweigerd")
    assert len(refused) == 1 and refused[0].user_id == users.procesbeheerder.id
    assert refused[0].detail["van_versie"] == 1 and "task_verrijken" in refused[0].detail["reden"]


def test_a_changed_form_applies_to_the_open_task_after_migration(orchestrator, route, users, intake):
    outcome = route.report(intake())
    deploy(orchestrator, with_changed_enrichment_form())

    plan = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"][0]
    orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert plan["wijzigingen"] == ["het formulier van stap 'Signaal verrijken' is gewijzigd"]
    with pytest.raises(FieldErrors) as refused:
        route.complete(outcome.signal_id, "task_verrijken", VERRIJKT)
    assert "bron_adres" in refused.value.fields
    route.complete(outcome.signal_id, "task_verrijken", {**VERRIJKT, "bron_adres": "BRP"})
    assert route.open_task(outcome.signal_id).bpmn_id == "task_beoordelen"


def test_a_changed_deadline_moves_the_timer_and_the_task_due_time(orchestrator, route, users, intake, clock):
    outcome = route.report(intake())
    reported_at = clock.now()
    clock.advance(dt.timedelta(hours=1))
    deploy(orchestrator, with_longer_enrichment_deadline())

    plan = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"][0]
    orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert any("Deadline verrijken verstreken" in change and "loopt voortaan af" in change
               for change in plan["wijzigingen"])
    [row] = [r for r in _row(orchestrator, timer, instance_id=outcome.instance_id) if r.status == "wachtend"]
    due = reported_at + dt.timedelta(hours=1, days=7)
    assert row.due_at.replace(tzinfo=dt.UTC) == due and row.afgevuurd == 0
    assert route.open_task(outcome.signal_id).due_at.replace(tzinfo=dt.UTC) == due


def test_a_migration_is_audited_with_both_versions(orchestrator, route, users, intake):
    outcome = route.report(intake())
    deploy(orchestrator, with_step_before_assessment())

    orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    [event] = route.audit(outcome.signal_id, "instantie_gemigreerd")
    assert event.user_id == users.procesbeheerder.id and event.rol == "procesbeheerder"
    assert (event.detail["van_versie"], event.detail["naar_versie"]) == (1, 2)
    assert orchestrator.verify_audit().ok


def test_an_instance_changed_since_the_preview_is_not_migrated(orchestrator, route, users, intake):
    outcome = route.report(intake())
    deploy(orchestrator, with_step_before_assessment())
    seen = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"][0]["versie"]
    route.complete(outcome.signal_id, "task_verrijken", VERRIJKT)

    [result] = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id],
                                              seen={outcome.instance_id: seen})

    assert result["gemigreerd"] is False and "gewijzigd sinds het voorbeeld" in result["reden"]
    assert _definition_versie(orchestrator, outcome.instance_id) == 1


def test_the_version_check_guards_the_write(orchestrator, route, users, intake):
    """The instance row moved between reading and writing: the UPDATE ... WHERE version matches nothing."""
    outcome = route.report(intake())
    deploy(orchestrator, with_step_before_assessment())
    with orchestrator.db.read() as conn:
        van_id, naar_id = (conn.execute(select(process_definition.c.id).where(process_definition.c.versie == v,
                                                                          process_definition.c.sleutel == SLEUTEL))
                           .scalar_one() for v in (1, 2))
    with orchestrator.db.write() as conn:  # another command's write, seen by this transaction's read
        conn.execute(process_instance.update().where(process_instance.c.id == outcome.instance_id)
                     .values(version=process_instance.c.version + 1))
        with pytest.raises(Conflict):
            instance_migration.migrate(conn, orchestrator.cache, outcome.instance_id, van_id=van_id, naar_id=naar_id,
                                       van_versie=1, naar_versie=2, user_id=None, now=orchestrator.clock.now(),
                                       seen_version=1)


def test_a_finished_instance_is_not_migrated(orchestrator, route, users, intake):
    outcome = route.report(intake())
    route.complete(outcome.signal_id, "task_verrijken", NIET_VERRIJKT)
    deploy(orchestrator, with_step_before_assessment())

    assert orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"] == []
    [result] = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])
    assert result["gemigreerd"] is False and result["reden"]


def test_a_changed_role_hands_the_open_task_to_the_new_role(orchestrator, route, users, intake):
    outcome = route.report(intake())
    orchestrator.claim(users.analist, route.open_task(outcome.signal_id).id)
    deploy(orchestrator, package_with(_base(), **{BPMN: lambda b: replace_once(
        b, '<spiffworkflow:property name="rol" value="analist" />\n          <spiffworkflow:property name="formulier" '
           'value="signaal-verrijken" />',
        '<spiffworkflow:property name="rol" value="aandachtsfunctionaris" />\n          '
        '<spiffworkflow:property name="formulier" value="signaal-verrijken" />')}))

    orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    task = route.open_task(outcome.signal_id, "task_verrijken")
    assert (task.rol, task.toegewezen_aan) == ("aandachtsfunctionaris", None)
    orchestrator.complete_task(users.aandachtsfunctionaris, task.id, VERRIJKT)


def test_only_process_owners_preview_or_migrate(orchestrator, route, users, intake):
    outcome = route.report(intake())
    deploy(orchestrator, with_step_before_assessment())

    for actor in (users.analist, users.aandachtsfunctionaris, users.melder):
        with pytest.raises(Forbidden):
            orchestrator.owners.migration_preview(actor, SLEUTEL, 1, 2)
        with pytest.raises(Forbidden):
            orchestrator.owners.migrate_instances(actor, SLEUTEL, 1, 2, [outcome.instance_id])
    assert _definition_versie(orchestrator, outcome.instance_id) == 1
    assert len(_row(orchestrator, human_task, instance_id=outcome.instance_id)) == 1


def test_a_renamed_open_step_shows_its_new_name_at_once(orchestrator, route, users, intake):
    outcome = route.report(intake())
    deploy(orchestrator, package_with(_base(), **{BPMN: lambda b: replace_once(
        b, 'name="Signaal verrijken"', 'name="Signaal verrijken en duiden"')}))

    plan = orchestrator.owners.migration_preview(users.procesbeheerder, SLEUTEL, 1, 2)["instanties"][0]
    orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert plan["wijzigingen"] == ["stap 'Signaal verrijken' heet voortaan 'Signaal verrijken en duiden'"]
    assert plan["nieuwe_stappen"] == ["Signaal verrijken en duiden"]
    assert route.open_task(outcome.signal_id).naam == "Signaal verrijken en duiden"
    assert route.signal_row(outcome.signal_id).fase == "Signaal verrijken en duiden"


def test_an_instance_that_passed_a_removed_step_stays_on_its_version_and_says_why(orchestrator, route, users, intake):
    """The instance's history holds the removed step, which the new version cannot restore."""
    outcome = route.report(intake())
    route.complete(outcome.signal_id, "task_verrijken", VERRIJKT)
    deploy(orchestrator, without_enrichment())

    [result] = orchestrator.owners.migrate_instances(users.procesbeheerder, SLEUTEL, 1, 2, [outcome.instance_id])

    assert result["gemigreerd"] is False and "al doorlopen" in result["reden"] and "task_verrijken" in result["reden"]
    assert _definition_versie(orchestrator, outcome.instance_id) == 1
    route.complete(outcome.signal_id, "task_beoordelen", beoordeeld(aanleiding=False))  # it finishes on version 1
    route.complete(outcome.signal_id, "task_gemeentelijke_opvolging", REGULIERE_HULP)
    assert route.signal_row(outcome.signal_id).status == "afgerond"
