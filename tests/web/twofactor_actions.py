"""Two-factor sign-in for the page tests: enrol a user, read a fresh code, sign in with it."""
from __future__ import annotations

import datetime as dt

import pyotp

from tests.web.pages_actions import PASSWORD, Browser, csrf_from


def enrol(orchestrator, user_id: int) -> tuple[str, list[str]]:
    """Set up two-factor sign-in for ``user_id`` through the engine; ``(secret, recovery codes)``."""
    two_factor = orchestrator.signin
    secret = two_factor.start_enrolment(user_id).secret
    codes = two_factor.confirm_enrolment(user_id, fresh_code(secret, orchestrator.clock))
    return secret, codes


def fresh_code(secret: str, clock) -> str:
    """The code of the next 30-second step (a code is accepted once: each call moves the clock on)."""
    return pyotp.TOTP(secret).at(clock.advance(dt.timedelta(seconds=30)))


def submit_code(browser: Browser, code: str):
    page = browser.client.get("/aanmelden/code")
    return browser.client.post("/aanmelden/code", data={"code": code, "csrf_token": csrf_from(page.get_data(as_text=True))})


def sign_in_with_code(browser: Browser, username: str, secret: str, clock, password: str = PASSWORD):
    """Password, then a fresh code: the response of the code step (a redirect when it worked)."""
    first = browser.login(username, password)
    assert first.status_code == 302 and first.headers["Location"].endswith("/aanmelden/code"), first.status_code
    return submit_code(browser, fresh_code(secret, clock))
