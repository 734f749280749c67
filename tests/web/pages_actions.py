"""Action helpers for the page tests: sign in as someone, read the CSRF token, post a form."""
from __future__ import annotations

import re

PASSWORD = "een-goed-wachtwoord"


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
