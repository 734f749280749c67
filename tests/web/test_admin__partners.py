"""The chain partner directory pages: beheerder only, field errors, scoped to the beheerder's regions, audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.people.partners import contacts_for
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import ketenpartner, user
from tests.web.admin_actions import audit, sign_in_beheerder
from tests.web.pages_actions import Browser
from tests.web.twofactor_actions import enrol, sign_in_with_code

NLA = {"soort": "nla", "naam": "NLA Team Mensenhandel (voorbeeld)", "telefoon": "0800 5151", "email": "mh@nla.example",
       "adres": "", "toelichting": "Voorbeeldgegevens"}


@pytest.fixture
def regions(orchestrator) -> dict[str, int]:
    with orchestrator.db.write() as conn:
        ids = {}
        for regio, gemeente in (("Gelderland-Zuid", "Nijmegen"), ("Gelderland-Midden", "Arnhem")):
            ids[regio] = ensure_regio(conn, regio)
            assign_gemeente(conn, ids[regio], ensure_gemeente(conn, gemeente))
    return ids


@pytest.fixture
def bea(app, orchestrator, clock, _password_hash, regions) -> Browser:
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


def _entries(orchestrator) -> list:
    with orchestrator.db.read() as conn:
        return conn.execute(select(ketenpartner).order_by(ketenpartner.c.id)).all()


def test_the_beheerder_adds_edits_and_removes_a_contact_of_a_region(bea, orchestrator, regions):
    zuid = regions["Gelderland-Zuid"]

    added = bea.post_form(f"/beheer/ketenpartners/nieuw?regio={zuid}", regio=zuid, **NLA)
    [entry] = _entries(orchestrator)
    listed = bea.client.get(f"/beheer/ketenpartners?regio={zuid}").get_data(as_text=True)
    edited = bea.post_form(f"/beheer/ketenpartners/{entry.id}", **{**NLA, "telefoon": "088 1234567"})
    with orchestrator.db.read() as conn:
        nijmegen = ensure_gemeente(conn, "Nijmegen")
        shown = contacts_for(conn, nijmegen, "nla")
    removed = bea.post_form(f"/beheer/ketenpartners/{entry.id}/verwijderen")

    assert added.status_code == edited.status_code == removed.status_code == 302
    assert "NLA Team Mensenhandel (voorbeeld)" in listed and "Nederlandse Arbeidsinspectie" in listed
    assert (entry.regio_id, entry.soort, entry.bijgewerkt_door) == (zuid, "nla", bea.user_id)
    assert [c["telefoon"] for c in shown] == ["088 1234567"]
    assert _entries(orchestrator) == []
    assert [e.detail["velden"] for e in audit(orchestrator, "ketenpartner_gewijzigd")] == [["telefoon"]]
    assert len(audit(orchestrator, "ketenpartner_toegevoegd")) == len(audit(orchestrator, "ketenpartner_verwijderd")) == 1
    assert "0800" not in str(audit(orchestrator, "ketenpartner_toegevoegd")[0].detail)  # no contact data in the log


def test_wrong_input_is_shown_per_field_and_stores_nothing(bea, orchestrator, regions):
    zuid = regions["Gelderland-Zuid"]

    response = bea.post_form("/beheer/ketenpartners/nieuw", regio=zuid, soort="politie", naam=" ", telefoon="bel maar",
                             email="geen-adres")
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "Soort: kies een soort ketenpartner" in html and "Naam: is verplicht" in html
    assert "E-mail: is geen geldig e-mailadres" in html and "Telefoon: alleen cijfers" in html
    assert _entries(orchestrator) == []


def test_a_municipal_beheerder_keeps_only_their_own_region(app, orchestrator, clock, _password_hash, regions, bea):
    bea.post_form("/beheer/ketenpartners/nieuw", regio=regions["Gelderland-Zuid"], **NLA)
    [zuid_entry] = _entries(orchestrator)
    with orchestrator.db.write() as conn:
        user_id = add_user(conn, "bart", now=clock.now(), naam="Bart Arnhem", roles=["beheerder"], gemeente_naam="Arnhem")
        conn.execute(update(user).where(user.c.id == user_id).values(password_hash=_password_hash))
    secret, _ = enrol(orchestrator, user_id)
    bart = Browser(app.test_client())
    assert sign_in_with_code(bart, "bart", secret, clock).status_code == 302

    own = bart.client.get("/beheer/ketenpartners").get_data(as_text=True)
    other_list = bart.client.get(f"/beheer/ketenpartners?regio={regions['Gelderland-Zuid']}")
    other_entry = bart.client.get(f"/beheer/ketenpartners/{zuid_entry.id}")
    other_add = bart.post_form("/beheer/ketenpartners/nieuw", regio=regions["Gelderland-Zuid"], **NLA)
    other_remove = bart.post_form(f"/beheer/ketenpartners/{zuid_entry.id}/verwijderen")

    assert "Gelderland-Midden" in own and "Gelderland-Zuid" not in own
    assert other_list.status_code == other_entry.status_code == other_add.status_code == other_remove.status_code == 403
    assert len(_entries(orchestrator)) == 1


@pytest.mark.parametrize("username", ["analist", "af", "manager"])
def test_only_a_beheerder_sees_the_directory(browser, username, regions):
    browser.login(username)

    assert browser.client.get("/beheer/ketenpartners").status_code == 403
    assert browser.client.post("/beheer/ketenpartners/nieuw", data={"naam": "x"}).status_code in (400, 403)
