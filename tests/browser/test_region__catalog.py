"""Issue #17, through the UI: a beheerder adds a role, a case table and a kind of chain partner on the
Beheer pages; a process that names them deploys without a code change (it was refused before), and
its task reaches a user with the new role, showing the new partner kind; the case table is one to plan."""
from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.definitions.package import ProcessPackage
from engine.errors import DeployRejected
from engine.people.users import add_user
from engine.store.schema import user, user_totp
from tests.browser.browser_steps import PASSWORD, flash, sign_in, sign_out, submit, task_row
from tests.engine.route_actions import ROOT, package_with, replace_once

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ADMIN = "beheerder"


def _meldcode_using_the_new_entries() -> ProcessPackage:
    """The meldcode route: its Veilig Thuis hand-over done by the new role, naming the new partner kind; the
    outcome decided at the new case table."""
    def change(text: str) -> str:
        text = replace_once(text, '''<spiffworkflow:property name="rol" value="aandachtsfunctionaris" />
          <spiffworkflow:property name="formulier" value="doorverwijzing" />
          <spiffworkflow:property name="ketenpartner" value="veilig_thuis" />''',
                            '''<spiffworkflow:property name="rol" value="jeugdregisseur" />
          <spiffworkflow:property name="formulier" value="doorverwijzing" />
          <spiffworkflow:property name="ketenpartner" value="schoolarts" />''')
        return replace_once(text, '''<spiffworkflow:property name="formulier" value="uitkomst-veilig-thuis" />''',
                            '''<spiffworkflow:property name="formulier" value="uitkomst-veilig-thuis" />
          <spiffworkflow:property name="casustafel" value="jeugdoverleg" />''')
    return package_with(ProcessPackage.from_folder(ROOT / "processes" / "meldcode"), **{"meldcode.bpmn": change})


def _sign_in_admin(page: Page, site) -> None:
    signin, user_id = site.orchestrator.signin, site.actor(ADMIN).id
    secret = signin.start_enrolment(user_id).secret
    signin.confirm_enrolment(user_id, pyotp.TOTP(secret).now())
    with site.orchestrator.db.write() as conn:  # the enrolment used this time step
        conn.execute(update(user_totp).where(user_totp.c.user_id == user_id).values(last_step=None))
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(ADMIN)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def test_a_role_a_table_and_a_partner_kind_added_in_the_browser_are_used_by_a_deployed_process(page: Page, site):
    orch = site.orchestrator
    with pytest.raises(DeployRejected, match="onbekende rol 'jeugdregisseur'"):
        orch.deploy(_meldcode_using_the_new_entries())

    # --- the beheerder adds them on the Beheer pages -----------------------------------------------------
    _sign_in_admin(page, site)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rollen en tafels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rollen")
    page.get_by_label("Sleutel", exact=True).fill("Jeugd regisseur")
    submit(page, "Toevoegen")
    expect(page.get_by_role("alert")).to_contain_text("Sleutel: kleine letters")
    expect(page.get_by_role("alert")).to_contain_text("Naam: is verplicht")
    page.get_by_label("Sleutel", exact=True).fill("jeugdregisseur")
    page.get_by_label("Naam", exact=True).fill("Jeugdregisseur")
    page.get_by_label("Doet taken in een proces").check()
    submit(page, "Toevoegen")
    expect(flash(page)).to_contain_text("Jeugdregisseur (jeugdregisseur) is toegevoegd.")

    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Casustafels").click()
    page.get_by_label("Sleutel", exact=True).fill("jeugdoverleg")
    page.get_by_label("Naam", exact=True).fill("Lokaal jeugdoverleg")
    page.get_by_label("Niveau").select_option(label="Gemeente (lokaal)")
    deelnemers = page.get_by_role("group", name="Deelnemers (rollen die aan tafel zitten)")
    deelnemers.get_by_label("Jeugdregisseur").check()
    deelnemers.get_by_label("Aandachtsfunctionaris mensenhandel").check()
    page.get_by_role("group", name="Voorzitters (plannen het overleg en notuleren)").get_by_label("Jeugdregisseur").check()
    submit(page, "Toevoegen")
    expect(flash(page)).to_contain_text("Lokaal jeugdoverleg (jeugdoverleg) is toegevoegd.")

    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Soorten ketenpartner").click()
    page.get_by_label("Sleutel", exact=True).fill("schoolarts")
    page.get_by_label("Naam", exact=True).fill("Jeugdarts GGD")
    submit(page, "Toevoegen")
    expect(flash(page)).to_contain_text("Jeugdarts GGD (schoolarts) is toegevoegd.")
    expect(page.get_by_role("row", name="Jeugdarts GGD")).to_be_visible()
    sign_out(page)

    # --- the same process deploys now, and works with them --------------------------------------------------
    assert orch.deploy(_meldcode_using_the_new_entries()).nieuw
    with orch.db.write() as conn:
        add_user(conn, "jeugdregisseur", now=orch.clock.now(), naam="Jet Jeugdregisseur", roles=["jeugdregisseur"],
                 gemeente_naam="Nijmegen")
        conn.execute(update(user).where(user.c.gebruikersnaam == "jeugdregisseur")
                     .values(password_hash=conn.execute(user.select().where(user.c.gebruikersnaam == ADMIN))
                             .one().password_hash))
    started = orch.report_signal(site.actor("melder"), {
        "gemeente": "Nijmegen", "omschrijving": "Leerling van 14 wordt na school opgehaald door onbekenden.",
        "uitbuitingsvormen": ["crimineel"], "minderjarige": "ja", "meldcode_professional": True}, proces="meldcode")

    sign_in(page, "jeugdregisseur")
    task_row(page, "Melding aan Veilig Thuis doorgeven", started.referentie).get_by_role(
        "link", name="Melding aan Veilig Thuis doorgeven").click()
    expect(page.get_by_text("Jeugdarts GGD").first).to_be_visible()  # the new kind, with its region's contacts
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen").click()
    expect(page.get_by_label("Tafel")).to_contain_text("Lokaal jeugdoverleg")  # its chair plans its meetings
