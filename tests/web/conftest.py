"""Fixtures for the web tests: an app on the test database and API clients per role."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.people.users import add_user, create_token
from web import create_app


@pytest.fixture
def app(orchestrator, clock):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
    yield app
    app.extensions["signaalroute"].db.dispose()


@dataclass
class ApiClient:
    """A Flask test client that sends one user's bearer token."""

    client: object
    token: str
    username: str

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self._headers(), json=json, **kwargs)


# username → (roles, municipality)
API_USERS = {
    "melder": (["melder"], "Nijmegen"),
    "analist": (["analist"], "Nijmegen"),
    "analist2": (["analist"], "Nijmegen"),
    "af": (["aandachtsfunctionaris"], "Nijmegen"),
    "zorg": (["zorgcoordinator"], None),
    "zvh": (["zvh"], None),
    "riec": (["riec"], None),
    "pb": (["procesbeheerder"], "Nijmegen"),
    "arnhem": (["analist", "melder"], "Arnhem"),
}


@pytest.fixture
def api(app, orchestrator, clock) -> dict[str, ApiClient]:
    """One API client per user in :data:`API_USERS`."""
    clients = {}
    with orchestrator.db.write() as conn:
        for username, (roles, gemeente) in API_USERS.items():
            user_id = add_user(conn, username, now=clock.now(), roles=roles, gemeente_naam=gemeente)
            # As made after a two-factor sign-in (so "pb" deploys); tests/web/test_api__tokens.py tests the scope.
            token = create_token(conn, user_id, now=clock.now(), tweede_factor=True)
            clients[username] = ApiClient(app.test_client(), token, username)
    return clients


# username → (full name, roles, municipality) for the page tests; all share one password
PAGE_USERS = {
    "melder": ("Mila Melder", ["melder"], "Nijmegen"),
    "analist": ("Anna Analist", ["analist"], "Nijmegen"),
    "analist2": ("Bram Analist", ["analist"], "Nijmegen"),
    "af": ("Frits Aandacht", ["aandachtsfunctionaris"], "Nijmegen"),
    "riec": ("Rik RIEC", ["riec"], None),
    "manager": ("Maaike Manager", ["manager"], "Nijmegen"),
    "analist-arnhem": ("Arno Arnhem", ["analist", "melder"], "Arnhem"),
}


@pytest.fixture(scope="session")
def _password_hash() -> str:
    from argon2 import PasswordHasher

    from tests.web.pages_actions import PASSWORD

    return PasswordHasher().hash(PASSWORD)  # hashed once: argon2 is slow on purpose


@pytest.fixture
def page_users(orchestrator, clock, _password_hash) -> dict:
    """The users of :data:`PAGE_USERS`, able to sign in; username → Actor."""
    from sqlalchemy import update

    from engine.store.schema import user

    ids = {}
    with orchestrator.db.write() as conn:
        for username, (naam, roles, gemeente) in PAGE_USERS.items():
            ids[username] = add_user(conn, username, now=clock.now(), naam=naam, roles=roles, gemeente_naam=gemeente)
        conn.execute(update(user).values(password_hash=_password_hash))
    return {username: orchestrator.actor(user_id) for username, user_id in ids.items()}


@pytest.fixture
def browser(app, page_users):
    """A signed-out visitor with a test client (see :class:`tests.web.pages_actions.Browser`)."""
    from tests.web.pages_actions import Browser

    return Browser(app.test_client())
