"""The managers' pages in chromium: board (with a reassignment), figures with Chart.js charts,
heat map on the diagram — screenshots for the README, and axe-core without serious or
critical violations on each."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.store.schema import human_task
from tests.browser.browser_steps import AXE_JS, screenshot, sign_in
from tests.browser.test_accessibility import BLOCKING, REPORTS, RUN_AXE, WCAG_TAGS, _describe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Vrouw met een rode jas wordt 's nachts opgehaald.",
          "locatie": "Geheimweg 12", "uitbuitingsvormen": ["seksueel"], "minderjarige": "onbekend",
          "melder": {"naam": "Karel Kroon", "contact": "06-98765432"}, "sector": "horeca"}
PERSONAL_VALUES = ("rode jas", "Geheimweg", "Karel Kroon", "06-987")


@pytest.fixture(scope="module")
def signals(site) -> list[int]:
    """Five signals: three moved on (one closed), deadlines pushed into the past for some."""
    orch = site.orchestrator
    melder, analist = site.actor("melder"), site.actor("analist")
    started = [orch.report_signal(melder, {**INTAKE, "uitbuitingsvormen": vormen, "sector": sector})
               for vormen, sector in ((["seksueel"], "horeca"), (["arbeid"], "bouw"), (["arbeid", "crimineel"], "bouw"),
                                      (["crimineel"], None), (["arbeid"], "agrarisch"))]
    tasks = {t["signaal_id"]: t["id"] for t in orch.inbox(analist)["taken"]}
    orch.complete_task(analist, tasks[started[0].signal_id], {"vermoeden_versterkt": True, "adresgegevens": "BRP"})
    orch.complete_task(analist, tasks[started[1].signal_id], {"vermoeden_versterkt": False,
                                                             "reden_afsluiten": "Geen aanwijzingen."})
    orch.complete_task(analist, tasks[started[2].signal_id], {"vermoeden_versterkt": True, "adresgegevens": "BRP"})
    now = orch.clock.now()
    with orch.db.write() as conn:  # three tasks late by 1, 2 and 3 days; the board shows them
        for days, signal in zip((3, 2, 1), (started[3], started[4], started[2]), strict=True):
            conn.execute(update(human_task).where(human_task.c.signal_id == signal.signal_id,
                                                  human_task.c.status == "open")
                         .values(created_at=now - dt.timedelta(days=days + 5), due_at=now - dt.timedelta(days=days)))
    return [s.signal_id for s in started]


def _axe(page: Page, name: str) -> None:
    # from our own origin: the Content-Security-Policy (script-src 'self') refuses inline scripts
    page.add_script_tag(url="/static/dist/" + AXE_JS.name)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {name}: serious/critical violations:\n{_describe(blocking)}"


def _no_personal_data(page: Page) -> None:
    text = page.content()
    for value in PERSONAL_VALUES:
        assert value not in text


def test_board_reassign_and_axe(page: Page, signals):
    sign_in(page, "manager")
    page.get_by_role("link", name="Overzicht").click()
    expect(page.get_by_role("heading", name="Overzicht: te laat en bijna te laat")).to_be_visible()
    rows = page.locator("#taken tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("3 d 0 u te laat")
    screenshot(page, "09-overzicht-te-laat")
    _no_personal_data(page)
    _axe(page, "overzicht-te-laat")

    first = rows.first
    first.get_by_label("Toewijzen", exact=False).select_option(label="Bram Tweede Analist (Meldpunt Ondermijning)")
    first.get_by_role("button", name="Toewijzen").click()
    expect(page.locator("main > .sr-melding[role=status]")).to_contain_text("staat nu op naam van Bram Tweede Analist")
    expect(page.locator("#taken tbody tr").first).to_contain_text("Bram Tweede Analist")


def test_figures_page_with_charts_and_axe(page: Page, signals):
    sign_in(page, "manager")
    page.goto("/overzicht/cijfers")
    charts = page.locator(".sr-grafiek")
    expect(charts.first).to_have_attribute("data-sr-klaar", "ja")
    for chart in charts.all():
        expect(chart).to_have_attribute("data-sr-klaar", "ja")
        expect(chart.locator("canvas")).to_be_visible()
    expect(page.locator(".sr-kengetal").first).to_have_text("5 signalen ontvangen")
    expect(page.get_by_role("link", name="Excel (.xlsx)")).to_be_visible()
    screenshot(page, "10-overzicht-cijfers")
    _no_personal_data(page)
    _axe(page, "overzicht-cijfers")
    page.goto("/overzicht/werkdruk")
    expect(page.get_by_role("heading", name="Overzicht: werkdruk")).to_be_visible()
    _no_personal_data(page)
    _axe(page, "overzicht-werkdruk")


def test_heat_map_on_the_diagram_and_axe(page: Page, signals):
    sign_in(page, "manager")
    page.goto("/overzicht/knelpunten")
    kaart = page.locator(".sr-hittekaart")
    expect(kaart).to_have_attribute("data-sr-klaar", "ja")
    expect(kaart.locator(".djs-element.sr-hitte-4")).to_have_count(2)  # verrijken and beoordelen: 2 wait at each
    expect(kaart.locator(".sr-hitte-label").first).to_be_visible()
    expect(kaart.locator(".sr-hitte-label", has_text="2 wachten")).to_have_count(2)
    screenshot(page, "11-overzicht-knelpunten")
    _no_personal_data(page)
    _axe(page, "overzicht-knelpunten")


PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_every_managers_page_fits_a_phone(page: Page, signals):
    """At 390 px no manager's page scrolls sideways (a table may scroll in its own box, or stack)."""
    page.set_viewport_size(PHONE)
    sign_in(page, "manager")
    page.goto("/overzicht")
    links = page.eval_on_selector_all("nav a[href], .sr-gebruiker a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = ["/overzicht", "/overzicht/cijfers", "/overzicht/werkdruk", "/overzicht/knelpunten",
             f"/signalen/{signals[0]}", *links]
    too_wide = {}
    for path in dict.fromkeys(p for p in paths if p.startswith("/") and p != "/afmelden"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        for island in page.locator(".sr-diagram, .sr-hittekaart").all():
            expect(island).to_have_attribute("data-sr-klaar", "ja")
        width = page.evaluate(PAGE_WIDTH)
        if width > PHONE["width"]:
            too_wide[path] = width
    assert not too_wide, f"wider than {PHONE['width']} px: {too_wide}"
    page.goto("/overzicht/knelpunten")
    screenshot(page, "overzicht-knelpunten-390")
