"""Gebruikersbeheer with regions: a regional role granted and revoked per region through the page,
a region grant that survives editing other roles, scopes the policy refuses, all audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import insert, select

from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import gemeente, user, user_role
from tests.web.admin_actions import audit as _audit
from tests.web.admin_actions import grants as _grants
from tests.web.admin_actions import sign_in_beheerder
from tests.web.pages_actions import Browser, csrf_from


@pytest.fixture
def admin(app, orchestrator, clock, page_users, _password_hash) -> Browser:
    """A beheerder (two-factor set up and used) signed in."""
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


@pytest.fixture
def places(orchestrator, page_users) -> dict[str, int]:
    """Nijmegen and Wijchen in Gelderland-Zuid, Arnhem in Gelderland-Midden: ids by name."""
    with orchestrator.db.write() as conn:
        zuid, midden = ensure_regio(conn, "Gelderland-Zuid"), ensure_regio(conn, "Gelderland-Midden")
        ids = {"zuid": zuid, "midden": midden}
        for naam, regio_id in (("Nijmegen", zuid), ("Wijchen", zuid), ("Arnhem", midden)):
            ids[naam.lower()] = ensure_gemeente(conn, naam)
            assign_gemeente(conn, regio_id, ids[naam.lower()])
    return ids


def _form(html: str) -> tuple[list[str], set[str]]:
    """The role form as the page shows it: the hidden 'getoond' values and the ticked boxes."""
    getoond = re.findall(r'<input type="hidden" name="getoond" value="([^"]*)">', html)
    ticked = set(re.findall(r'name="rollen" value="([^"]+)"[^>]*checked', html))
    return getoond, ticked


def _submit_roles(admin, user_id: int, *, tick=(), untick=(), html: str | None = None):
    """Open the user's page (or use ``html``, opened earlier), change the boxes and save, as a browser would."""
    page = f"/beheer/gebruikers/{user_id}"
    html = html if html is not None else admin.client.get(page).get_data(as_text=True)
    getoond, ticked = _form(html)
    rollen = sorted((ticked | set(tick)) - set(untick))
    return admin.client.post(f"{page}/rollen", data={"csrf_token": csrf_from(html), "getoond": getoond,
                                                     "rollen": rollen})


def _actor_places(orchestrator, user_id: int, rol: str) -> set[int | None]:
    return {g for r, g in orchestrator.actor(user_id).roles if r == rol}


def test_the_page_explains_the_scopes_and_offers_a_region_only_for_regional_roles(admin, page_users, places):
    html = admin.client.get(f"/beheer/gebruikers/{page_users['analist'].id}").get_data(as_text=True)
    assert "Rollen per gemeente, per regio of voor de hele installatie" in html
    assert "de rol geldt in elke gemeente van de regio, ook in gemeenten die er later bij komen" in html
    assert "Regio Gelderland-Zuid" in html and "Nijmegen, Wijchen" in html
    assert f'value="riec:regio:{places["zuid"]}"' in html
    assert f'value="zvh:regio:{places["midden"]}"' in html
    assert f'value="analist:regio:{places["zuid"]}"' not in html  # a municipal role: no box per region
    assert 'value="manager:installatie"' not in html
    assert 'value="beheerder:installatie"' in html


def test_a_regional_role_is_granted_and_revoked_per_region_through_the_page(admin, orchestrator, page_users, places):
    riec = page_users["riec"].id  # riec installation-wide (a single-region set-up so far)
    per_region = f"riec:regio:{places['zuid']}"
    granted = _submit_roles(admin, riec, tick=[per_region], untick=["riec:installatie"])
    assert granted.status_code == 302
    assert _grants(orchestrator, "riec") == {("riec", None, places["zuid"])}
    assert _actor_places(orchestrator, riec, "riec") == {places["nijmegen"], places["wijchen"]}  # not Arnhem
    event = _audit(orchestrator, "rollen_gewijzigd")[-1]
    assert event.detail["toegevoegd"] == ["riec@regio:gelderland-zuid"]
    assert event.detail["verwijderd"] == ["riec@installatie"]
    assert event.user_id == admin.user_id and event.detail["gebruiker_id"] == riec

    html = admin.client.get(granted.headers["Location"]).get_data(as_text=True)
    assert "De rollen zijn opgeslagen." in html
    assert "Regio: Gelderland-Zuid" in html and "<td class=\"utrecht-table__cell\">Nijmegen, Wijchen</td>" in html
    assert re.search(rf'name="rollen" value="{per_region}"[^>]*checked', html)
    listed = admin.client.get("/beheer/gebruikers?rol=riec").get_data(as_text=True)
    assert "Analist RIEC (regio Gelderland-Zuid)" in listed

    other = f"riec:gemeente:{places['arnhem']}"
    revoked = _submit_roles(admin, riec, tick=[other], untick=[per_region])
    assert revoked.status_code == 302
    assert _grants(orchestrator, "riec") == {("riec", places["arnhem"], None)}
    assert _actor_places(orchestrator, riec, "riec") == {places["arnhem"]}
    event = _audit(orchestrator, "rollen_gewijzigd")[-1]
    assert (event.detail["toegevoegd"], event.detail["verwijderd"]) == (["riec@arnhem"], ["riec@regio:gelderland-zuid"])


