"""Gebruikersbeheer: only a beheerder; create, roles per municipality, switch off, 2FA reset; all audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from engine.people.users import add_user
from engine.store.schema import gemeente, user
from tests.web.admin_actions import audit as _audit
from tests.web.admin_actions import grants as _grants
from tests.web.admin_actions import sign_in_beheerder
from tests.web.pages_actions import PASSWORD, Browser, csrf_from
from tests.web.twofactor_actions import enrol


@pytest.fixture
def admin(app, orchestrator, clock, page_users, _password_hash) -> Browser:
    """A beheerder (two-factor set up and used) signed in."""
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


def _ids(orchestrator) -> dict[str, int]:
    with orchestrator.db.read() as conn:
        return {r.code: r.id for r in conn.execute(select(gemeente.c.code, gemeente.c.id))}


def _post(browser: Browser, path: str, form_page: str, **fields):
    token = csrf_from(browser.client.get(form_page).get_data(as_text=True))
    return browser.client.post(path, data={"csrf_token": token, **fields})


@pytest.mark.parametrize("username", ["melder", "analist", "af", "manager", "riec"])
def test_only_a_beheerder_gets_in(browser, username):
    browser.login(username)
    for path in ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/gebruikers/1"]:
        response = browser.client.get(path)
        assert response.status_code == 403, path
        assert "geen toegang" in response.get_data(as_text=True)
    refused = browser.client.post("/beheer/gebruikers/1/uitschakelen", data={"csrf_token": browser.token()})
    assert refused.status_code == 403
    assert "Gebruikers</a>" not in browser.client.get("/mijn-meldingen").get_data(as_text=True)


def test_the_list_shows_users_roles_and_filters(admin, page_users):
    html = admin.client.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Anna Analist" in html and "Bea Beheerder" in html
    assert "Analist Meldpunt Ondermijning (Nijmegen)" in html and "Beheerder (hele installatie)" in html
    filtered = admin.client.get("/beheer/gebruikers?rol=riec").get_data(as_text=True)
    assert "Rik RIEC" in filtered and "Anna Analist" not in filtered
    assert "Geen gebruikers gevonden" in admin.client.get("/beheer/gebruikers?status=uit").get_data(as_text=True)


def test_create_a_user_with_roles_per_municipality(admin, app, orchestrator):
    ids = _ids(orchestrator)
    response = _post(admin, "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw", gebruikersnaam="nieuwe.collega",
                     naam="Nina Nieuw", wachtwoord="lang-genoeg-wachtwoord",
                     rollen=[f"analist:gemeente:{ids['nijmegen']}", f"aandachtsfunctionaris:gemeente:{ids['arnhem']}",
                             "riec:installatie"])
    assert response.status_code == 302
    assert _grants(orchestrator, "nieuwe.collega") == {("analist", ids["nijmegen"], None),
                                                        ("aandachtsfunctionaris", ids["arnhem"], None),
                                                        ("riec", None, None)}
    event = _audit(orchestrator, "gebruiker_aangemaakt")[-1]
    assert event.user_id == admin.user_id
    assert event.detail["rollen"] == ["aandachtsfunctionaris@arnhem", "analist@nijmegen", "riec@installatie"]
    assert "Nina" not in str(event.detail) and "lang-genoeg" not in str(event.detail)
    newcomer = Browser(app.test_client())
    assert newcomer.login("nieuwe.collega", "lang-genoeg-wachtwoord").status_code == 302


def test_create_names_every_wrong_field(admin, orchestrator, page_users):
    response = _post(admin, "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw", gebruikersnaam="Analist",
                     naam="", wachtwoord="kort", rollen=["analist:installatie"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Gebruikersnaam: deze gebruikersnaam bestaat al" in html
    assert "Volledige naam: is verplicht" in html
    assert "Tijdelijk wachtwoord: moet minstens 10 tekens lang zijn" in html
    assert ("Rollen: de rol &#39;Analist Meldpunt Ondermijning&#39; hoort bij een gemeente "
            "en kan niet voor de hele installatie") in html
    assert 'aria-invalid="true"' in html and 'value="Analist"' in html
    none = _post(admin, "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw", gebruikersnaam="x y",
                 naam="X", wachtwoord="lang-genoeg-wachtwoord")
    assert "letters, cijfers" in none.get_data(as_text=True) and "kies minstens één rol" in none.get_data(as_text=True)
    forged = _post(admin, "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw", gebruikersnaam="xy", naam="X",
                   wachtwoord="lang-genoeg-wachtwoord", rollen=["koning:installatie", "analist:gemeente:99999"])
    assert forged.status_code == 422 and "onbekende rol" in forged.get_data(as_text=True)
    assert _audit(orchestrator, "gebruiker_aangemaakt") == []


def test_change_roles_is_audited_with_what_changed(admin, orchestrator, page_users):
    ids = _ids(orchestrator)
    analist = page_users["analist"].id
    page = f"/beheer/gebruikers/{analist}"
    html = admin.client.get(page).get_data(as_text=True)
    nijmegen = f"analist:gemeente:{ids['nijmegen']}"
    assert f'value="{nijmegen}" id="rol-{nijmegen}"' in html
    assert re.search(rf'name="rollen" value="{nijmegen}"[^>]*checked', html)
    chosen = [f"analist:gemeente:{ids['arnhem']}", f"manager:gemeente:{ids['nijmegen']}"]
    response = _post(admin, f"{page}/rollen", page, rollen=chosen)
    assert response.status_code == 302
    assert _grants(orchestrator, "analist") == {("analist", ids["arnhem"], None), ("manager", ids["nijmegen"], None)}
    event = _audit(orchestrator, "rollen_gewijzigd")[-1]
    assert event.detail["toegevoegd"] == ["analist@arnhem", "manager@nijmegen"]
    assert event.detail["verwijderd"] == ["analist@nijmegen"]
    assert event.detail["gebruiker_id"] == analist and event.user_id == admin.user_id
    unchanged = _post(admin, f"{page}/rollen", page, rollen=chosen)
    assert "niets gewijzigd" in admin.client.get(unchanged.headers["Location"]).get_data(as_text=True)
    assert len(_audit(orchestrator, "rollen_gewijzigd")) == 1
    empty = _post(admin, f"{page}/rollen", page)
    assert empty.status_code == 422 and "kies minstens één rol" in empty.get_data(as_text=True)


def test_a_beheerder_cannot_lock_the_region_out(admin, orchestrator):
    own = f"/beheer/gebruikers/{admin.user_id}"
    ids = _ids(orchestrator)
    dropped = _post(admin, f"{own}/rollen", own, rollen=[f"analist:gemeente:{ids['nijmegen']}"])
    assert dropped.status_code == 422 and "eigen rol Beheerder" in dropped.get_data(as_text=True)
    off = _post(admin, f"{own}/uitschakelen", own)
    assert off.status_code == 422 and "uzelf niet uitschakelen" in off.get_data(as_text=True)
    assert _grants(orchestrator, "bea") == {("beheerder", None, None)}


def test_the_last_active_beheerder_stays(admin, orchestrator, clock):
    from engine.errors import FieldErrors

    with orchestrator.db.write() as conn:
        other = add_user(conn, "ben", now=clock.now(), roles=["beheerder"], gemeente_naam=None)
    users = orchestrator.admin
    ben = orchestrator.actor(other)
    assert users.set_active(orchestrator.actor(admin.user_id), other, False)  # two admins: one may go
    with pytest.raises(FieldErrors) as refused:
        users.set_roles(ben, admin.user_id, frozenset({("analist", _ids(orchestrator)["nijmegen"], None)}))
    assert "laatste actieve beheerder" in refused.value.fields["rollen"]


def test_switch_off_ends_sign_in_and_api_tokens(admin, app, orchestrator, clock, page_users):
    from engine.people.users import create_token

    analist = page_users["analist"].id
    with orchestrator.db.write() as conn:
        token = create_token(conn, analist, now=clock.now())
    victim = Browser(app.test_client())
    victim.login("analist")
    page = f"/beheer/gebruikers/{analist}"
    assert _post(admin, f"{page}/uitschakelen", page).status_code == 302
    assert victim.client.get("/werkvoorraad").status_code == 302
    assert victim.login("analist").status_code == 401
    assert app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "Uitgeschakeld" in admin.client.get("/beheer/gebruikers?status=uit").get_data(as_text=True)
    assert _post(admin, f"{page}/inschakelen", page).status_code == 302
    assert Browser(app.test_client()).login("analist").status_code == 302
    assert [e.actie for e in _audit(orchestrator, "gebruiker_uitgeschakeld") + _audit(orchestrator, "gebruiker_ingeschakeld")] \
        == ["gebruiker_uitgeschakeld", "gebruiker_ingeschakeld"]


def test_reset_two_factor_sends_the_user_to_enrolment_again(admin, app, orchestrator, clock, _password_hash):
    with orchestrator.db.write() as conn:
        pb = add_user(conn, "pb", now=clock.now(), naam="Pim", roles=["procesbeheerder"], gemeente_naam="Nijmegen")
        conn.execute(update(user).where(user.c.id == pb).values(password_hash=_password_hash))
    enrol(orchestrator, pb)
    page = f"/beheer/gebruikers/{pb}"
    assert "Ingesteld" in admin.client.get(page).get_data(as_text=True)
    response = _post(admin, f"{page}/tweestaps-herstellen", page)
    flashed = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "stelt het opnieuw in bij de volgende aanmelding" in flashed
    assert [e.detail["gebruiker_id"] for e in _audit(orchestrator, "tweestaps_hersteld")] == [pb]
    again = _post(admin, f"{page}/tweestaps-herstellen", page)
    assert "had geen tweestapsverificatie" in admin.client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_audit(orchestrator, "tweestaps_hersteld")) == 1
    user_browser = Browser(app.test_client())
    assert user_browser.login("pb").headers["Location"].endswith("/account/tweestapsverificatie/instellen")


def test_new_password(admin, app, orchestrator, page_users):
    page = f"/beheer/gebruikers/{page_users['melder'].id}"
    short = _post(admin, f"{page}/wachtwoord", page, wachtwoord="kort")
    assert short.status_code == 422 and "Nieuw wachtwoord: moet minstens 10 tekens lang zijn" in short.get_data(as_text=True)
    assert _post(admin, f"{page}/wachtwoord", page, wachtwoord="nieuw-en-lang-genoeg").status_code == 302
    assert Browser(app.test_client()).login("melder", PASSWORD).status_code == 401
    assert Browser(app.test_client()).login("melder", "nieuw-en-lang-genoeg").status_code == 302
    assert len(_audit(orchestrator, "wachtwoord_ingesteld")) == 1


def test_forms_need_the_csrf_token(admin, page_users, orchestrator):
    response = admin.client.post(f"/beheer/gebruikers/{page_users['analist'].id}/uitschakelen")
    assert response.status_code == 400
    assert orchestrator.actor(page_users["analist"].id)  # still active


def test_unknown_user_is_no_access(admin):
    assert admin.client.get("/beheer/gebruikers/99999").status_code == 403
