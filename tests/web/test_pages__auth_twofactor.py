"""Two-factor sign-in: enrolment, the code step, recovery codes, and who must have it."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select, update

from engine.people.users import add_user
from engine.store.schema import user
from tests.db_views import audit_events
from tests.people import add_people
from tests.web.pages_actions import Browser, csrf_from
from tests.web.twofactor_actions import enrol, fresh_code, sign_in_with_code, submit_code


@pytest.fixture
def staff(orchestrator, clock, page_users, _password_hash) -> dict[str, int]:
    """A beheerder and a procesbeheerder (two-factor required) besides the page users; name → id."""
    with orchestrator.db.write() as conn:
        ids = add_people(conn, ("beheerder", "pb"), clock.now())
        conn.execute(update(user).values(password_hash=_password_hash))
    return ids


def _secret_from_page(html: str) -> str:
    match = re.search(r'<code class="sr-geheim">([A-Z2-7 ]+)</code>', html)
    assert match, "no secret on the enrolment page"
    return match.group(1).replace(" ", "")


def _events(orchestrator, actie: str) -> list:
    return audit_events(orchestrator, actie)


@pytest.mark.parametrize("username", ["beheerder", "pb"])
def test_required_roles_are_sent_to_enrolment_and_can_do_nothing_else(browser, staff, username):
    response = browser.login(username)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tweestapsverificatie/instellen")
    for path in ["/werkvoorraad", "/melden", "/mijn-meldingen", "/signalen/1", "/account/tweestapsverificatie",
                 "/beheer/gebruikers"]:
        blocked = browser.client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"].endswith("/account/tweestapsverificatie/instellen"), path
    as_json = browser.client.post("/melden", json={"data": {}}, headers={"X-CSRFToken": browser.token(
        "/account/tweestapsverificatie/instellen")})
    assert as_json.status_code == 403
    assert "tweestapsverificatie" in as_json.get_json()["fout"]
    page = browser.client.get("/account/tweestapsverificatie/instellen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "verplicht" in html
    assert 'aria-label="Hoofdmenu"' not in html  # no navigation to places one cannot go yet
    assert browser.client.post("/afmelden", data={"csrf_token": csrf_from(html)}).status_code == 302


def test_enrolment_with_qr_code_confirmation_and_recovery_codes(browser, staff, clock, orchestrator):
    browser.login("beheerder")
    page = browser.client.get("/account/tweestapsverificatie/instellen")
    html = page.get_data(as_text=True)
    secret = _secret_from_page(html)
    qr = browser.client.get("/account/tweestapsverificatie/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert qr.data.startswith(b"<svg") and b"<script" not in qr.data and b"style=" not in qr.data
    assert qr.headers["Cache-Control"] == "no-store"
    assert _secret_from_page(browser.client.get("/account/tweestapsverificatie/instellen").get_data(as_text=True)) == secret

    wrong = browser.client.post("/account/tweestapsverificatie/instellen", data={"code": "000000", "csrf_token": csrf_from(html)})
    assert wrong.status_code == 422
    assert "Code: deze code klopt niet" in wrong.get_data(as_text=True)
    assert browser.client.get("/werkvoorraad").status_code == 302

    done = browser.client.post("/account/tweestapsverificatie/instellen",
                               data={"code": fresh_code(secret, clock), "csrf_token": csrf_from(html)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert browser.client.get("/werkvoorraad").status_code == 200
    assert browser.client.get("/beheer/gebruikers").status_code == 200
    assert [e.user_id for e in _events(orchestrator, "tweestaps_ingesteld")] == [staff["beheerder"]]
    # Only the hashes are stored.
    from engine.store.schema import user_recovery_code

    with orchestrator.db.read() as conn:
        stored = conn.execute(select(user_recovery_code.c.code_hash)).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)


def test_sign_in_asks_the_code_after_the_password(app, staff, clock, orchestrator):
    secret, _ = enrol(orchestrator, staff["beheerder"])
    browser = Browser(app.test_client())
    first = browser.login("beheerder", volgende="/beheer/gebruikers")
    assert first.headers["Location"].endswith("/aanmelden/code")
    assert browser.client.get("/werkvoorraad").status_code == 302  # not signed in yet
    wrong = submit_code(browser, "123456")
    assert wrong.status_code == 401
    assert "Deze code klopt niet" in wrong.get_data(as_text=True)
    code = fresh_code(secret, clock)
    ok = submit_code(browser, code)
    assert ok.status_code == 302 and ok.headers["Location"] == "/beheer/gebruikers"
    assert browser.client.get("/beheer/gebruikers").status_code == 200
    methods = [e.detail["methode"] for e in _events(orchestrator, "aangemeld")]
    assert methods == ["wachtwoord+totp"]

    # The same code a second time (replay) is refused, even within its 30 seconds.
    other = Browser(app.test_client())
    other.login("beheerder")
    assert submit_code(other, code).status_code == 401


def test_codes_of_the_neighbouring_step_count_but_not_further(app, staff, clock, orchestrator):
    import datetime as dt

    secret, _ = enrol(orchestrator, staff["beheerder"])
    clock.advance(dt.timedelta(minutes=5))
    totp = pyotp.TOTP(secret)
    browser = Browser(app.test_client())
    browser.login("beheerder")
    assert submit_code(browser, totp.at(clock.now() - dt.timedelta(seconds=90))).status_code == 401
    assert submit_code(browser, totp.at(clock.now() - dt.timedelta(seconds=30))).status_code == 302


def test_a_recovery_code_works_once(app, staff, clock, orchestrator):
    _, codes = enrol(orchestrator, staff["pb"])
    browser = Browser(app.test_client())
    browser.login("pb")
    response = submit_code(browser, codes[0].upper().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "herstelcode" in page and "nog 9" in page
    again = Browser(app.test_client())
    again.login("pb")
    assert submit_code(again, codes[0]).status_code == 401
    assert [e.detail["over"] for e in _events(orchestrator, "herstelcode_gebruikt")] == [9]


def test_the_code_step_expires_and_needs_the_password_first(app, staff, orchestrator):
    enrol(orchestrator, staff["beheerder"])
    browser = Browser(app.test_client())
    assert browser.client.get("/aanmelden/code").headers["Location"].endswith("/aanmelden")
    browser.login("beheerder")
    with browser.client.session_transaction() as session:
        session["tweestaps_sinds"] = time.time() - 301
    response = browser.client.get("/aanmelden/code")
    assert response.headers["Location"].endswith("/aanmelden")


def test_optional_for_other_roles_switch_on_and_off(browser, clock, orchestrator, page_users):
    browser.login("analist")
    account = browser.client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "staat <strong>uit</strong>" in account
    page = browser.client.get("/account/tweestapsverificatie/instellen").get_data(as_text=True)
    assert "verplicht" not in page
    secret = _secret_from_page(page)
    browser.client.post("/account/tweestapsverificatie/instellen",
                        data={"code": fresh_code(secret, clock), "csrf_token": csrf_from(page)})
    browser.client.post("/afmelden", data={"csrf_token": browser.token()})

    assert sign_in_with_code(browser, "analist", secret, clock).status_code == 302
    account = browser.client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "staat <strong>aan</strong>" in account and "<strong>10</strong>" in account
    wrong = browser.client.post("/account/tweestapsverificatie/uitzetten",
                                data={"code": "000000", "csrf_token": csrf_from(account)})
    assert wrong.status_code == 422
    off = browser.client.post("/account/tweestapsverificatie/uitzetten",
                              data={"code": fresh_code(secret, clock), "csrf_token": csrf_from(account)})
    assert off.status_code == 302
    browser.client.post("/afmelden", data={"csrf_token": browser.token()})
    assert browser.login("analist").headers["Location"] == "/"


def test_required_roles_cannot_switch_it_off_but_can_renew_recovery_codes(app, staff, clock, orchestrator):
    secret, old_codes = enrol(orchestrator, staff["beheerder"])
    browser = Browser(app.test_client())
    sign_in_with_code(browser, "beheerder", secret, clock)
    account = browser.client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "/account/tweestapsverificatie/uitzetten" not in account and "niet uitzetten" in account
    refused = browser.client.post("/account/tweestapsverificatie/uitzetten",
                                  data={"code": fresh_code(secret, clock), "csrf_token": csrf_from(account)})
    assert refused.status_code == 403
    renewed = browser.client.post("/account/tweestapsverificatie/herstelcodes",
                                  data={"code": fresh_code(secret, clock), "csrf_token": csrf_from(account)})
    new_codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    other = Browser(app.test_client())
    other.login("beheerder")
    assert submit_code(other, old_codes[1]).status_code == 401
    assert submit_code(other, new_codes[1]).status_code == 302


def test_a_role_that_requires_it_applies_to_a_running_session(browser, orchestrator, clock, page_users):
    browser.login("analist")
    assert browser.client.get("/werkvoorraad").status_code == 200
    with orchestrator.db.write() as conn:
        add_user(conn, "analist", now=clock.now(), roles=["procesbeheerder"], gemeente_naam="Nijmegen")
    response = browser.client.get("/werkvoorraad")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tweestapsverificatie/instellen")


def test_the_operator_can_reset_it_from_the_command_line(staff, orchestrator, monkeypatch):
    from click.testing import CliRunner

    from web.cli import main

    enrol(orchestrator, staff["beheerder"])
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(main, ["user", "reset-2fa", "beheerder"], catch_exceptions=False)
    assert result.exit_code == 0 and "gewist" in result.stderr

    assert not orchestrator.signin.two_factor_status(staff["beheerder"]).ingesteld
    assert [(e.user_id, e.detail["via"]) for e in _events(orchestrator, "tweestaps_hersteld")] == [(None, "commandoregel")]
    unknown = CliRunner().invoke(main, ["user", "reset-2fa", "niemand"], catch_exceptions=False)
    assert unknown.exit_code == 2 and "bestaat niet" in unknown.stderr
