"""Sign-in, sessions and CSRF on the pages."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.web.pages_actions import Browser


def test_wrong_password_is_refused_without_saying_which_part(browser):
    response = browser.login("analist", "fout-wachtwoord")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "combinatie van gebruikersnaam en wachtwoord is onbekend" in html
    assert browser.login("bestaat-niet", "fout-wachtwoord").get_data(as_text=True).count("is onbekend") == 1
    assert browser.client.get("/werkvoorraad").status_code == 302


def test_sign_in_goes_back_to_where_one_was_but_never_off_site(browser):
    response = browser.client.get("/signalen/1")
    assert response.status_code == 302 and "/aanmelden?volgende=" in response.headers["Location"]
    assert browser.login("analist", volgende="/mijn-meldingen").headers["Location"] == "/mijn-meldingen"
    browser.client.post("/afmelden", data={"csrf_token": browser.token()})
    assert browser.login("analist", volgende="https://evil.example/").headers["Location"] == "/"
    browser.client.post("/afmelden", data={"csrf_token": browser.token()})
    assert browser.login("analist", volgende="//evil.example/").headers["Location"] == "/"


def test_sign_out_ends_the_session(browser):
    browser.login("analist")
    assert browser.client.get("/werkvoorraad").status_code == 200
    response = browser.client.post("/afmelden", data={"csrf_token": browser.token()})
    assert response.headers["Location"].endswith("/aanmelden")
    assert browser.client.get("/werkvoorraad").status_code == 302


def test_an_idle_session_expires(browser, app, clock):
    browser.login("analist")
    clock.advance(dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1))
    response = browser.client.get("/werkvoorraad")
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw sessie is verlopen" in page
    json_response = browser.client.post("/melden", json={"data": {}})
    assert json_response.status_code in (400, 401)  # no session: refused either way, never processed


def test_posts_without_csrf_token_are_refused(browser, orchestrator):
    page = browser.client.get("/aanmelden")
    assert page.status_code == 200
    refused = browser.client.post("/aanmelden", data={"gebruikersnaam": "analist", "wachtwoord": "x" * 12})
    assert refused.status_code == 400
    assert "beveiligingscode" in refused.get_data(as_text=True)
    browser.login("melder")
    json_refused = browser.post_json("/melden", {"gemeente": "Nijmegen"}, csrf=False)
    assert json_refused.status_code == 400
    assert "beveiligingscode" in json_refused.get_json()["fout"]
    assert orchestrator.signal_count() == 0
    form_refused = browser.client.post("/taken/1/claimen")
    assert form_refused.status_code == 400


@pytest.mark.parametrize("path", ["/werkvoorraad", "/melden", "/mijn-meldingen", "/taken/1", "/signalen/1"])
def test_pages_need_a_session(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert "/aanmelden" in response.headers["Location"]


def test_start_page_sends_each_role_to_its_work(browser, app):
    browser.login("melder")
    assert browser.client.get("/").headers["Location"] == "/mijn-meldingen"
    other = Browser(app.test_client())
    other.login("analist")
    assert other.client.get("/").headers["Location"] == "/werkvoorraad"


def test_a_switched_off_account_loses_its_session(browser, orchestrator, page_users):
    from sqlalchemy import update

    from engine.store.schema import user

    browser.login("analist")
    assert browser.client.get("/werkvoorraad").status_code == 200
    with orchestrator.db.write() as conn:
        conn.execute(update(user).where(user.c.id == page_users["analist"].id).values(actief=False))
    assert browser.client.get("/werkvoorraad").status_code == 302
    assert browser.login("analist").status_code == 401
