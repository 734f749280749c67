"""Through the web (issue #17): a process owner changes a municipality's route set-up on Beheer ›
Route-inrichting; new signals follow it, running ones keep theirs; bad input is a Dutch field error."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import audit_event, process_definition, process_instance, signal
from tests.web.pages_actions import csrf_from, sign_in_directly

from .test_pages__route_choice import REPORT, ROOT

VICTIM = {"identificeerbaar_slachtoffer": True, "slachtoffer_wil_melden": True}


@pytest.fixture
def place(orchestrator, clock):
    for folder in ("slachtoffer-in-beeld", "meldcode", "ondermijningsoverleg"):
        orchestrator.deploy_folder(ROOT / "processes" / folder)
    with orchestrator.db.write() as conn:
        regio_id = ensure_regio(conn, "Gelderland-Zuid")
        gemeente_id = ensure_gemeente(conn, "Nijmegen")
        assign_gemeente(conn, regio_id, gemeente_id)
        owner = add_user(conn, "pb", now=clock.now(), naam="Pim Procesbeheer", roles=["procesbeheerder"],
                         gemeente_naam="Nijmegen")
    return {"gemeente": gemeente_id, "regio": regio_id, "owner": owner}


def _process_of(orchestrator, signal_id: int) -> str:
    with orchestrator.db.read() as conn:
        return conn.execute(select(process_definition.c.sleutel)
                            .join(process_instance, process_instance.c.definition_id == process_definition.c.id)
                            .join(signal, signal.c.instance_id == process_instance.c.id)
                            .where(signal.c.id == signal_id)).scalar_one()


def _report(app, page_users, data) -> int:
    client = app.test_client()
    sign_in_directly(app, client, page_users["melder"].id)
    token = csrf_from(client.get("/melden").get_data(as_text=True))
    response = client.post("/melden", json={"data": {**REPORT, **data}}, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    with app.extensions["signaalroute"].db.read() as conn:
        return conn.execute(select(signal.c.id).order_by(signal.c.id.desc())).scalars().first()


def _post(client, path: str, data: dict):
    token = csrf_from(client.get("/beheer/route-inrichting").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_a_process_owner_changes_the_set_up_in_the_browser_and_only_new_signals_follow_it(app, orchestrator, place,
                                                                                           page_users):
    before = _report(app, page_users, VICTIM)
    owner = app.test_client()
    sign_in_directly(app, owner, place["owner"])

    page = owner.get("/beheer/route-inrichting")
    text = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "Nijmegen" in text and "standaard: elk signaal volgt Van signaal naar casus" in text
    saved = _post(owner, f"/beheer/route-inrichting/gemeente/{place['gemeente']}",
                  {"modus": "proces", "proces": "ondermijningsoverleg"})
    assert saved.status_code == 302
    after = _report(app, page_users, VICTIM)

    assert (_process_of(orchestrator, before), _process_of(orchestrator, after)) == (
        "signaal-naar-casus", "ondermijningsoverleg")  # without a set-up: the stroomschema
    text = unescape(owner.get("/beheer/route-inrichting").get_data(as_text=True))
    assert ("Geldt nu: Elk signaal volgt dit proces: Via het lokale ondermijningsoverleg (Achterhoek) (eigen inrichting)"
            in text)
    with orchestrator.db.read() as conn:
        logged = conn.execute(select(audit_event.c.user_id, audit_event.c.detail)
                              .where(audit_event.c.actie == "route_inrichting_gewijzigd")).one()
    assert logged.user_id == place["owner"] and logged.detail["proces"] == "ondermijningsoverleg"


def test_a_wrong_set_up_is_a_field_error_and_changes_nothing(app, orchestrator, place, page_users):
    owner = app.test_client()
    sign_in_directly(app, owner, place["owner"])

    response = _post(owner, f"/beheer/route-inrichting/gemeente/{place['gemeente']}",
                     {"modus": "beslistabel", "proces": "ondermijningsoverleg"})

    assert response.status_code == 422
    assert "Proces: dit proces heeft geen beslistabel 'proceskeuze'" in unescape(response.get_data(as_text=True))
    assert _process_of(orchestrator, _report(app, page_users, VICTIM)) == "signaal-naar-casus"  # still the default


def test_the_region_is_set_up_only_by_who_holds_every_municipality_of_it(app, orchestrator, place, clock):
    with orchestrator.db.write() as conn:
        assign_gemeente(conn, place["regio"], ensure_gemeente(conn, "Wijchen"))
        installation = add_user(conn, "bea", now=clock.now(), roles=["beheerder"], gemeente_naam=None)
    owner, admin = app.test_client(), app.test_client()
    sign_in_directly(app, owner, place["owner"])
    sign_in_directly(app, admin, installation)

    assert _post(owner, f"/beheer/route-inrichting/regio/{place['regio']}",
                 {"modus": "proces", "proces": "signaal-naar-casus"}).status_code == 403
    assert _post(admin, f"/beheer/route-inrichting/regio/{place['regio']}",
                 {"modus": "proces", "proces": "signaal-naar-casus"}).status_code == 302
    without_second_factor = app.test_client()
    sign_in_directly(app, without_second_factor, place["owner"], tweestaps=False)
    refused = without_second_factor.get("/beheer/route-inrichting")  # the two-factor gate comes first
    assert refused.status_code == 302 and "/beheer/route-inrichting" not in refused.headers["Location"]
