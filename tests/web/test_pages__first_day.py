"""What a first-time user meets: a start page that fits the role, Dutch error pages for every status,
labels instead of codes, one status per report, and safety nets (a manager sees only what they may do,
a task handed back to its role, undo after removing a chain partner, the intake's checks)."""
from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from sqlalchemy import select, update

from engine.domain.labels import ACTIES, label
from engine.errors import FieldErrors
from engine.store.schema import human_task
from tests.web.pages_actions import Browser

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Busjes met arbeiders bij een bedrijfspand.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "sector": "logistiek",
          "indicatoren": ["woont_op_werkplek"]}


def _as(app, username: str) -> Browser:
    person = Browser(app.test_client())
    assert person.login(username).status_code == 302
    return person


@pytest.mark.parametrize(("username", "start"), [("melder", "/mijn-meldingen"), ("analist", "/werkvoorraad"),
                                                 ("af", "/werkvoorraad"), ("riec", "/werkvoorraad"),
                                                 ("manager", "/overzicht")])
def test_each_role_starts_on_its_own_page(app, page_users, username, start):
    assert _as(app, username).client.get("/").headers["Location"] == start


def test_a_process_owner_starts_on_processen_and_a_beheerder_on_gebruikers(app, orchestrator, clock, page_users):
    from engine.people.users import add_user

    with orchestrator.db.write() as conn:
        owner = add_user(conn, "pb-start", now=clock.now(), naam="Pim", roles=["procesbeheerder"], gemeente_naam="Nijmegen")
        admin = add_user(conn, "bea-start", now=clock.now(), naam="Bea", roles=["beheerder"], gemeente_naam=None)
    from tests.web.pages_actions import sign_in_directly

    starts = []
    for user_id in (owner, admin):
        client = app.test_client()
        sign_in_directly(app, client, user_id)
        starts.append(client.get("/").headers["Location"])
    assert starts == ["/processen", "/beheer/gebruikers"]


@pytest.mark.parametrize(("method", "path", "status", "title"), [
    ("get", "/bestaat-niet", 404, "Pagina niet gevonden"),
    ("post", "/mijn-meldingen", 405, "Dat kan hier niet"),
    ("get", "/taken/999999", 403, "Geen toegang"),
])
def test_error_pages_are_dutch_in_the_apps_layout_with_a_way_back(app, page_users, method, path, status, title):
    analist = _as(app, "analist")
    response = getattr(analist.client, method)(path, headers={"Referer": "http://localhost/werkvoorraad"})
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1 class=\"utrecht-heading-1\">{title}</h1>" in html and 'aria-label="Hoofdmenu"' in html
    assert "Naar de startpagina" in html and "Not Found" not in html and "Method Not Allowed" not in html
    if status != 403:
        assert 'href="/werkvoorraad">Terug naar de vorige pagina' in html


def test_an_unexpected_failure_is_a_dutch_page_and_json_stays_json(app, page_users):
    @app.get("/test-storing")
    def _broken():
        raise RuntimeError("kapot")

    app.testing = False  # as in production: the error handler answers, the exception is not re-raised
    analist = _as(app, "analist")
    page = analist.client.get("/test-storing")
    as_json = analist.client.get("/test-storing", headers={"Accept": "application/json"})
    api = app.test_client().delete("/api/v1/signalen")

    assert page.status_code == 500 and "Er ging iets mis" in page.get_data(as_text=True)
    assert "Internal Server Error" not in page.get_data(as_text=True)
    assert as_json.status_code == 500 and as_json.get_json()["fout"].startswith("Er ging aan onze kant iets mis")
    assert api.status_code in (404, 405) and "fout" in api.get_json()


def test_the_manager_sees_no_oppakken_on_tasks_they_may_not_do(app, orchestrator, page_users):
    orchestrator.report_signal(page_users["melder"], dict(INTAKE), proces="signaal-naar-casus")
    manager = _as(app, "manager").client.get("/werkvoorraad").get_data(as_text=True)
    analist = _as(app, "analist").client.get("/werkvoorraad").get_data(as_text=True)

    assert "Signaal verrijken" in manager and "Oppakken" not in manager and "Alleen inzien" in manager
    assert "Oppakken" in analist and "(voor: Analist Meldpunt Ondermijning)" in analist


