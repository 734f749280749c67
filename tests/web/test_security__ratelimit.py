"""Sign-in is rate limited per user name from one client address and per client address; over the
limit: 429 in Dutch. Nobody elsewhere can use the limit to lock a colleague out."""
from __future__ import annotations

import hashlib
import logging

import pytest

from tests.web.pages_actions import Browser, csrf_from
from tests.web.twofactor_actions import enrol, fresh_code, submit_code
from web import create_app


def _fail(browser: Browser, username: str = "analist"):
    return browser.login(username, "fout-wachtwoord")


ATTACKER, COLLEAGUE = "203.0.113.66", "198.51.100.7"


def _from(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def test_five_failures_for_one_user_name_block_it_from_that_address_even_with_the_right_password(browser, app):
    for _ in range(5):
        assert _fail(browser).status_code == 401
    blocked = browser.login("analist")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Te veel mislukte aanmeldpogingen" in html
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Content-Security-Policy" in blocked.headers
    # Another user from the same address is not affected (the per-address limit is higher).
    assert browser.login("analist2").status_code == 302
    # The user name is matched however it is typed.
    assert browser.login(" ANALIST ").status_code == 429


def test_a_stranger_elsewhere_cannot_lock_a_colleague_out(app, page_users):
    attacker = _from(app, ATTACKER)
    for _ in range(5):
        assert _fail(attacker).status_code == 401
    assert attacker.login("analist").status_code == 429  # that address is done guessing this name

    colleague = _from(app, COLLEAGUE)
    assert colleague.login("analist").status_code == 302  # the colleague still signs in
    assert _fail(_from(app, COLLEAGUE)).status_code == 401  # and has attempts of their own


def test_the_limiters_log_line_names_nobody(app, page_users, caplog):
    caplog.set_level(logging.DEBUG)
    name = "jan.jansen"
    attacker = _from(app, ATTACKER)
    for _ in range(6):
        _fail(attacker, name)

    lines = [r.getMessage() for r in caplog.records if "ratelimit" in r.getMessage()]
    assert lines  # the limit was hit and logged
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert name not in logged.lower()
    digest = hashlib.sha256(name.encode()).hexdigest()
    assert digest[:12] not in logged  # no plain hash of the name that a list of names would match
    digest_with_address = hashlib.sha256(f"{ATTACKER}\n{name}".encode()).hexdigest()
    assert digest_with_address[:12] not in logged


def test_successful_sign_ins_do_not_count(app, page_users):
    browser = Browser(app.test_client())
    for _ in range(8):
        assert browser.login("melder").status_code == 302
        browser.client.post("/afmelden", data={"csrf_token": browser.token("/mijn-meldingen")})


def test_per_address_limit_across_user_names(orchestrator, clock, page_users):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test",
                      "LOGIN_LIMIT_PER_IP": "3 per 15 minutes"})
    try:
        browser = Browser(app.test_client())
        for name in ["a1", "a2", "a3"]:
            assert _fail(browser, name).status_code == 401
        assert browser.login("melder").status_code == 429
        elsewhere = Browser(app.test_client())
        page = elsewhere.client.get("/aanmelden")
        other_address = elsewhere.client.post("/aanmelden", environ_base={"REMOTE_ADDR": "10.1.2.3"}, data={
            "gebruikersnaam": "melder", "wachtwoord": "een-goed-wachtwoord",
            "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert other_address.status_code == 302
    finally:
        app.extensions["signaalroute"].db.dispose()


def test_json_clients_get_json(browser):
    for _ in range(5):
        _fail(browser)
    page = browser.client.get("/aanmelden")
    response = browser.client.post("/aanmelden", headers={"Accept": "application/json"}, data={
        "gebruikersnaam": "analist", "wachtwoord": "x", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 429
    assert "Te veel mislukte aanmeldpogingen" in response.get_json()["fout"]


def test_wrong_two_factor_codes_are_limited_too(app, orchestrator, clock, page_users):
    secret, _ = enrol(orchestrator, page_users["analist"].id)
    browser = Browser(app.test_client())
    browser.login("analist")
    for _ in range(5):
        assert submit_code(browser, "000000").status_code == 401
    assert submit_code(browser, fresh_code(secret, clock)).status_code == 429


def test_the_limiter_storage_comes_from_the_environment(monkeypatch, orchestrator, clock):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("LOGIN_LIMIT_PER_USER", "2 per hour")
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
    try:
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert app.config["LOGIN_LIMIT_PER_USER"] == "2 per hour"
    finally:
        app.extensions["signaalroute"].db.dispose()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "bestaat-niet://")
    with pytest.raises(Exception, match="bestaat-niet"):
        create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
