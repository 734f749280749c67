"""The catalog as data (issue #17): roles, case tables, partner kinds and covenants a beheerder adds
are validated, audited, and used by the deploy check without a code change."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.definitions.package import ProcessPackage
from engine.domain import catalog, partner_kinds, roles, tafels
from engine.errors import DeployRejected, FieldErrors, Forbidden
from engine.people.users import add_user
from engine.store.schema import audit_event
from tests.engine.route_actions import ROOT, package_with, replace_once

MELDCODE = ROOT / "processes" / "meldcode"


@pytest.fixture
def beheerder(orchestrator):
    with orchestrator.db.write() as conn:
        user_id = add_user(conn, "beheer", now=orchestrator.clock.now(), naam="Bea Beheer", roles=["beheerder"],
                           gemeente_naam=None)
    yield orchestrator.actor(user_id)
    catalog.reset()  # this process's memory back to the built-ins for the next test's database


def meldcode_with(rol: str, ketenpartner: str = "veilig_thuis") -> ProcessPackage:
    """The meldcode route, its Veilig Thuis hand-over done by ``rol`` and naming ``ketenpartner``."""
    return package_with(ProcessPackage.from_folder(MELDCODE), **{"meldcode.bpmn": lambda text: replace_once(
        text, '''<spiffworkflow:property name="rol" value="aandachtsfunctionaris" />
          <spiffworkflow:property name="formulier" value="doorverwijzing" />
          <spiffworkflow:property name="ketenpartner" value="veilig_thuis" />''',
        f'''<spiffworkflow:property name="rol" value="{rol}" />
          <spiffworkflow:property name="formulier" value="doorverwijzing" />
          <spiffworkflow:property name="ketenpartner" value="{ketenpartner}" />''')})


def test_the_built_ins_are_there_including_the_achterhoeks_roles_and_partners(orchestrator):
    keys = {e["sleutel"] for e in orchestrator.region.entries("rol")}
    assert {"ketenregisseur", "veiligheidsadviseur", "regiomanager", "aandachtsfunctionaris"} <= keys
    assert {"ondermijningsoverleg", "signalenoverleg", "mdo_zvh", "riec_tafel"} <= {
        e["sleutel"] for e in orchestrator.region.entries("casustafel")}
    assert {"kmar", "om", "comensha", "heit", "veilig_thuis", "jeugdbescherming", "nidos", "opvang"} <= {
        e["sleutel"] for e in orchestrator.region.entries("partnersoort")}


def test_a_deploy_may_name_only_a_role_and_a_partner_kind_that_exist(orchestrator, beheerder):
    with pytest.raises(DeployRejected, match="onbekende rol 'jeugdregisseur'"):
        orchestrator.deploy(meldcode_with("jeugdregisseur"))

    orchestrator.region.save(beheerder, "rol", {"sleutel": "jeugdregisseur", "naam": "Jeugdregisseur", "taakrol": "ja"})
    orchestrator.region.save(beheerder, "partnersoort", {"sleutel": "schoolarts", "naam": "Jeugdarts GGD"})

    deployed = orchestrator.deploy(meldcode_with("jeugdregisseur", "schoolarts"))
    assert deployed.nieuw and roles.ROLES["jeugdregisseur"] == "Jeugdregisseur"
    assert partner_kinds.SOORTEN["schoolarts"] == "Jeugdarts GGD"


def test_a_new_case_table_and_a_covenant_are_data(orchestrator, beheerder):
    orchestrator.region.save(beheerder, "casustafel", {
        "sleutel": "mdo_achterhoek", "naam": "MDO mensenhandel Achterhoek", "niveau": "regio",
        "deelnemers": ["zorgcoordinator", "aandachtsfunctionaris", "ketenregisseur"], "voorzitters": "ketenregisseur"})
    orchestrator.region.save(beheerder, "convenant", {"sleutel": "achterhoek", "naam": "Privacyconvenant Achterhoek",
                                                      "routes": ["nla"]})

    assert tafels.TAFELS["mdo_achterhoek"].voorzitters == ("ketenregisseur",)
    assert catalog.ROUTE_COVENANT["nla"] == "achterhoek"
    with pytest.raises(FieldErrors) as caught:  # one covenant per route
        orchestrator.region.save(beheerder, "convenant", {"sleutel": "tweede", "naam": "Tweede", "routes": "nla"})
    assert "valt al onder het convenant 'achterhoek'" in caught.value.fields["routes"]


def test_bad_input_is_a_dutch_error_per_field(orchestrator, beheerder):
    with pytest.raises(FieldErrors) as caught:
        orchestrator.region.save(beheerder, "rol", {"sleutel": "Veiligheids Adviseur", "naam": "", "escalatie_rol": "baas"})
    assert set(caught.value.fields) == {"sleutel", "naam", "escalatie_rol"}
    with pytest.raises(FieldErrors) as caught:
        orchestrator.region.save(beheerder, "rol", {"sleutel": "analist", "naam": "Nog een analist"})
    assert caught.value.fields == {"sleutel": "'analist' bestaat al"}
    with pytest.raises(FieldErrors) as caught:
        orchestrator.region.save(beheerder, "casustafel", {"sleutel": "t", "naam": "T", "niveau": "land",
                                                           "deelnemers": ["analist", "spook"], "voorzitters": []})
    assert set(caught.value.fields) == {"niveau", "deelnemers", "voorzitters"}


def test_a_built_in_can_be_renamed_not_removed_and_a_role_in_use_stays(orchestrator, beheerder):
    orchestrator.region.save(beheerder, "rol", {"naam": "Procesregisseur ZVH", "regionaal": "nee"}, sleutel="zvh")
    assert roles.ROLES["zvh"] == "Procesregisseur ZVH" and "zvh" in roles.REGIONAL_ROLES  # its nature is code's

    with pytest.raises(FieldErrors) as caught:
        orchestrator.region.remove(beheerder, "rol", "zvh")
    assert "ingebouwd" in caught.value.fields["sleutel"]
    orchestrator.region.save(beheerder, "rol", {"sleutel": "wijkagent", "naam": "Wijkagent"})
    with orchestrator.db.write() as conn:
        add_user(conn, "agent", now=orchestrator.clock.now(), naam="Wim Wijk", roles=["wijkagent"], gemeente_naam="Nijmegen")
    with pytest.raises(FieldErrors) as caught:
        orchestrator.region.remove(beheerder, "rol", "wijkagent")
    assert "gebruikers" in caught.value.fields["sleutel"]


def test_every_change_is_audited_and_only_a_beheerder_changes_the_catalog(orchestrator, beheerder, users):
    orchestrator.region.save(beheerder, "partnersoort", {"sleutel": "kinderopvang", "naam": "Kinderopvang"})
    orchestrator.region.remove(beheerder, "partnersoort", "kinderopvang")

    with orchestrator.db.read() as conn:
        details = conn.execute(select(audit_event.c.detail, audit_event.c.user_id)
                               .where(audit_event.c.actie == "catalogus_gewijzigd").order_by(audit_event.c.id)).all()
    assert [(d.detail["handeling"], d.detail["sleutel"], d.user_id) for d in details] == [
        ("toegevoegd", "kinderopvang", beheerder.id), ("verwijderd", "kinderopvang", beheerder.id)]
    with pytest.raises(Forbidden):
        orchestrator.region.save(users.procesbeheerder, "partnersoort", {"sleutel": "x", "naam": "X"})