def test_a_region_grant_survives_an_edit_of_other_roles(admin, orchestrator, clock, places):
    with orchestrator.db.write() as conn:
        zara = add_user(conn, "zara", now=clock.now(), roles=["zorgcoordinator"], gemeente_naam=None,
                        regio_naam="Gelderland-Zuid")
    melder = f"melder:gemeente:{places['nijmegen']}"
    assert _submit_roles(admin, zara, tick=[melder]).status_code == 302
    assert _grants(orchestrator, "zara") == {("zorgcoordinator", None, places["zuid"]), ("melder", places["nijmegen"], None)}
    event = _audit(orchestrator, "rollen_gewijzigd")[-1]
    assert (event.detail["toegevoegd"], event.detail["verwijderd"]) == (["melder@nijmegen"], [])

    # Granted elsewhere (the command line) while the form was open: saving the old form keeps it.
    opened = admin.client.get(f"/beheer/gebruikers/{zara}").get_data(as_text=True)
    with orchestrator.db.write() as conn:
        add_user(conn, "zara", now=clock.now(), roles=["zvh"], gemeente_naam=None, regio_naam="Gelderland-Midden")
    assert _submit_roles(admin, zara, untick=[melder], html=opened).status_code == 302
    assert _grants(orchestrator, "zara") == {("zorgcoordinator", None, places["zuid"]), ("zvh", None, places["midden"])}
    assert _audit(orchestrator, "rollen_gewijzigd")[-1].detail["verwijderd"] == ["melder@nijmegen"]


def test_a_grant_held_outside_the_policy_is_shown_and_kept_until_unticked(admin, orchestrator, page_users, places):
    manager = page_users["manager"].id
    with orchestrator.db.write() as conn:  # as an older version or a hand-made row could have left it
        conn.execute(insert(user_role).values(user_id=manager, rol="manager", gemeente_id=None, regio_id=places["zuid"]))
    html = admin.client.get(f"/beheer/gebruikers/{manager}").get_data(as_text=True)
    held = f"manager:regio:{places['zuid']}"
    assert re.search(rf'name="rollen" value="{held}"[^>]*checked', html)
    assert _submit_roles(admin, manager, tick=[f"melder:gemeente:{places['nijmegen']}"]).status_code == 302
    assert ("manager", None, places["zuid"]) in _grants(orchestrator, "manager")
    assert _submit_roles(admin, manager, untick=[held]).status_code == 302
    assert ("manager", None, places["zuid"]) not in _grants(orchestrator, "manager")
    assert _audit(orchestrator, "rollen_gewijzigd")[-1].detail["verwijderd"] == ["manager@regio:gelderland-zuid"]


@pytest.mark.parametrize(("value", "message"), [
    ("analist:regio:{zuid}", "Rollen: de rol &#39;Analist Meldpunt Ondermijning&#39; hoort bij een gemeente en kan "
                             "niet per regio worden toegekend"),
    ("manager:installatie", "Rollen: de rol &#39;Manager&#39; hoort bij een gemeente en kan niet voor de hele "
                            "installatie worden toegekend"),
    ("beheerder:regio:{zuid}", "Rollen: de rol &#39;Beheerder&#39; hoort bij een gemeente en kan niet per regio"),
    ("riec:regio:99999", "Rollen: onbekende regio bij de rol &#39;Analist RIEC&#39;"),
])
def test_a_scope_the_policy_does_not_allow_is_refused_naming_the_field(admin, orchestrator, page_users, places,
                                                                       value, message):
    value = value.format(**places)
    before = _grants(orchestrator, "analist")
    refused = _submit_roles(admin, page_users["analist"].id, tick=[value])
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert message in html and 'id="rollen-fout"' in html
    assert _grants(orchestrator, "analist") == before
    assert _audit(orchestrator, "rollen_gewijzigd") == []

    created = admin.client.post("/beheer/gebruikers/nieuw", data={
        "csrf_token": csrf_from(admin.client.get("/beheer/gebruikers/nieuw").get_data(as_text=True)),
        "gebruikersnaam": "nieuw", "naam": "Nieuw", "wachtwoord": "lang-genoeg-wachtwoord", "rollen": [value]})
    assert created.status_code == 422 and message in created.get_data(as_text=True)
    with orchestrator.db.read() as conn:
        assert conn.execute(select(user.c.id).where(user.c.gebruikersnaam == "nieuw")).first() is None
    assert _audit(orchestrator, "gebruiker_aangemaakt") == []


def test_a_new_user_gets_a_regional_role_per_region(admin, orchestrator, places):
    response = admin.client.post("/beheer/gebruikers/nieuw", data={
        "csrf_token": csrf_from(admin.client.get("/beheer/gebruikers/nieuw").get_data(as_text=True)),
        "gebruikersnaam": "zeger", "naam": "Zeger", "wachtwoord": "lang-genoeg-wachtwoord",
        "rollen": [f"zvh:regio:{places['midden']}", f"melder:gemeente:{places['arnhem']}"]})
    assert response.status_code == 302
    assert _grants(orchestrator, "zeger") == {("zvh", None, places["midden"]), ("melder", places["arnhem"], None)}
    assert _audit(orchestrator, "gebruiker_aangemaakt")[-1].detail["rollen"] == ["melder@arnhem",
                                                                                  "zvh@regio:gelderland-midden"]
    with orchestrator.db.read() as conn:
        names = dict(conn.execute(select(gemeente.c.id, gemeente.c.naam)).all())
    user_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert {names[g] for r, g in orchestrator.actor(user_id).roles if r == "zvh"} == {"Arnhem"}
