"""Fixtures for the web tests: an app on the test database and API clients per role."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.people.users import create_token
from tests.people import API_USERS, PAGE_USERS, add_people
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


@pytest.fixture
def api(app, orchestrator, clock) -> dict[str, ApiClient]:
    """One API client per user in :data:`tests.people.API_USERS` (keyed by user name)."""
    clients = {}
    with orchestrator.db.write() as conn:
        for username, user_id in add_people(conn, API_USERS, clock.now(), full_names=False).items():
            # As made after a two-factor sign-in (so "pb" deploys); tests/web/test_api__tokens.py tests the scope.
            token = create_token(conn, user_id, now=clock.now(), tweede_factor=True)
            clients[username] = ApiClient(app.test_client(), token, username)
    return clients


@pytest.fixture(scope="session")
def _password_hash() -> str:
    from argon2 import PasswordHasher

    from tests.web.pages_actions import PASSWORD

    return PasswordHasher().hash(PASSWORD)  # hashed once: argon2 is slow on purpose


@pytest.fixture
def page_users(orchestrator, clock, _password_hash) -> dict:
    """The users of :data:`tests.people.PAGE_USERS`, able to sign in; username → Actor."""
    from sqlalchemy import update

    from engine.store.schema import user

    with orchestrator.db.write() as conn:
        ids = add_people(conn, PAGE_USERS, clock.now())
        conn.execute(update(user).values(password_hash=_password_hash))
    return {username: orchestrator.actor(user_id) for username, user_id in ids.items()}


@pytest.fixture
def browser(app, page_users):
    """A signed-out visitor with a test client (see :class:`tests.web.pages_actions.Browser`)."""
    from tests.web.pages_actions import Browser

    return Browser(app.test_client())
