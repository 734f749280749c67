"""The case travels (issue 16): what the analist found and noted reaches the aandachtsfunctionaris, the
assessment reaches the ZVH, and the ZVH's PDF of the case file holds those answers but not who reported.

Also: the case file on the task page sits above the form, collapsible, fits 1280 and 390 px and is axe
clean; a draft is resumed; a progress report keeps the task open. Screenshots in tests/output/screenshots.
"""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.browser_steps import INTAKE, choose, flash, form_ready, screenshot, sign_in, sign_out, submit, textbox
from tests.browser.test_accessibility import BLOCKING, RUN_AXE, WCAG_TAGS, _describe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REPORTER = "Ria Rapporteur"
ADRES = "BRP: zes personen ingeschreven op Waalkade 12"
NOTE = "Buurvrouw belde: 's nachts komen er busjes."
ASSESSMENT = "Afgestemd met AVIM: strafrechtelijk traject nodig."
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _open_task(page: Page, site, signal_id: int, rol_user: str) -> int:
    task = next(t for t in site.orchestrator.inbox(site.actor(rol_user), limit=200)["taken"]
                if t["signaal_id"] == signal_id)
    page.goto(f"/taken/{task['id']}")
    form_ready(page)
    return task["id"]


def _fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
    assert page.evaluate(PAGE_WIDTH) <= width, f"the page scrolls sideways at {width} px"


def _axe_clean(page: Page) -> None:
    page.add_script_tag(url="/static/dist/axe.min.js")
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, _describe(blocking)


def test_the_case_travels_from_analist_to_zvh_and_into_the_pdf(page: Page, site):
    orch = site.orchestrator
    signal_id = orch.report_signal(site.actor("melder"), {
        **INTAKE, "identificeerbaar_slachtoffer": False, "melder": {"naam": REPORTER, "afdeling": "Burgerzaken"}},
        proces="signaal-naar-casus").signal_id

    # --- analist: a note, then the enrichment --------------------------------------------------
    sign_in(page, "analist")
    _open_task(page, site, signal_id, "analist")
    dossier = page.locator("details", has=page.get_by_role("heading", name=re.compile("^Dossier")))
    expect(dossier).to_have_attribute("open", "")
    expect(dossier).to_contain_text("Signaal gemeld")
    expect(dossier).to_contain_text(REPORTER)  # the municipality's own see who reported
    page.get_by_role("heading", name=re.compile("^Aantekeningen")).click()  # collapsed while there are none
    page.get_by_role("textbox", name="Aantekening", exact=True).fill(NOTE)
    page.get_by_role("button", name="Aantekening opslaan").click()
    expect(flash(page)).to_contain_text("De aantekening is opgeslagen.")
    form_ready(page)
    textbox(page, "Adresgegevens").fill(ADRES)
    choose(page, "Is het vermoeden van mensenhandel versterkt?", "Ja")
    submit(page, "Taak afronden")
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    sign_out(page)

    # --- aandachtsfunctionaris: the assessment task shows the enrichment and the note ----------------
    sign_in(page, "aandachtsfunctionaris")
    task_id = _open_task(page, site, signal_id, "aandachtsfunctionaris")
    dossier = page.locator("details", has=page.get_by_role("heading", name=re.compile("^Dossier")))
    expect(dossier.locator("li", has_text="Signaal verrijken")).to_contain_text(ADRES)
    expect(dossier.locator("li", has_text="Signaal verrijken")).to_contain_text(
        re.compile(r"Is het vermoeden van mensenhandel versterkt\?\s*Ja"))
    expect(page.locator(".sr-aantekening")).to_contain_text(NOTE)
    # The case comes before the form.
    assert page.locator("#dossier-kop").bounding_box()["y"] < page.locator("#formulier-kop").bounding_box()["y"]
    screenshot(page, "16-taak-dossier")
    _axe_clean(page)
    _fits(page, 390)
    screenshot(page, "16-taak-dossier-telefoon")
    _fits(page, 1280)
    orch.complete_task(site.actor("aandachtsfunctionaris"), task_id, {
        "geraadpleegde_ketenpartners": ["avim"], "voldoende_aanleiding": True, "zorg_nodig": True,
        "strafrechtelijk_traject": True, "ondermijnende_criminaliteit": False, "casustafel_bespreken": False,
        "toelichting": ASSESSMENT})
    sign_out(page)

    # --- ZVH: the regie task shows the assessment, not the reporter; draft and progress report ----
    sign_in(page, "zvh")
    _open_task(page, site, signal_id, "zvh")
    dossier = page.locator("details", has=page.get_by_role("heading", name=re.compile("^Dossier")))
    expect(dossier.locator("li", has_text="Afstemmen en beoordelen")).to_contain_text(ASSESSMENT)
    expect(dossier).to_contain_text(ADRES)
    expect(page.locator("main")).not_to_contain_text(REPORTER)
    textbox(page, "Behandelaar").fill("P. Regisseur")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.locator(".sr-formulier__melding")).to_contain_text("Concept opgeslagen")
    page.reload()
    form_ready(page)
    expect(textbox(page, "Behandelaar")).to_have_value("P. Regisseur")  # resumed
    textbox(page, "Toelichting").fill("Eerste gesprek met het slachtoffer gevoerd.")
    page.get_by_role("button", name="Opslaan als voortgangsverslag").click()
    expect(flash(page)).to_contain_text("De taak blijft openstaan")
    expect(page.locator(".sr-dossier__stap--voortgang")).to_contain_text("Eerste gesprek met het slachtoffer gevoerd.")
    expect(page.get_by_role("button", name="Taak afronden")).to_be_visible()  # still open
    screenshot(page, "17-regie-voortgang")

    # --- the PDF of the case file, as the ZVH may see it -------------------------------------------
    page.goto(f"/signalen/{signal_id}")
    button = page.get_by_role("link", name="Dossier als PDF downloaden")
    expect(button).to_be_visible()
    _fits(page, 390)
    screenshot(page, "18-signaal-dossier-telefoon")
    _fits(page, 1280)
    response = page.request.get(button.get_attribute("href"), timeout=120_000)  # pango warms up on the first PDF
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in (ASSESSMENT, ADRES, "Signaal verrijken", "Afstemmen en beoordelen", "Eerste gesprek",
                     "Gemaakt door"):
        assert expected in text, expected
    assert REPORTER not in text
