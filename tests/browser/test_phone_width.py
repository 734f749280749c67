"""The account and administration pages fit a phone (390 px wide): only a table's own scroll
region may be wider than the screen, never the page (no sideways scrolling of the whole page)."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def beheerder_secret(site) -> str:
    """The demo beheerder with two-factor sign-in set up (through the engine, as the enrolment page would)."""
    signin = site.orchestrator.signin
    beheerder = site.actor("beheerder").id
    secret = signin.start_enrolment(beheerder).secret
    signin.confirm_enrolment(beheerder, pyotp.TOTP(secret).now())
    return secret


def _sign_in_beheerder(page: Page, secret: str) -> None:
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)  # the enrolment used the current code
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(later))
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def test_the_token_page_with_a_new_token_fits_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    sign_in(page, "analist")
    page.goto("/account/api-tokens")
    for _ in range(2):  # a table of tokens, and the notice with the new one
        page.get_by_role("button", name="Token maken").click()
    expect(page.locator("#nieuw-token")).to_be_visible()
    expect(page.get_by_role("region", name="API-tokens")).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]


def test_the_beheerders_mail_and_user_pages_fit_a_phone(page: Page, site, beheerder_secret):
    page.set_viewport_size(PHONE)
    _sign_in_beheerder(page, beheerder_secret)
    for path in ("/beheer/mail", f"/beheer/gebruikers/{site.actor('analist').id}",
                 # issue #17: the catalog and the route set-up
                 "/beheer/catalogus/rol", "/beheer/catalogus/casustafel", "/beheer/catalogus/convenant",
                 "/beheer/catalogus/casustafel/mdo_zvh", "/beheer/route-inrichting"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], path
