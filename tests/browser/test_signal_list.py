"""The Signalen page in the browser: the aandachtsfunctionaris finds a signal, filters, sees phase, owner and
deadline; the list fits 1280 px and a phone (390 px: the table scrolls in its own region, the page never
sideways); and a signal is handed over to another municipality from its page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import INTAKE, SCREENSHOTS, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def signals(site) -> dict[str, str]:
    """Three signals of Nijmegen: an acute one, one with a minor (claimed by the analist), one closed by the analist."""
    orch = site.orchestrator
    melder, analist = site.actor("melder"), site.actor("analist")
    acute = orch.report_signal(melder, {**INTAKE, "acute_nood": True, "al_112_gebeld": False}, proces="signaal-naar-casus")
    minor = orch.report_signal(melder, {**INTAKE, "minderjarige": "ja", "uitbuitingsvormen": ["crimineel"]},
                               proces="signaal-naar-casus")
    closed = orch.report_signal(melder, {**INTAKE, "uitbuitingsvormen": ["arbeid"]}, proces="signaal-naar-casus")
    tasks = {t["signaal_id"]: t["id"] for t in orch.inbox(analist)["taken"]}
    orch.claim(analist, tasks[minor.signal_id])
    orch.complete_task(analist, tasks[closed.signal_id], {"vermoeden_versterkt": False,
                                                          "reden_afsluiten": "Regulier arbeidsconflict."})
    return {"acuut": acute.referentie, "minderjarig": minor.referentie, "afgesloten": closed.referentie}


def test_the_signalen_page_at_desk_and_phone_width(page: Page, signals):
    sign_in(page, "aandachtsfunctionaris")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signalen").click()
    expect(page.get_by_role("heading", name="Signalen", level=1)).to_be_visible()
    table = page.get_by_role("region", name="Signalen")
    for reference in signals.values():
        expect(table.get_by_role("link", name=reference, exact=True)).to_be_visible()
    minor_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=signals["minderjarig"], exact=True))
    expect(minor_row).to_contain_text("Anouk Analist")  # the owner: who holds the open task
    expect(minor_row).to_contain_text("Minderjarige")
    closed_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=signals["afgesloten"], exact=True))
    expect(closed_row).to_contain_text("Afgesloten")
    screenshot(page, "20-signalen")
    assert page.evaluate(PAGE_WIDTH) <= 1280

    page.get_by_label("Alleen acute signalen").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name=signals["acuut"], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=signals["minderjarig"], exact=True)).to_have_count(0)

    page.set_viewport_size(PHONE)
    page.goto("/signalen")
    expect(page.get_by_role("region", name="Signalen")).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    screenshot(page, "21-signalen-telefoon")


def test_a_bad_date_is_shown_at_its_field(page: Page, signals):
    sign_in(page, "aandachtsfunctionaris")
    page.goto("/signalen?ontvangen_van=31-02-2026")
    expect(page.get_by_text("Ontvangen van: is geen geldige datum (dd-mm-jjjj)")).to_be_visible()
    expect(page.get_by_label("Ontvangen van")).to_have_attribute("aria-invalid", "true")


def test_the_aandachtsfunctionaris_hands_a_signal_over(page: Page, site, signals):
    sign_in(page, "aandachtsfunctionaris")
    page.goto("/signalen")
    page.get_by_role("link", name=signals["acuut"], exact=True).click()
    page.locator("summary", has_text="Signaal overdragen").click()  # opens the form
    page.get_by_label("Gemeente", exact=True).select_option(label="Arnhem")
    page.get_by_label("Reden").fill("Het slachtoffer woont in Arnhem.")
    page.get_by_role("region", name="Overdragen aan een andere gemeente").scroll_into_view_if_needed()
    page.get_by_role("region", name="Overdragen aan een andere gemeente").screenshot(
        path=SCREENSHOTS / "22-signaal-overdragen.png")
    page.get_by_role("button", name="Signaal overdragen").click()
    expect(page.get_by_text(f"Signaal {signals['acuut']} is overgedragen aan de gemeente Arnhem")).to_be_visible()
    expect(page.get_by_role("link", name=signals["acuut"], exact=True)).to_have_count(0)
    page.goto("/signalen?status=overgedragen")
    page.get_by_role("link", name=signals["acuut"], exact=True).click()
    expect(page.get_by_text("overgedragen aan de gemeente Arnhem")).to_be_visible()
    expect(page.get_by_text(INTAKE["omschrijving"])).to_have_count(0)
