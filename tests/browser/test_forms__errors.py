"""Field errors in the browser: under the field they are about, and nothing typed is lost.

Two kinds: what the form itself checks (a required radio left empty) and what only the
server can know (a municipality that does not exist: 422 with ``velden``).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import choose, error_of, field, form_alert, form_ready, sign_in, submit, textbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INTAKE = {
    "gemeente": "Nijmegen",
    "omschrijving": "Drie arbeidsmigranten slapen in een loods van een uitzendbureau.",
    "uitbuitingsvormen": ["arbeid"],
    "minderjarige": "nee",
}


@pytest.fixture
def verrijken_task(site) -> int:
    """An open "Signaal verrijken" task in Nijmegen (reported through the engine)."""
    outcome = site.orchestrator.report_signal(site.actor("melder"), dict(INTAKE))
    analist = site.actor("analist")
    task = next(t for t in site.orchestrator.inbox(analist)["taken"] if t["signaal_id"] == outcome.signal_id)
    return task["id"]


def test_a_required_radio_left_empty_is_shown_under_it_and_the_typed_text_stays(page: Page, site, verrijken_task):
    sign_in(page, "analist")
    page.goto(f"/taken/{verrijken_task}")
    form_ready(page)
    textbox(page, "Adresgegevens").fill("BRP: zes personen ingeschreven")
    textbox(page, "Overige informatie").fill("Buren melden veel verloop.")
    textbox(page, "Toelichting").fill("Nog geen conclusie: eerst het radiogetal nakijken.")

    submit(page, "Taak afronden")

    vermoeden = field(page, "Is het vermoeden van mensenhandel versterkt?")
    expect(error_of(vermoeden)).to_have_text("Dit veld is verplicht.")
    expect(vermoeden.get_by_label("Ja", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(vermoeden.get_by_label("Ja", exact=True)).to_be_focused()  # focus on the first field with an error
    for other in ("Adresgegevens", "Overige informatie", "Toelichting"):
        expect(error_of(field(page, other))).to_have_count(0)
    expect(textbox(page, "Adresgegevens")).to_have_value("BRP: zes personen ingeschreven")
    expect(textbox(page, "Overige informatie")).to_have_value("Buren melden veel verloop.")
    expect(textbox(page, "Toelichting")).to_have_value("Nog geen conclusie: eerst het radiogetal nakijken.")
    expect(page).to_have_url(re.compile(rf"/taken/{verrijken_task}$"))
    assert site.orchestrator.task(site.actor("analist"), verrijken_task)["status"] == "open"

    # Answering the question clears the message; now it goes through.
    choose(page, "Is het vermoeden van mensenhandel versterkt?", "Nee")
    expect(error_of(vermoeden)).to_have_count(0)
    # "Nee" brings up the required reason for closing; left empty, it is named and nothing posts.
    submit(page, "Taak afronden")
    expect(error_of(field(page, "Reden van afsluiten"))).to_have_text("Dit veld is verplicht.")
    expect(page).to_have_url(re.compile(rf"/taken/{verrijken_task}$"))
    textbox(page, "Reden van afsluiten").fill("Geen signalen van uitbuiting; het wijkteam pakt het regulier op.")
    submit(page, "Taak afronden")
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    expect(page.locator("main > .sr-melding[role=status]")).to_contain_text("De taak is afgerond.")
    done = site.orchestrator.task(site.actor("analist"), verrijken_task)
    assert done["status"] == "voltooid"


def test_the_servers_check_of_the_contact_details_is_shown_under_the_field_and_the_rest_stays(page: Page):
    sign_in(page, "melder")
    page.goto("/melden")
    form_ready(page)
    textbox(page, "Contactgegevens melder").fill("bel maar even")
    textbox(page, "Omschrijving van het signaal").fill("Een man slaapt in de kelder van een nagelsalon.")
    textbox(page, "Locatie of adres").fill("Molenstraat 3")
    choose(page, "Vermoede vorm(en) van uitbuiting", "Arbeidsuitbuiting")
    choose(page, "Is er een minderjarige betrokken?", "Onbekend")

    with page.expect_response(lambda r: r.url.endswith("/melden") and r.request.method == "POST") as answer:
        submit(page, "Melding versturen")
    assert answer.value.status == 422

    contact = field(page, "Contactgegevens melder")
    expect(error_of(contact)).to_have_text(re.compile("vul een telefoonnummer .* of een e-mailadres in"))
    expect(textbox(page, "Contactgegevens melder")).to_have_attribute("aria-invalid", "true")
    expect(textbox(page, "Contactgegevens melder")).to_be_focused()
    expect(form_alert(page)).to_be_visible()
    expect(form_alert(page)).to_contain_text("Niet alle velden zijn goed ingevuld.")
    expect(page.locator(".fjs-form-field-error")).to_have_count(1)  # only the contact details are wrong
    # Everything else is as it was typed.
    expect(textbox(page, "Contactgegevens melder")).to_have_value("bel maar even")
    expect(textbox(page, "Omschrijving van het signaal")).to_have_value("Een man slaapt in de kelder van een nagelsalon.")
    expect(textbox(page, "Locatie of adres")).to_have_value("Molenstraat 3")
    expect(field(page, "Vermoede vorm(en) van uitbuiting").get_by_label("Arbeidsuitbuiting")).to_be_checked()
    expect(field(page, "Is er een minderjarige betrokken?").get_by_label("Onbekend")).to_be_checked()
    expect(textbox(page, "Naam melder")).to_have_value("Mila Melder (Burgerzaken)")
    expect(page).to_have_url(re.compile(r"/melden$"))

    # The message stays until the value it was about changes; then the report goes through.
    textbox(page, "Contactgegevens melder").fill("024-1234567")
    expect(error_of(contact)).to_have_count(0)
    submit(page, "Melding versturen")
    expect(page).to_have_url(re.compile(r"/mijn-meldingen\?nieuw="))
    expect(page.get_by_role("status").filter(has_text="Uw melding is ontvangen onder referentie")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Wat gebeurt er nu?")).to_be_visible()


def test_the_municipality_is_a_choice_of_the_reporters_own(page: Page):
    sign_in(page, "melder")
    page.goto("/melden")
    form_ready(page)
    gemeente = field(page, "Gemeente")
    expect(gemeente.locator(".fjs-select-display")).to_have_text("Nijmegen")  # the only one the melder works for
    gemeente.locator(".fjs-select-display").click()
    expect(gemeente.locator(".fjs-dropdownlist-item")).to_have_text(["Nijmegen"])


def test_an_impossible_date_is_refused_not_rolled_over(page: Page):
    """31-02 does not silently become 3 March: the field keeps what was typed, says why, and nothing is sent."""
    sign_in(page, "melder")
    page.goto("/melden")
    form_ready(page)
    datum = page.get_by_label("Datum ontvangst")
    expect(datum).to_have_attribute("placeholder", re.compile("jjjj"))

    datum.fill("31-02-2026")
    datum.press("Tab")

    expect(datum).to_have_value("31-02-2026")
    expect(datum).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".sr-datumfout")).to_have_text(re.compile("'31-02-2026' is geen bestaande datum"))
    submit(page, "Melding versturen")
    expect(datum).to_be_focused()
    expect(page).to_have_url(re.compile("/melden$"))

    datum.fill("28-02-2026")
    datum.press("Tab")
    expect(page.locator(".sr-datumfout")).to_have_count(0)
    expect(datum).not_to_have_attribute("aria-invalid", "true")