def test_a_manager_hands_a_reassigned_task_back_to_its_role(app, orchestrator, page_users, clock):
    orchestrator.report_signal(page_users["melder"], dict(INTAKE), proces="signaal-naar-casus")
    [task] = orchestrator.inbox(page_users["analist"])["taken"]
    orchestrator.managers.reassign(page_users["manager"], task["id"], page_users["analist2"].id)
    with orchestrator.db.write() as conn:  # late, so the board lists it
        conn.execute(update(human_task).values(due_at=clock.now() - dt.timedelta(hours=1)))
    manager = _as(app, "manager")
    board = manager.client.get("/overzicht").get_data(as_text=True)

    response = manager.post_form(f"/overzicht/taken/{task['id']}/toewijzen", naar="rol",
                                 gezien=str(page_users["analist2"].id), terug="/overzicht")
    again = manager.post_form(f"/overzicht/taken/{task['id']}/toewijzen", naar="rol", gezien="", terug="/overzicht")

    assert 'value="rol">Terug naar de rol (Analist Meldpunt Ondermijning)' in board
    assert response.status_code == 303
    with orchestrator.db.read() as conn:
        assert conn.execute(select(human_task.c.toegewezen_aan).where(human_task.c.id == task["id"])).scalar_one() is None
    assert again.status_code == 303
    assert "staat al bij de rol" in manager.client.get("/overzicht").get_data(as_text=True)


def test_mijn_meldingen_shows_one_status_a_subject_and_what_happens_next(app, orchestrator, page_users):
    outcome = orchestrator.report_signal(page_users["melder"], {**INTAKE, "onderwerp": "Bedrijfspand Industrieweg"},
                                         proces="signaal-naar-casus")
    orchestrator.report_signal(page_users["melder"], dict(INTAKE), proces="signaal-naar-casus")
    html = _as(app, "melder").client.get(f"/mijn-meldingen?nieuw={outcome.referentie}").get_data(as_text=True)

    assert "Bedrijfspand Industrieweg" in html and "Melding van " in html  # the one without a subject: its date
    assert "Wat gebeurt er nu?" in html
    assert html.count("In behandeling") == 2


def test_the_intake_refuses_a_future_moment_and_contact_details_that_are_no_phone_or_email(orchestrator, page_users,
                                                                                          clock):
    tomorrow = (clock.now() + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    with pytest.raises(FieldErrors) as refused:
        orchestrator.report_signal(page_users["melder"], {**INTAKE, "ontvangen_op": tomorrow,
                                                          "melder": {"naam": "M", "contact": "bel de balie"}},
                                   proces="signaal-naar-casus")
    assert refused.value.fields == {"ontvangen_op": "mag niet in de toekomst liggen",
                                    "melder.contact": "vul een telefoonnummer (bv. 024-1234567) of een e-mailadres in"}
    for contact in ("06-12345678", "+31 24 123 45 67", "m.melder@gemeente.example"):
        orchestrator.report_signal(page_users["melder"], {**INTAKE, "melder": {"naam": "M", "contact": contact}},
                                   proces="signaal-naar-casus")


def test_the_municipality_is_offered_as_a_choice_of_the_reporters_own(app, page_users):
    html = _as(app, "melder").client.get("/melden").get_data(as_text=True)
    schema = json.loads(unescape(re.search(r'data-schema="([^"]*)"', html).group(1)))
    [gemeente] = [c for c in schema["components"] if c.get("key") == "gemeente"]
    assert (gemeente["type"], gemeente["values"]) == ("select", [{"label": "Nijmegen", "value": "Nijmegen"}])


def test_every_action_the_engine_logs_has_a_dutch_label():
    from engine.audit.audit import ACTIONS

    assert set(ACTIONS) <= set(ACTIES)
    assert label("rol", "zvh") == "Procesregisseur Zorg- en Veiligheidshuis"
    assert label("indicator", "iets_nieuws") == "Iets nieuws"  # an unknown code still reads as words


def test_removing_a_chain_partner_can_be_undone_once(app, orchestrator, clock, page_users):
    from engine.people.regions import ensure_regio
    from engine.people.users import add_user
    from tests.web.pages_actions import sign_in_directly

    with orchestrator.db.write() as conn:
        regio = ensure_regio(conn, "Gelderland-Zuid")
        admin = add_user(conn, "bea-undo", now=clock.now(), naam="Bea", roles=["beheerder"], gemeente_naam=None)
    client = app.test_client()
    sign_in_directly(app, client, admin)
    bea = Browser(client)
    bea.post_form(f"/beheer/ketenpartners/nieuw?regio={regio}", regio=regio, soort="nla", naam="NLA Team Oost",
                  telefoon="0800-1234567", email="oost@nla.example")
    entry_id = orchestrator.partners.list(orchestrator.actor(admin), regio)[0]["id"]

    bea.post_form(f"/beheer/ketenpartners/{entry_id}/verwijderen")
    offered = client.get(f"/beheer/ketenpartners?regio={regio}").get_data(as_text=True)
    later = client.get(f"/beheer/ketenpartners?regio={regio}").get_data(as_text=True)
    undone = bea.post_form("/beheer/ketenpartners/terugzetten")

    assert "NLA Team Oost is verwijderd." in offered and "Terugzetten" in offered
    assert "Terugzetten" not in later  # offered once, right after the removal
    assert undone.status_code == 302
    [back] = orchestrator.partners.list(orchestrator.actor(admin), regio)
    assert (back["naam"], back["telefoon"], back["email"]) == ("NLA Team Oost", "0800-1234567", "oost@nla.example")
