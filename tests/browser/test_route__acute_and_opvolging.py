"""Issue #16 on screen: the intake says "Bel nu eerst 112" when acute danger was not yet called in,
and 'Gemeentelijke opvolging' asks with whom and when before it closes a signal; both fit a phone
and pass axe."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import AXE_JS, INTAKE, choose, form_ready, screenshot, sign_in, submit, textbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id + ': ' + v.help);
}"""
NO_PAGE_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _checked(page: Page) -> None:
    """No serious or critical axe violation, no horizontal page scroll at 1280 and at 390 pixels."""
    assert AXE_JS.exists()
    page.add_script_tag(url="/static/dist/axe.min.js")
    assert page.evaluate(RUN_AXE) == [], json.dumps(page.evaluate(RUN_AXE), ensure_ascii=False)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(NO_PAGE_SCROLL), f"the page scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_acute_danger_not_yet_called_says_call_112_first_and_opens_the_acute_task(page: Page, site):
    sign_in(page, "melder")
    page.goto("/melden")
    form_ready(page)
    bel = page.get_by_text("Bel nu eerst 112.")
    expect(bel).to_have_count(0)
    page.get_by_role("checkbox", name="Is er acuut gevaar?", exact=True).check()
    expect(bel).to_have_count(0)  # not before the question whether 112 was called is answered
    choose(page, "Is 112 al gebeld?", "Nee, nog niet")
    expect(bel).to_be_visible()
    screenshot(page, "14-melden-acuut")
    _checked(page)

    textbox(page, "Omschrijving van het signaal").fill("Man met verwondingen wordt in een busje geduwd.")
    choose(page, "Vermoede vorm(en) van uitbuiting", "Onbekend")
    choose(page, "Is er een minderjarige betrokken?", "Onbekend")
    submit(page, "Melding versturen")
    expect(page).to_have_url(re.compile(r"/mijn-meldingen\?nieuw="))

    sign_in(page, "aandachtsfunctionaris")
    page.goto("/werkvoorraad")
    row = page.locator("tbody tr").filter(has_text="Acute situatie opvolgen")
    expect(row).to_have_count(1)
    expect(row.locator(".sr-badge", has_text="Acuut")).to_be_visible()


def test_gemeentelijke_opvolging_asks_with_whom_and_when_before_the_signal_closes(page: Page, site):
    orch = site.orchestrator
    started = orch.report_signal(site.actor("melder"), dict(INTAKE), proces="signaal-naar-casus")
    analist, af = site.actor("analist"), site.actor("aandachtsfunctionaris")
    task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == started.signal_id)
    orch.complete_task(analist, task["id"], {"vermoeden_versterkt": True})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started.signal_id)
    orch.complete_task(af, task["id"], {"voldoende_aanleiding": False, "reden_geen_casustafel": "Geen aanwijzingen."})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started.signal_id)
    assert task["naam"] == "Gemeentelijke opvolging"

    sign_in(page, "aandachtsfunctionaris")
    page.goto(f"/taken/{task['id']}")
    form_ready(page)
    choose(page, "Opvolging", "Reguliere hulp inschakelen")
    expect(page.get_by_text("Het signaal wordt afgesloten als gemeentelijk opgepakt;")).to_be_visible()
    expect(textbox(page, "Met wie")).to_be_visible()
    screenshot(page, "15-taak-gemeentelijke-opvolging")
    _checked(page)
    choose(page, "Opvolging", "Afsluiten zonder vervolg")
    expect(textbox(page, "Met wie")).to_have_count(0)
    expect(page.get_by_text("Het signaal wordt afgesloten; de melder krijgt bericht.")).to_be_visible()
