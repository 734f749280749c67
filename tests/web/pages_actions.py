"""Action helpers for the page tests: sign in as someone, read the CSRF token, post a form."""
from __future__ import annotations

import datetime as dt
import re

from engine.people import sessions

PASSWORD = "een-goed-wachtwoord"


def sign_in_directly(app, client, user_id: int, *, tweestaps: bool = True) -> None:
    """Put a new server-side session of ``user_id`` in ``client``'s cookie, as after signing in
    (with a second factor when ``tweestaps``): for tests about what comes after sign-in."""
    orch = app.extensions["signaalroute"]
    session_id = orch.signin.start_session(user_id, tweede_factor=tweestaps,
                                           lifetime=dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]))
    with client.session_transaction() as session:
        session.clear()
        session["sid"] = session_id


def session_user(app, client) -> int | None:
    """The user whose session ``client``'s cookie carries (``None``: no session)."""
    with client.session_transaction() as session:
        session_id = session.get("sid")
    if session_id is None:
        return None
    with app.extensions["signaalroute"].db.read() as conn:
        return sessions.session_user(conn, session_id)


def mark_second_factor(app, client) -> None:
    """Record on ``client``'s current session that a second factor was verified (two-factor is tested
    elsewhere; the pages under test come after it)."""
    orch = app.extensions["signaalroute"]
    with client.session_transaction() as session:
        session_id = session["sid"]
    orch.signin.set_second_factor(session_id, True)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'data-csrf="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A Flask test client that signs in through the sign-in page, as a person would."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD, volgende: str | None = None):
        page = self.client.get("/aanmelden")
        url = "/aanmelden" + (f"?volgende={volgende}" if volgende else "")
        return self.client.post(url, data={"gebruikersnaam": username, "wachtwoord": password,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})

    def token(self, path: str = "/werkvoorraad") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post_json(self, path: str, data: dict, *, csrf: bool = True):
        headers = {"X-CSRFToken": self.token()} if csrf else {}
        return self.client.post(path, json={"data": data}, headers=headers)

    def post_form(self, path: str, **fields):
        return self.client.post(path, data={"csrf_token": self.token(), **fields})
