"""The whole route through the UI, as the demo users: report → verrijken → beoordelen → RIEC → closed.

Takes the README's screenshots on the way (tests/output/screenshots/0N-*.png).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import (
    choose,
    field,
    flash,
    form_ready,
    screenshot,
    select_option,
    sign_in,
    sign_out,
    submit,
    task_row,
    textbox,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OMSCHRIJVING = ("Bij een controle van een loods aan de Waalkade sliepen vijf arbeidsmigranten tussen de pallets. "
                "Ze zeiden dat het uitzendbureau hun paspoorten bewaart.")


def _report(page: Page) -> str:
    """melder: fill in "Signaal melden" and send it; the reference shown on "Mijn meldingen"."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signaal melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaal melden")
    form_ready(page)
    # a choice of the melder's own municipalities, the first chosen
    expect(field(page, "Gemeente").locator(".fjs-select-display")).to_have_text("Nijmegen")
    textbox(page, "Afdeling of organisatie melder").fill("Handhaving")
    textbox(page, "Omschrijving van het signaal").fill(OMSCHRIJVING)
    textbox(page, "Locatie of adres").fill("Waalkade 12, Nijmegen")
    choose(page, "Vermoede vorm(en) van uitbuiting", "Arbeidsuitbuiting")
    choose(page, "Vermoede vorm(en) van uitbuiting", "Criminele uitbuiting")
    # No identifiable victim, no location, not under the meldcode: the intake chooses the stroomschema.
    expect(page.get_by_role("checkbox", name="Er is een identificeerbaar slachtoffer", exact=True)).not_to_be_checked()
    choose(page, "Is er een minderjarige betrokken?", "Nee")
    select_option(page, "Sector", "Logistiek en transport")
    choose(page, "Waargenomen signalen", "Heeft geen eigen identiteitsbewijs")
    choose(page, "Waargenomen signalen", "Woont op de werkplek of bij de werkgever")
    screenshot(page, "01-melden")

    submit(page, "Melding versturen")
    expect(page).to_have_url(re.compile(r"/mijn-meldingen\?nieuw="))
    bevestiging = page.get_by_role("status").filter(has_text="Uw melding is ontvangen onder referentie")
    expect(bevestiging).to_be_visible()
    reference = bevestiging.locator("strong").inner_text()
    assert re.fullmatch(r"\S+", reference), reference
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text("In behandeling")
    screenshot(page, "02-mijn-meldingen")
    return reference


def _complete(page: Page, flash_text: str = "De taak is afgerond.") -> None:
    submit(page, "Taak afronden")
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    expect(flash(page)).to_contain_text(flash_text)


