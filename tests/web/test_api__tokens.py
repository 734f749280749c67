"""API tokens expire, can be revoked, and carry a scope: only a token made after a two-factor
sign-in may do what the beheerder and procesbeheerder roles need a second factor for."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.definitions.package import ProcessPackage
from engine.people.users import create_token
from engine.service.demo import load_demo
from engine.store.schema import api_token, user
from tests.people import PEOPLE
from tests.web.admin_actions import audit, sign_in_beheerder
from tests.web.pages_actions import Browser, csrf_from
from tests.web.twofactor_actions import enrol, sign_in_with_code

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _deploy(client, token: str):
    files = {name: content.decode() for name, content in ProcessPackage.from_folder(PROCESS).files.items()}
    return client.post("/api/v1/process-definitions", json={"bestanden": files}, headers=_bearer(token))


@pytest.fixture
def analist_token(orchestrator, clock, page_users) -> str:
    with orchestrator.db.write() as conn:
        return create_token(conn, page_users["analist"].id, now=clock.now(), days=1)


def test_an_expired_token_gets_401(app, clock, analist_token):
    client = app.test_client()
    assert client.get("/api/v1/signals", headers=_bearer(analist_token)).status_code == 200
    clock.advance(dt.timedelta(days=1))
    response = client.get("/api/v1/signals", headers=_bearer(analist_token))
    assert response.status_code == 401
    assert "verlopen" in response.get_json()["fout"]


def test_a_revoked_token_gets_401_and_the_revocation_is_audited(app, orchestrator, analist_token, page_users):

    client = app.test_client()
    [mine] = orchestrator.signin.my_tokens(page_users["analist"])
    assert orchestrator.signin.revoke_my_token(page_users["analist"], mine["id"]) is True
    assert client.get("/api/v1/signals", headers=_bearer(analist_token)).status_code == 401
    [event] = audit(orchestrator, "api_token_ingetrokken")
    assert event.detail == {"gebruiker_id": page_users["analist"].id, "token_id": mine["id"]}


@pytest.mark.parametrize("username", ["beheerder", "procesbeheerder"])
def test_a_demo_token_cannot_deploy(app, orchestrator, username):
    tokens = load_demo(orchestrator)
    client = app.test_client()
    assert client.get("/api/v1/process-definitions", headers=_bearer(tokens[username])).status_code == 200
    response = _deploy(client, tokens[username])
    assert response.status_code == 403
    assert "tweestapsverificatie" in response.get_json()["fout"]


@pytest.fixture
def procesbeheerder(orchestrator, clock, page_users, _password_hash) -> int:
    with orchestrator.db.write() as conn:
        user_id = PEOPLE["pb"].add(conn, clock.now())
        conn.execute(update(user).where(user.c.id == user_id).values(password_hash=_password_hash))
    return user_id


def _make_token(browser: Browser, naam: str = "ontwikkelstraat", dagen: str = "30") -> str:
    page = browser.client.get("/account/api-tokens")
    assert page.status_code == 200
    response = browser.client.post("/account/api-tokens", data={
        "naam": naam, "dagen": dagen, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 201, response.get_data(as_text=True)[:400]
    return re.search(r'id="nieuw-token">(sr_[^<]+)<', response.get_data(as_text=True)).group(1)


def test_a_token_made_after_a_two_factor_sign_in_can_deploy(app, orchestrator, clock, procesbeheerder):
    secret, _ = enrol(orchestrator, procesbeheerder)
    browser = Browser(app.test_client())
    assert sign_in_with_code(browser, "pb", secret, clock).status_code == 302
    token = _make_token(browser)
    assert _deploy(app.test_client(), token).status_code in (200, 201)
    [event] = audit(orchestrator, "api_token_aangemaakt")
    assert event.user_id == procesbeheerder
    assert event.detail["tweede_factor"] is True and event.detail["dagen"] == 30 and event.detail["via"] == "account"


def test_a_token_made_by_the_operator_cannot_deploy(app, orchestrator, clock, procesbeheerder):
    from engine.people.tokens import issue_token

    with orchestrator.db.write() as conn:
        token = issue_token(conn, procesbeheerder, now=clock.now(), door=None, via="commandoregel")
    response = _deploy(app.test_client(), token)
    assert response.status_code == 403 and "tweestapsverificatie" in response.get_json()["fout"]


def test_a_token_made_without_a_second_factor_does_the_owners_other_work(app, browser, orchestrator):
    """An analist (no second factor needed) makes a token on the account page; it works for what they do."""
    assert browser.login("analist").status_code == 302
    token = _make_token(browser, dagen="")  # empty: the default lifetime
    assert app.test_client().get("/api/v1/tasks", headers=_bearer(token)).status_code == 200
    assert "Zonder tweestapsverificatie" in browser.client.get("/account/api-tokens").get_data(as_text=True)


def test_a_token_lifetime_outside_the_bounds_is_a_field_error(browser):
    assert browser.login("analist").status_code == 302
    page = browser.client.get("/account/api-tokens")
    response = browser.client.post("/account/api-tokens", data={
        "dagen": "100000", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 422 and "Dagen: moet tussen 1 en 366 liggen" in response.get_data(as_text=True)


def test_the_beheerder_sees_a_users_tokens_and_revokes_one(app, orchestrator, clock, page_users, _password_hash,
                                                         analist_token):
    admin = sign_in_beheerder(app, orchestrator, clock, _password_hash)
    page = f"/beheer/gebruikers/{page_users['analist'].id}"
    html = admin.client.get(page).get_data(as_text=True)
    [token_id] = re.findall(r'data-token="(\d+)"', html)
    assert "Zonder tweestapsverificatie" in html and "Actief" in html and "nooit" in html
    app.test_client().get("/api/v1/signals", headers=_bearer(analist_token))
    assert "nooit" not in admin.client.get(page).get_data(as_text=True)  # last used is shown

    response = admin.client.post(f"{page}/tokens/{token_id}/intrekken",
                                 data={"csrf_token": csrf_from(admin.client.get(page).get_data(as_text=True))})
    assert response.status_code == 302
    assert app.test_client().get("/api/v1/signals", headers=_bearer(analist_token)).status_code == 401
    assert "Ingetrokken op" in admin.client.get(page).get_data(as_text=True)
    [event] = audit(orchestrator, "api_token_ingetrokken")
    assert event.user_id == admin.user_id and event.detail["token_id"] == int(token_id)


def test_the_beheerder_cannot_revoke_another_users_token_through_the_wrong_user(app, orchestrator, clock, page_users,
                                                                               _password_hash, analist_token):
    admin = sign_in_beheerder(app, orchestrator, clock, _password_hash)
    page = f"/beheer/gebruikers/{page_users['melder'].id}"
    with orchestrator.db.read() as conn:
        token_id = conn.execute(select(api_token.c.id)).scalar_one()  # the analist's
    response = admin.client.post(f"{page}/tokens/{token_id}/intrekken",
                                 data={"csrf_token": csrf_from(admin.client.get(page).get_data(as_text=True))})
    assert response.status_code == 403 and "bestaat niet" in response.get_data(as_text=True)
    assert app.test_client().get("/api/v1/signals", headers=_bearer(analist_token)).status_code == 200


def test_switching_a_user_off_revokes_their_tokens_for_good(app, orchestrator, clock, page_users, _password_hash,
                                                          analist_token):

    admin = sign_in_beheerder(app, orchestrator, clock, _password_hash)
    beheerder = orchestrator.actor(admin.user_id)
    orchestrator.admin.set_active(beheerder, page_users["analist"].id, False)
    orchestrator.admin.set_active(beheerder, page_users["analist"].id, True)
    assert app.test_client().get("/api/v1/signals", headers=_bearer(analist_token)).status_code == 401
