"""A care trajectory through the UI (issue #18), as the zorgcoördinator: intake in categories, a COSM
placement with a provider from the chain-partner directory, the reflection period's reminder task, the
signal page with the trajectory and the running deadlines; the aandachtsfunctionaris sees none of the care.

Takes the README's screenshots on the way (tests/output/screenshots/14-*.png … 18-*.png).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import insert, select

from engine.clock import AMSTERDAM
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import ensure_gemeente
from engine.store.schema import gemeente, ketenpartner
from tests.browser.browser_steps import INTAKE, choose, flash, form_ready, screenshot, select_option, sign_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROVIDER = "COSM Opvanghuis Gelderland"


@pytest.fixture
def reached_care(site):
    """A signal of the default route, enriched and assessed as a care case: the route reached care and its
    trajectory waits on the zorgcoördinator's intake; a shelter provider is in the region's directory."""
    orch = site.orchestrator
    with orch.db.write() as conn:
        gemeente_id = ensure_gemeente(conn, "Nijmegen")
        regio_id = conn.execute(select(gemeente.c.regio_id).where(gemeente.c.id == gemeente_id)).scalar_one()
        if regio_id is None:
            regio_id = ensure_regio(conn, "Gelderland-Zuid")
            assign_gemeente(conn, regio_id, gemeente_id)
        conn.execute(insert(ketenpartner), {"regio_id": regio_id, "soort": "opvang", "naam": PROVIDER,
                                            "telefoon": "024 123 45 67", "bijgewerkt_op": orch.clock.now()})
    outcome = orch.report_signal(site.actor("melder"), INTAKE, proces="signaal-naar-casus")
    for who, data in (("analist", {"vermoeden_versterkt": True}),
                      ("aandachtsfunctionaris", {"voldoende_aanleiding": True, "zorg_nodig": True})):
        actor = site.actor(who)
        task = next(t for t in orch.inbox(actor)["taken"] if t["signaal_id"] == outcome.signal_id)
        orch.complete_task(actor, task["id"], data)
    return outcome


RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
    'wcag22aa']}, resultTypes: ['violations']});
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}"""
PHONE = {"width": 390, "height": 844}


WIDEST = """(selector) => Math.max(0, ...[...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect().right))"""


def _axe_clean_and_fits_a_phone(page: Page, path: str, part: str | None = None) -> None:
    """axe finds nothing serious at 1280 px, and at 390 px the page (or only its ``part``, a CSS selector:
    the rest of the page is another's) does not scroll sideways."""
    for viewport in ({"width": 1280, "height": 800}, PHONE):
        page.set_viewport_size(viewport)
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        for island in page.locator(".sr-formulier").all():
            expect(island).to_have_attribute("data-sr-klaar", "ja")
        if viewport is PHONE and part:
            assert page.evaluate(WIDEST, f"{part}, {part} *") <= PHONE["width"], (path, part)
        elif viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        else:
            page.add_script_tag(url="/static/dist/axe.min.js")
            assert page.evaluate(RUN_AXE) == [], path
    page.set_viewport_size({"width": 1280, "height": 900})


