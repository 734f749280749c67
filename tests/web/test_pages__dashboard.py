"""The managers' pages through the test client: board and reassigning, workload, figures with
downloads, heat map, mail settings — and that none of them shows personal data."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.store.schema import human_task
from tests.web.pages_actions import Browser

PERSONAL = {"omschrijving": "Vrouw in rode jas wordt elke nacht opgehaald", "locatie": "Geheimweg 12, Nijmegen",
            "melder": {"naam": "Karel Kroon", "afdeling": "Handhaving", "contact": "06-98765432"},
            "sector": "horeca", "identificeerbaar_slachtoffer": True}
PERSONAL_VALUES = ("rode jas", "Geheimweg", "Karel", "Kroon", "06-987", "Handhaving")
INTAKE = {"gemeente": "Nijmegen", "uitbuitingsvormen": ["seksueel", "arbeid"], "minderjarige": "ja",
          "acute_nood": False, **PERSONAL}
MANAGER_PAGES = ["/overzicht", "/overzicht?binnen=7", "/overzicht/werkdruk",
                 "/overzicht/cijfers?van=2025-01-01&tot=2026-12-31", "/overzicht/knelpunten"]


def _as(app, username) -> Browser:
    other = Browser(app.test_client())
    assert other.login(username).status_code == 302
    return other


@pytest.fixture
def late_signals(orchestrator, page_users, clock):
    """Two reported signals with a minor; the clock two days on, so 'Signaal verrijken' (1 day for a minor)
    is a day late for both."""
    outcomes = [orchestrator.report_signal(page_users["melder"], dict(INTAKE), proces="signaal-naar-casus") for _ in range(2)]
    clock.advance(dt.timedelta(days=2))
    orchestrator.fire_due_timers()
    return outcomes


def _task_ids(orchestrator) -> list[int]:
    with orchestrator.db.read() as conn:
        return list(conn.execute(select(human_task.c.id).order_by(human_task.c.id)).scalars())


def test_the_board_shows_late_tasks_and_escalations(app, late_signals):
    manager = _as(app, "manager")
    page = manager.client.get("/overzicht").get_data(as_text=True)
    assert 'href="/overzicht"' in page and "Overzicht</a>" in page  # in the navigation
    assert "2 taken" in page and "1 d 0 u te laat" in page and "Signaal verrijken" in page
    assert "2 nog open, 0 intussen afgehandeld" in page
    assert late_signals[0].referentie in page
    assert "Anna Analist" in page and "Bram Analist" in page  # who the task can go to


def test_others_get_no_overview(app, late_signals):
    analist = _as(app, "analist")
    assert analist.client.get("/overzicht").status_code == 403
    assert analist.client.get("/overzicht/cijfers").status_code == 403
    assert analist.client.get("/overzicht/cijfers.csv").status_code == 403
    assert "Overzicht</a>" not in analist.client.get("/werkvoorraad").get_data(as_text=True)


def test_reassign_from_the_board_and_the_409(app, orchestrator, late_signals, page_users):
    manager = _as(app, "manager")
    task_id = _task_ids(orchestrator)[0]
    bram = page_users["analist2"].id
    response = manager.post_form(f"/overzicht/taken/{task_id}/toewijzen", naar=str(bram), gezien="", terug="/overzicht")
    assert response.status_code == 303 and response.headers["Location"].endswith("/overzicht")
    page = manager.client.get("/overzicht").get_data(as_text=True)
    assert "staat nu op naam van Bram Analist" in page
    # a second manager's form still says "unassigned": the change in between is a 409 naming who
    stale = manager.post_form(f"/overzicht/taken/{task_id}/toewijzen", naar=str(page_users["analist"].id), gezien="")
    assert stale.status_code == 409
    assert "intussen op naam van Bram Analist" in stale.get_data(as_text=True)
    wrong_role = manager.post_form(f"/overzicht/taken/{task_id}/toewijzen", naar=str(page_users["af"].id),
                                   gezien=str(bram))
    assert wrong_role.status_code == 303
    assert "heeft niet de rol &#39;analist&#39;" in manager.client.get("/overzicht").get_data(as_text=True)
    as_json = manager.client.post(f"/overzicht/taken/{task_id}/toewijzen", data={"naar": "x"},
                                  headers={"X-CSRFToken": manager.token("/overzicht"), "Accept": "application/json"})
    assert as_json.status_code == 422 and as_json.get_json()["velden"] == {"naar": "kies een medewerker"}


def test_workload_counts_per_person_and_role(app, orchestrator, late_signals, page_users):
    orchestrator.claim(page_users["analist"], _task_ids(orchestrator)[0])
    page = _as(app, "manager").client.get("/overzicht/werkdruk").get_data(as_text=True)
    anna = re.search(r"Anna Analist</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>", page)
    assert anna and anna.groups()[1:] == ("1", "1")
    assert re.search(r"Bram Analist</th>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>0</td>", page)
    assert re.search(r"Niemand \(nog bij de rol\)</th>\s*<td[^>]*></td>\s*<td[^>]*>1</td>", page)


def test_figures_page_charts_and_downloads(app, orchestrator, late_signals, page_users):
    manager = _as(app, "manager")
    response = manager.client.get("/overzicht/cijfers?van=2026-01-01&tot=2026-01-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'sr-kengetal__waarde">2</span> signalen ontvangen', page)
    assert 'class="sr-grafiek"' in page and "Seksuele uitbuiting" in page
    csv_response = manager.client.get("/overzicht/cijfers.csv?van=2026-01-01&tot=2026-01-31")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    text = csv_response.get_data().decode("utf-8-sig")
    assert "signalen,ontvangen,2\r\n" in text and "uitbuitingsvorm,Arbeidsuitbuiting,2" in text
    assert "minderjarige,Ja,2" in text
    xlsx = manager.client.get("/overzicht/cijfers.xlsx?van=2026-01-01&tot=2026-01-31")
    book = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    assert book.sheetnames == ["Aantallen", "Doorlooptijden", "Verantwoording"]
    rows = list(book["Aantallen"].iter_rows(values_only=True))
    assert rows[0] == ("onderdeel", "categorie", "aantal") and ("signalen", "ontvangen", 2) in rows
    wrong = manager.client.get("/overzicht/cijfers?van=2026-02-01&tot=2026-01-01")
    assert wrong.status_code == 422 and "ligt vóór de begindatum" in wrong.get_data(as_text=True)
    bad = manager.client.get("/overzicht/cijfers?van=gisteren")
    assert bad.status_code == 422 and "geen geldige datum" in bad.get_data(as_text=True)


def test_heat_map_page_and_its_diagram(app, late_signals):
    manager = _as(app, "manager")
    page = manager.client.get("/overzicht/knelpunten").get_data(as_text=True)
    assert 'class="sr-hittekaart"' in page and "/overzicht/processen/signaal-naar-casus/diagram.bpmn" in page
    assert re.search(r"Signaal verrijken</th>\s*<td[^>]*>2</td>\s*<td[^>]*>2 d 0 u</td>", page)
    diagram = manager.client.get("/overzicht/processen/signaal-naar-casus/diagram.bpmn")
    assert diagram.status_code == 200 and b"task_verrijken" in diagram.get_data()
    assert _as(app, "analist").client.get("/overzicht/processen/signaal-naar-casus/diagram.bpmn").status_code == 403


def test_mail_settings(app, orchestrator, page_users):
    analist = _as(app, "analist")
    page = analist.client.get("/instellingen/meldingen").get_data(as_text=True)
    assert "Leeg laten: geen mail." in page
    wrong = analist.post_form("/instellingen/meldingen", email="anna-at-gemeente", wijze="direct")
    assert wrong.status_code == 422 and "E-mailadres is geen geldig e-mailadres" in wrong.get_data(as_text=True)
    saved = analist.post_form("/instellingen/meldingen", email="anna@gemeente.test", wijze="dagelijks")
    assert saved.status_code == 303
    assert orchestrator.mail_settings(page_users["analist"]) == {"email": "anna@gemeente.test", "wijze": "dagelijks"}


def test_a_manager_sees_no_personal_data_on_any_overview_page(app, orchestrator, late_signals, page_users):
    """Reported signals carry a description, location, reporter and contact; none of it shows."""
    tasks = _task_ids(orchestrator)
    orchestrator.complete_task(page_users["analist"], tasks[0], {"vermoeden_versterkt": True,
                                                                 "adresgegevens": "BRP: Geheimweg 12, fam. Kroon"})
    manager = _as(app, "manager")
    bodies = {}
    for path in [*MANAGER_PAGES, "/overzicht/cijfers.csv?van=2025-01-01&tot=2026-12-31",
                 "/overzicht/processen/signaal-naar-casus/diagram.bpmn"]:
        response = manager.client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.get_data(as_text=True)
    xlsx = manager.client.get("/overzicht/cijfers.xlsx?van=2025-01-01&tot=2026-12-31")
    book = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    bodies["xlsx"] = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    assert "Signaal verrijken" in bodies["/overzicht"]  # the pages do show the process
    for path, body in bodies.items():
        for value in PERSONAL_VALUES:
            assert value not in body, (path, value)
