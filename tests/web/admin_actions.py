"""Action helpers for the user administration tests: a signed-in beheerder, a user's grants, audit events."""
from __future__ import annotations

from sqlalchemy import select, update

from engine.store.schema import user, user_role
from tests.db_views import audit_events
from tests.people import PEOPLE
from tests.web.pages_actions import Browser
from tests.web.twofactor_actions import enrol, sign_in_with_code


def sign_in_beheerder(app, orchestrator, clock, password_hash: str) -> Browser:
    """A beheerder 'bea' (two-factor set up and used) signed in; ``browser.user_id`` is theirs."""
    with orchestrator.db.write() as conn:
        user_id = PEOPLE["bea"].add(conn, clock.now())
        conn.execute(update(user).where(user.c.id == user_id).values(password_hash=password_hash))
    secret, _ = enrol(orchestrator, user_id)
    browser = Browser(app.test_client())
    assert sign_in_with_code(browser, "bea", secret, clock).status_code == 302
    browser.user_id = user_id
    return browser


def grants(orchestrator, username: str) -> set[tuple[str, int | None, int | None]]:
    """The user's ``(rol, gemeente_id, regio_id)`` rows."""
    with orchestrator.db.read() as conn:
        return {(r.rol, r.gemeente_id, r.regio_id) for r in conn.execute(
            select(user_role.c.rol, user_role.c.gemeente_id, user_role.c.regio_id)
            .join(user, user.c.id == user_role.c.user_id)
            .where(user.c.gebruikersnaam == username))}


def audit(orchestrator, actie: str) -> list:
    """The audit events of kind ``actie``, oldest first."""
    return audit_events(orchestrator, actie)