def _open_task(page: Page, step: str) -> None:
    page.goto("/werkvoorraad")
    page.locator("tbody tr").filter(has=page.get_by_role("link", name=step, exact=True)).first.get_by_role(
        "link", name=step, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(step)
    form_ready(page)


def _complete(page: Page) -> None:
    submit(page, "Taak afronden")
    expect(page).to_have_url(re.compile(r"/werkvoorraad$"))
    expect(flash(page)).to_contain_text("De taak is afgerond.")


def test_a_care_trajectory_with_a_cosm_placement(page: Page, site, reached_care):
    sign_in(page, "zorgcoordinator")
    _open_task(page, "Intake zorgcoördinatie")
    select_option(page, "Leeftijdscategorie", "23 tot 30 jaar")
    choose(page, "Geslacht", "Vrouw")
    choose(page, "Nationaliteit", "Derdelander (buiten de EU)")
    choose(page, "Minderjarig", "Nee")
    select_option(page, "Vorm van uitbuiting", "Seksuele uitbuiting")
    choose(page, "Wil het slachtoffer aangifte doen?", "Weet nog niet")
    choose(page, "Is de bedenktijd van toepassing?", "Ja")
    screenshot(page, "14-zorg-intake")
    _complete(page)

    # The COSM placement started 80 days ago: the reflection period ends in about ten days, so its
    # reminder (two weeks before the end) is past due and opens at once. (The timer firing on an
    # explicit clock: tests/engine/test_zorgtraject__paths.py.)
    start = dt.datetime.now(AMSTERDAM).date() - dt.timedelta(days=80)
    _open_task(page, "Opvang regelen")
    expect(page.get_by_text(PROVIDER).first).to_be_visible()  # the region's shelter providers (the directory)
    select_option(page, "Soort opvang", "COSM (categorale opvang, bedenktijd)")
    select_option(page, "Opvangaanbieder", PROVIDER)
    date_input = page.locator(".fjs-form-field").filter(has_text="Startdatum opvang").locator("input").first
    date_input.fill(start.strftime("%d-%m-%Y"))
    date_input.press("Enter")
    choose(page, "Voogdij (bij een minderjarige)", "Niet van toepassing of niet geregeld")
    screenshot(page, "15-zorg-opvang-cosm")
    _complete(page)

    page.goto("/werkvoorraad")
    expect(page.get_by_role("link", name="Besluit na de bedenktijd", exact=True)).to_be_visible()
    screenshot(page, "16-zorg-werkvoorraad-bedenktijd")
    _open_task(page, "Besluit na de bedenktijd")
    choose(page, "Besluit na de bedenktijd", "Aangifte en verblijf (B8-regeling)")
    _complete(page)

    page.goto(f"/signalen/{reached_care.signal_id}")
    zorg = page.locator("section.sr-zorgtraject")
    expect(zorg).to_contain_text("COSM")
    expect(zorg).to_contain_text(PROVIDER)
    expect(zorg).to_contain_text("Aangifte en verblijf (B8-regeling)")
    expect(page.get_by_role("heading", name="Lopende termijnen")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Einde bedenktijd")
    screenshot(page, "17-zorg-signaal")
    pages = [f"/signalen/{reached_care.signal_id}"]

    _open_task(page, "Zorgplan opstellen")
    for domein in ("Opvang", "Gezondheid", "Juridische hulp"):
        choose(page, "Afgesproken hulp", domein)
    page.get_by_role("textbox", name="Wie biedt: opvang", exact=True).fill(PROVIDER)
    page.get_by_role("textbox", name="Wie biedt: gezondheid", exact=True).fill("GGD Gelderland-Zuid")
    pages.append(page.url.removeprefix(site.url))
    _complete(page)
    _open_task(page, "Melden bij CoMensha")
    page.get_by_role("checkbox", name="De registratie is aan CoMensha gemeld", exact=True).check()
    _complete(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="CoMensha").click()
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Derdelander")
    expect(row).to_contain_text("COSM")
    expect(page.locator("main")).not_to_contain_text("Jonge vrouw")  # nothing of the signal itself
    screenshot(page, "18-comensha")
    pages.append("/zorg/comensha")
    for path in pages:
        _axe_clean_and_fits_a_phone(page, path)


def test_the_managers_figures_show_care_counts_only(new_page, site, reached_care):
    page = new_page()
    sign_in(page, "manager")
    page.goto("/overzicht/cijfers")
    zorg = page.locator("section").filter(has=page.get_by_role("heading", name="Zorgcoördinatie"))
    expect(zorg).to_contain_text("zorgtrajecten gestart")
    expect(zorg.locator(".sr-kengetal__waarde").first).to_have_text("<5")  # one trajectory: a small cell
    zorg.scroll_into_view_if_needed()
    screenshot(page, "19-overzicht-cijfers-zorg")
    # the care section (the lead-time table above it is the pages' own: tests/browser/test_phone_width.py)
    _axe_clean_and_fits_a_phone(page, "/overzicht/cijfers", "section[aria-labelledby=zorg-kop]")


def test_the_aandachtsfunctionaris_sees_the_route_not_the_care(new_page, site, reached_care):
    page = new_page()
    sign_in(page, "aandachtsfunctionaris")
    page.goto(f"/signalen/{reached_care.signal_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaal")
    expect(page.locator("section.sr-zorgtraject")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Intake zorgcoördinatie")
