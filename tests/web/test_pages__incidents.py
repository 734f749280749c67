"""The incidents page through the browser's eyes: a beheerder sees the failing step (kind,
element, data keys, never values), retries it or marks it resolved; others are kept out."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.db_views import audit_details
from tests.engine.route_actions import break_gateway
from tests.web.admin_actions import sign_in_beheerder
from tests.web.pages_actions import Browser

TEST_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
HOUR = dt.timedelta(hours=1)
SECRET = "Slaapt met zes anderen in de opslag van de nagelsalon."


@pytest.fixture
def signed_in(app, orchestrator, clock, _password_hash, page_users) -> Browser:
    """The beheerder 'bea', signed in with two-factor (see admin_actions)."""
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


@pytest.fixture
def beheerder(signed_in, orchestrator):
    return orchestrator.actor(signed_in.user_id)


@pytest.fixture
def broken(orchestrator, page_users, clock, monkeypatch):
    """An instance whose gateway fails after its timer (the script engine down); returns the fix.
    Ask for it before ``signed_in``: its two hours would leave a session idle."""
    fix = break_gateway(monkeypatch)
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")
    orchestrator.report_signal(page_users["melder"], {"gemeente": "Nijmegen", "omschrijving": SECRET,
                                                      "uitbuitingsvormen": ["arbeid"], "minderjarige": "ja",
                                                      "indicatoren": ["onderbetaling"]}, proces="timer-wachten")
    clock.advance(2 * HOUR)
    orchestrator.fire_due_timers()
    return fix


def test_the_page_shows_the_failing_step_without_values(broken, signed_in, beheerder):
    browser = signed_in
    page = browser.client.get("/beheer/incidenten")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 open incident." in html and "gw_minderjarige" in html and "Een script of expressie gaf een fout" in html
    assert "<code>minderjarige</code>" in html and "<code>omschrijving</code>" in html
    assert SECRET not in html and "onderbetaling" not in html and "rekenmodule" not in html
    assert "Opnieuw proberen" in html and "Markeren als opgelost" in html


def test_retry_fails_while_the_cause_remains_and_succeeds_after_the_fix(broken, signed_in, beheerder, orchestrator):
    browser = signed_in
    (entry,) = orchestrator.incidents(beheerder)["incidenten"]

    again = browser.post_form(f"/beheer/incidenten/{entry['id']}/opnieuw")
    assert again.status_code == 302
    assert "mislukt" in browser.client.get("/beheer/incidenten").get_data(as_text=True)

    broken()
    fixed = browser.post_form(f"/beheer/incidenten/{entry['id']}/opnieuw")
    assert fixed.status_code == 302
    html = browser.client.get("/beheer/incidenten").get_data(as_text=True)
    assert "gelukt: het proces loopt verder" in html and "0 open incidenten." in html and "door Bea Beheerder" in html
    outcomes = [detail["uitkomst"] for detail in audit_details(orchestrator, "incident_opnieuw_geprobeerd")]
    assert outcomes == ["mislukt", "gelukt"]


def test_marking_resolved(broken, signed_in, beheerder, orchestrator):
    browser = signed_in
    (entry,) = orchestrator.incidents(beheerder)["incidenten"]

    assert browser.post_form(f"/beheer/incidenten/{entry['id']}/opgelost").status_code == 302
    html = browser.client.get("/beheer/incidenten").get_data(as_text=True)
    assert "als opgelost gemarkeerd" in html and "0 open incidenten." in html
    second = browser.post_form(f"/beheer/incidenten/{entry['id']}/opgelost")
    assert second.status_code == 409 and "al opgelost" in second.get_data(as_text=True)


def test_an_empty_list_says_so_and_others_are_kept_out(signed_in, beheerder, page_users):
    browser = signed_in
    assert "Er zijn geen incidenten" in browser.client.get("/beheer/incidenten").get_data(as_text=True)
    other = Browser(browser.client.application.test_client())  # a colleague without the role
    other.login("analist")
    assert other.client.get("/beheer/incidenten").status_code == 403
    assert "Incidenten" not in other.client.get("/werkvoorraad").get_data(as_text=True)
