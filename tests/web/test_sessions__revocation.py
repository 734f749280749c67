"""Browser sessions end on the server: a copied session cookie stops working after sign-out, a new
password, switching the account off (and on), a role change, and the absolute lifetime."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.store.schema import gemeente
from tests.web.admin_actions import audit, sign_in_beheerder
from tests.web.pages_actions import Browser, csrf_from


@pytest.fixture
def admin(app, orchestrator, clock, page_users, _password_hash) -> Browser:
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


def _signed_in_copy(app, browser: Browser, username: str):
    """Sign ``username`` in with ``browser`` and return an attacker's client holding a copy of the cookie."""
    assert browser.login(username).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", browser.client.get_cookie("session").value)
    assert thief.get("/werkvoorraad").status_code == 200  # the copy works, as long as the session does
    return thief


def _works(client) -> bool:
    response = client.get("/werkvoorraad")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def _admin_post(admin: Browser, user_id: int, action: str, **fields):
    page = f"/beheer/gebruikers/{user_id}"
    token = csrf_from(admin.client.get(page).get_data(as_text=True))
    response = admin.client.post(f"{page}/{action}", data={"csrf_token": token, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_a_copied_cookie_stops_working_after_sign_out(app, browser):
    thief = _signed_in_copy(app, browser, "analist")
    browser.client.post("/afmelden", data={"csrf_token": browser.token()})
    assert not _works(thief)


def test_a_copied_cookie_stops_working_after_the_beheerder_sets_a_new_password(app, browser, admin, orchestrator,
                                                                              page_users):
    thief = _signed_in_copy(app, browser, "analist")
    _admin_post(admin, page_users["analist"].id, "wachtwoord", wachtwoord="een-heel-nieuw-wachtwoord")
    assert not _works(thief) and not _works(browser.client)
    [event] = audit(orchestrator, "sessies_beeindigd")
    assert event.detail == {"gebruiker_id": page_users["analist"].id, "reden": "wachtwoord_gewijzigd", "aantal": 1}
    assert _works(admin.client)  # the beheerder's own session is untouched


def test_a_copied_cookie_stays_dead_after_switching_the_account_off_and_on(app, browser, admin, page_users):
    thief = _signed_in_copy(app, browser, "analist")
    _admin_post(admin, page_users["analist"].id, "uitschakelen")
    _admin_post(admin, page_users["analist"].id, "inschakelen")
    assert not _works(thief)
    assert browser.login("analist").status_code == 302 and _works(browser.client)  # signing in anew works


def test_a_copied_cookie_stops_working_after_a_role_change(app, browser, admin, orchestrator, page_users):
    thief = _signed_in_copy(app, browser, "analist")
    with orchestrator.db.read() as conn:
        nijmegen = conn.execute(select(gemeente.c.id).where(gemeente.c.code == "nijmegen")).scalar_one()
    _admin_post(admin, page_users["analist"].id, "rollen",
                rollen=[f"analist:gemeente:{nijmegen}", f"manager:gemeente:{nijmegen}"])
    assert not _works(thief)


def test_the_beheerder_ends_every_session_of_a_user(app, browser, admin, page_users):
    thief = _signed_in_copy(app, browser, "analist")
    _admin_post(admin, page_users["analist"].id, "sessies-beeindigen")
    assert not _works(thief)


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, browser, clock):
    thief = _signed_in_copy(app, browser, "analist")
    lifetime = dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    started = clock.now()
    while clock.now() + dt.timedelta(minutes=20) < started + lifetime:  # a request every 20 minutes: never idle
        clock.advance(dt.timedelta(minutes=20))
        assert _works(thief)
    clock.set(started + lifetime)
    response = thief.get("/werkvoorraad")
    assert response.status_code == 302
    assert "maximale duur" in thief.get(response.headers["Location"]).get_data(as_text=True)


def test_an_idle_session_ends_on_the_server_too(app, browser, clock):
    """Idle time is the server's: a cookie replayed after the idle limit does not revive the session."""
    thief = _signed_in_copy(app, browser, "analist")
    clock.advance(dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1))
    assert not _works(thief) and not _works(browser.client)


def test_a_cookie_from_before_server_side_sessions_proves_nothing(app, page_users):
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=page_users["analist"].id, actief_op=9e9, tweestaps=True)
    assert not _works(client)


def test_the_remembered_user_of_a_session_is_never_another_apps_or_a_reused_row(app, orchestrator, clock, page_users,
                                                                                  tmp_path):
    """With the actor cache on (as in production), a session row id that another app in the process
    also has, or that the database hands out again after a delete, stands for its own user only."""
    from sqlalchemy import delete

    from engine.people.users import add_user
    from engine.service.orchestrator import Orchestrator
    from engine.store import migrate
    from engine.store.db import Database, make_engine
    from engine.store.schema import user_session
    from tests.web.pages_actions import sign_in_directly
    from web import create_app

    app.config["ACTOR_CACHE_SECONDS"] = 60
    analist = app.test_client()
    sign_in_directly(app, analist, page_users["analist"].id)
    assert analist.get("/").headers["Location"].endswith("/werkvoorraad")  # remembered now

    other_url = f"sqlite:///{tmp_path / 'ander.db'}"
    engine = make_engine(other_url)
    migrate.upgrade(engine)
    engine.dispose()
    other_orch = Orchestrator(Database(make_engine(other_url)), clock)
    with other_orch.db.write() as conn:
        melder_id = add_user(conn, "melder-elders", now=clock.now(), naam="Mel Elders", roles=["melder"],
                             gemeente_naam="Nijmegen")
    other_orch.db.dispose()
    other = create_app({"TESTING": True, "DATABASE_URL": other_url, "CLOCK": clock, "SECRET_KEY": "test",
                        "ACTOR_CACHE_SECONDS": 60})
    try:
        melder = other.test_client()
        sign_in_directly(other, melder, melder_id)  # the same session row id as the analist's, in another database
        response = melder.get("/")
        assert response.status_code == 302 and response.headers["Location"].endswith("/mijn-meldingen")
    finally:
        other.extensions["signaalroute"].db.dispose()

    # The same app: the analist's row is deleted and its id handed out again, to the manager.
    with orchestrator.db.write() as conn:
        conn.execute(delete(user_session))
    manager = app.test_client()
    sign_in_directly(app, manager, page_users["manager"].id)
    assert manager.get("/overzicht").status_code == 200
    assert analist.get("/werkvoorraad").status_code == 302  # the analist's own session is gone, not someone else's
