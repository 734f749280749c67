"""Single sign-on in chromium: "Inloggen met Gemeente Nijmegen", the local provider's sign-in page,
and back on the task list with the role the groups give — or a Dutch refusal without an account.

This module serves its own site (the ``site`` fixture is replaced here) with the ``OIDC_*``
settings pointing at a local OpenID Connect provider (``tests/oidc_provider.py``). The
provider's page links an outside style sheet; every request that leaves the machine is aborted.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.site_server import Site, serve_copy
from tests.db_views import user_id_of
from tests.oidc_provider import IGNORE_PROVIDER_DEPRECATIONS, local_provider

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              *(pytest.mark.filterwarnings(w) for w in IGNORE_PROVIDER_DEPRECATIONS)]

MAPPING = {"SG-Signaalroute-Analist-Nijmegen": {"rol": "analist", "gemeente": "Nijmegen"}}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def provider():
    with local_provider() as running:
        yield running


@pytest.fixture(scope="module")
def site(_browser_db_template, tmp_path_factory, provider) -> Iterator[Site]:
    """A copy of the browser database, served with single sign-on through the local provider."""
    with serve_copy(_browser_db_template, tmp_path_factory.mktemp("browser-sso"), "browser-sso-site",
                    OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID="signaalroute", OIDC_CLIENT_SECRET="geheim",
                    OIDC_ROLE_MAPPING=json.dumps(MAPPING), OIDC_PROVIDER_NAME="Gemeente Nijmegen") as running:
        yield running


def _only_this_machine(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


def _sign_in_at_the_provider(page: Page, provider, sub: str) -> None:
    page.context.route("**/*", _only_this_machine)
    page.goto("/aanmelden")
    page.get_by_role("link", name="Inloggen met Gemeente Nijmegen").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_signing_in_through_the_organisation_lands_on_the_task_list_with_the_mapped_role(page, site, provider):
    melder = site.actor("melder")
    reported = site.orchestrator.report_signal(melder, {
        "gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
        "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"})
    provider.set_user("e1f2-anouk", preferred_username="a.devries", name="Anouk de Vries",
                      groups=["SG-Signaalroute-Analist-Nijmegen", "SG-Alle-Medewerkers"])

    _sign_in_at_the_provider(page, provider, "e1f2-anouk")

    expect(page).to_have_url(f"{site.url}/werkvoorraad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    expect(page.get_by_text("Anouk de Vries").first).to_be_visible()
    expect(page.locator("tbody tr").filter(has=page.get_by_role("link", name=reported.referentie, exact=True))
           ).to_have_count(1)  # the analist's task of the new signal in Nijmegen
    assert site.orchestrator.actor(user_id_of(site, "a.devries")).role_keys() == {"analist"}


def test_without_a_mapped_group_the_browser_gets_a_dutch_refusal(page, site, provider):
    provider.set_user("9a9a-kees", preferred_username="k.buiten", groups=["SG-Alle-Medewerkers"])

    _sign_in_at_the_provider(page, provider, "9a9a-kees")

    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang tot Signaalroute")
    expect(page.get_by_text("Er is geen account voor u aangemaakt.")).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden")).to_have_count(0)
    assert user_id_of(site, "k.buiten") is None