def test_the_whole_route_through_the_ui(page: Page):
    # --- melder reports -------------------------------------------------------------------
    sign_in(page, "melder")
    expect(page).to_have_url(re.compile(r"/mijn-meldingen$"))  # a melder starts on their own reports
    reference = _report(page)
    sign_out(page)

    # --- analist: claim "Signaal verrijken" and complete it -----------------------------------
    sign_in(page, "analist")
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    row = task_row(page, "Signaal verrijken", reference)
    expect(row).to_contain_text("Nijmegen")
    expect(row).to_contain_text("Niemand (voor: Analist Meldpunt Ondermijning)")  # the role's name, not its key
    screenshot(page, "03-werkvoorraad-analist")
    row.get_by_role("button", name=re.compile(r"^Oppakken")).click()
    expect(flash(page)).to_contain_text("De taak staat nu op uw naam.")
    row = task_row(page, "Signaal verrijken", reference)
    expect(row).to_contain_text("Anouk Analist (Meldpunt Ondermijning)")  # the person's name, not the login
    expect(row.get_by_role("button", name=re.compile(r"^Teruggeven"))).to_be_visible()
    row.get_by_role("link", name="Signaal verrijken").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaal verrijken")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    summary = page.locator("details", has=page.get_by_role("heading", name="Het signaal"))
    expect(summary).to_contain_text(OMSCHRIJVING)  # the signal's details above the form
    form_ready(page)
    expect(page.get_by_role("button", name=re.compile("^Oppakken"))).to_have_count(0)  # already mine
    textbox(page, "Adresgegevens").fill("BRP: zeven personen ingeschreven op het adres van de loods.")
    textbox(page, "Eerdere interventies").fill("Controle Arbeidsinspectie in 2025.")
    choose(page, "Is het vermoeden van mensenhandel versterkt?", "Ja")
    textbox(page, "Toelichting").fill("Paspoorten ingehouden; huisvesting op de werkplek.")
    screenshot(page, "04-taak-verrijken")
    _complete(page)
    expect(task_row(page, "Signaal verrijken", reference)).to_have_count(0)
    sign_out(page)

    # --- aandachtsfunctionaris: "Afstemmen en beoordelen" → RIEC ------------------------------
    sign_in(page, "aandachtsfunctionaris")
    row = task_row(page, "Afstemmen en beoordelen", reference)
    signal_url = row.get_by_role("link", name=reference).get_attribute("href")
    assert signal_url and re.fullmatch(r"/signalen/\d+", signal_url), signal_url
    row.get_by_role("link", name="Afstemmen en beoordelen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Afstemmen en beoordelen")
    form_ready(page)
    choose(page, "Geraadpleegde ketenpartners", "Politie – AVIM")
    choose(page, "Geraadpleegde ketenpartners", "Nederlandse Arbeidsinspectie (NLA)")
    choose(page, "Is er voldoende aanleiding om het vermoeden in te brengen bij een casustafel?", "Ja")
    page.get_by_role("checkbox", name="Ondermijnende criminaliteit", exact=True).check()
    textbox(page, "Toelichting").fill("Netwerk van uitzendbureaus; ondermijnend. Naar de RIEC-casustafel.")
    screenshot(page, "05-taak-beoordelen")
    _complete(page)
    sign_out(page)

    # --- riec: "Regie ondermijning (RIEC)" ------------------------------------------------------
    sign_in(page, "riec")
    row = task_row(page, "Regie ondermijning (RIEC)", reference)
    expect(row).to_be_visible()
    screenshot(page, "06-werkvoorraad-riec")
    row.get_by_role("link", name="Regie ondermijning (RIEC)").click()
    form_ready(page)
    page.get_by_role("checkbox", name="Casus afgesloten", exact=True).check()
    select_option(page, "Resultaat", "Strafrechtelijk onderzoek gestart")
    textbox(page, "Behandelaar").fill("R. de Vries")
    select_option(page, "Convenant", "RIEC-convenant")
    _complete(page, "Het signaal is afgesloten.")
    expect(task_row(page, "Regie ondermijning (RIEC)", reference)).to_have_count(0)
    sign_out(page)

    # --- the signal page, as the aandachtsfunctionaris ----------------------------------------
    sign_in(page, "aandachtsfunctionaris")
    page.goto(signal_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signaal {reference}")
    expect(page.locator(".sr-badge--afgerond")).to_have_text("Afgesloten")
    route = page.get_by_role("note").filter(has_text="Route:")
    expect(route).to_contain_text("Route: RIEC (ondermijnende criminaliteit).")
    expect(route).to_contain_text("RIEC-convenant")
    expect(page.get_by_text("Geen open taken.")).to_be_visible()
    tijdlijn = page.locator("ol.sr-tijdlijn > li")
    for regel in ("Signaal gemeld", "Taak opgepakt: Signaal verrijken", "Taak afgerond: Signaal verrijken",
                  "Taak afgerond: Afstemmen en beoordelen", "Taak afgerond: Regie ondermijning (RIEC)",
                  "Signaal afgesloten"):
        expect(tijdlijn.filter(has_text=regel).first).to_be_visible()
    for wie in ("Mila Melder (Burgerzaken)", "Anouk Analist (Meldpunt Ondermijning)", "Arjen Aandachtsfunctionaris",
                "Rik RIEC-analist"):
        expect(tijdlijn.filter(has_text=f"door {wie}").first).to_be_visible()
    diagram = page.locator(".sr-diagram")
    expect(diagram).to_have_attribute("data-sr-klaar", "ja")
    expect(diagram.locator("svg").first).to_be_visible()
    expect(diagram.locator(".djs-element.sr-voltooid").first).to_be_attached()
    expect(page.locator("aside .sr-gegevens")).to_contain_text(OMSCHRIJVING)
    expect(page.locator(".sr-dossier")).to_contain_text("BRP: zeven personen")  # the case file: each step's answers
    screenshot(page, "07-signaal")
    sign_out(page)

    # --- the melder sees only that it was handled ----------------------------------------------
    sign_in(page, "melder")
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text(re.compile(r"Afgehandeld op \d{2}-\d{2}-\d{4}"))
    screenshot(page, "08-mijn-meldingen-afgerond")
