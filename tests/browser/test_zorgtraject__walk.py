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
from tests.engine.care_actions import CARE_PROCESS, CARE_ROUTE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROVIDER = "COSM Opvanghuis Gelderland"


@pytest.fixture
def reached_care(site):
    """A signal whose route reached care: its trajectory waits on the zorgcoördinator's intake."""
    orch = site.orchestrator
    orch.deploy_folder(CARE_PROCESS)
    orch.deploy_folder(CARE_ROUTE)
    with orch.db.write() as conn:
        gemeente_id = ensure_gemeente(conn, "Nijmegen")
        regio_id = conn.execute(select(gemeente.c.regio_id).where(gemeente.c.id == gemeente_id)).scalar_one()
        if regio_id is None:
            regio_id = ensure_regio(conn, "Gelderland-Zuid")
            assign_gemeente(conn, regio_id, gemeente_id)
        conn.execute(insert(ketenpartner), {"regio_id": regio_id, "soort": "opvang", "naam": PROVIDER,
                                            "telefoon": "024 123 45 67", "bijgewerkt_op": orch.clock.now()})
    outcome = orch.report_signal(site.actor("melder"), INTAKE, proces="zorg-route")
    return outcome


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


def test_the_aandachtsfunctionaris_sees_the_route_not_the_care(new_page, site, reached_care):
    page = new_page()
    sign_in(page, "aandachtsfunctionaris")
    page.goto(f"/signalen/{reached_care.signal_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaal")
    expect(page.locator("section.sr-zorgtraject")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Intake zorgcoördinatie")
