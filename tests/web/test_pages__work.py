"""Reporting, the task list, the task form and the signal page, through the test client."""
from __future__ import annotations

import datetime as dt
import re

from tests.web.pages_actions import Browser

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Zes mensen slapen boven de nagelsalon aan de Molenstraat.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "acute_nood": False}


def _report(browser: Browser, **overrides) -> str:
    response = browser.post_json("/melden", {**INTAKE, **overrides})
    assert response.status_code == 201, response.get_json()
    reference = response.get_json()["doorsturen"].split("nieuw=")[1]
    assert reference in browser.client.get(response.get_json()["doorsturen"]).get_data(as_text=True)
    return reference


def _as(app, username) -> Browser:
    other = Browser(app.test_client())
    assert other.login(username).status_code == 302
    return other


def test_report_then_follow_it_as_reporter(browser, app):
    browser.login("melder")
    page = browser.client.get("/melden").get_data(as_text=True)
    assert "Bel eerst 112" in page and 'data-knop="Melding versturen"' in page
    reference = _report(browser)
    mine = browser.client.get("/mijn-meldingen").get_data(as_text=True)
    assert reference in mine and "In behandeling" in mine
    assert "Molenstraat" not in mine  # status only, not even one's own description back
    status_page = browser.client.get("/signalen/1").get_data(as_text=True)
    assert "In behandeling" in status_page and "Molenstraat" not in status_page and "sr-diagram" not in status_page
    assert browser.client.get("/signalen/1/diagram.bpmn").status_code == 403


def test_field_errors_come_back_per_field_and_nothing_is_stored(browser, orchestrator):
    browser.login("melder")
    response = browser.post_json("/melden", {"gemeente": "Atlantis", "uitbuitingsvormen": [], "minderjarige": "nee"})
    assert response.status_code == 422
    velden = response.get_json()["velden"]
    assert velden["omschrijving"] == "is verplicht"
    assert "Atlantis" in velden["gemeente"]
    assert "uitbuitingsvormen" in velden
    assert orchestrator.signal_count() == 0


def test_inbox_claim_complete_and_the_409(browser, app, clock):
    _report(_as(app, "melder"))
    browser.login("analist")
    inbox = browser.client.get("/werkvoorraad").get_data(as_text=True)
    assert "Signaal verrijken" in inbox and "1 open taak" in inbox
    assert re.search(r'aria-label="1 open taken">1<', inbox)
    task_id = int(re.search(r'href="/taken/(\d+)"', inbox).group(1))
    claimed = browser.post_form(f"/taken/{task_id}/claimen", terug="/werkvoorraad")
    assert claimed.status_code == 302
    assert "De taak staat nu op uw naam" in browser.client.get("/werkvoorraad").get_data(as_text=True)
    other = _as(app, "analist2")
    other_view = other.client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert "staat op naam van Anna Analist" in other_view and 'class="sr-formulier"' not in other_view
    missing = browser.post_json(f"/taken/{task_id}", {})
    assert missing.status_code == 422 and missing.get_json()["velden"] == {"vermoeden_versterkt": "is verplicht"}
    done = browser.post_json(f"/taken/{task_id}", {"vermoeden_versterkt": True, "adresgegevens": "BRP: 6 personen"})
    assert done.status_code == 200 and done.get_json()["doorsturen"] == "/werkvoorraad"
    again = browser.post_json(f"/taken/{task_id}", {"vermoeden_versterkt": False})
    assert again.status_code == 409
    assert "al voltooid door Anna Analist op 05-01-2026 om 10:00" in again.get_json()["fout"]
    page = browser.client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert "al afgerond door Anna Analist" in page and 'class="sr-formulier"' not in page


def test_other_municipality_gets_the_same_403_as_nothing(browser, app):
    _report(_as(app, "melder"))
    browser.login("analist-arnhem")
    for path in ("/taken/1", "/signalen/1", "/signalen/1/diagram.bpmn", "/taken/9999", "/signalen/9999"):
        response = browser.client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 403, path
        assert "Molenstraat" not in html and "MH-" not in html
    assert browser.post_form("/taken/1/claimen").status_code == 403
    assert browser.post_json("/taken/1", {"vermoeden_versterkt": True}).status_code == 403
    assert "Er staan geen taken voor u klaar" in browser.client.get("/werkvoorraad").get_data(as_text=True)


def test_inbox_filters_paging_and_marks(browser, app, clock, orchestrator, page_users):
    melder = page_users["melder"]
    for _ in range(27):
        orchestrator.report_signal(melder, dict(INTAKE))
    clock.advance(dt.timedelta(days=4))
    orchestrator.report_signal(melder, dict(INTAKE))
    browser.login("analist")
    first = browser.client.get("/werkvoorraad").get_data(as_text=True)
    assert "28 open taken" in first and "Pagina 1 van 2" in first
    assert first.count("sr-badge--bijna") == 25  # due in 1 day: marked 'bijna'
    second = browser.client.get("/werkvoorraad?pagina=2").get_data(as_text=True)
    assert second.count('href="/taken/') == 3
    latest_first = browser.client.get("/werkvoorraad?volgorde=laatst").get_data(as_text=True)
    assert re.search(r'href="/taken/(\d+)"', latest_first).group(1) == "28"
    assert 'rel="next" href="/werkvoorraad?pagina=2' in first and 'rel="prev"' not in first
    [next_link] = re.findall(r'rel="next" href="([^"]+)"', latest_first)
    assert "pagina=2" in next_link and "volgorde=laatst" in next_link  # the filter goes along
    assert 'rel="prev" href="/werkvoorraad?pagina=1' in second and 'rel="next"' not in second
    clock.advance(dt.timedelta(days=2))
    browser.login("analist")  # two days later: the session of before has long ended
    late = browser.client.get("/werkvoorraad?stap=task_verrijken").get_data(as_text=True)
    assert late.count("sr-badge--te-laat") == 25
    assert "Geen open taken die aan dit filter voldoen" in browser.client.get("/werkvoorraad?mijn=1").get_data(as_text=True)
    assert "28 open taken" in browser.client.get("/werkvoorraad?pagina=abc").get_data(as_text=True)


def test_the_navigation_badge_says_plus_past_its_cap(browser, orchestrator, page_users, monkeypatch):
    from engine.queries import queries

    for _ in range(3):
        orchestrator.report_signal(page_users["melder"], dict(INTAKE))
    browser.login("analist")
    assert re.search(r'aria-label="3 open taken">3<', browser.client.get("/mijn-meldingen").get_data(as_text=True))
    monkeypatch.setattr(queries, "NAV_COUNT_CAP", 2)
    other_page = browser.client.get("/mijn-meldingen").get_data(as_text=True)
    assert re.search(r'aria-label="meer dan 2 open taken">2\+<', other_page)
    inbox = browser.client.get("/werkvoorraad").get_data(as_text=True)  # the task list counts them all
    assert re.search(r'aria-label="3 open taken">3<', inbox) and "3 open taken" in inbox


def test_signal_page_shows_route_covenant_timeline_and_diagram(browser, app, orchestrator, page_users):
    melder, analist, af = page_users["melder"], page_users["analist"], page_users["af"]
    outcome = orchestrator.report_signal(melder, dict(INTAKE))
    orchestrator.complete_task(analist, outcome.nieuwe_taken[0]["id"], {"vermoeden_versterkt": True})
    beoordelen = orchestrator.inbox(af)["taken"][0]
    orchestrator.complete_task(af, beoordelen["id"], {"voldoende_aanleiding": True, "ondermijnende_criminaliteit": True})
    browser.login("af")
    page = browser.client.get(f"/signalen/{outcome.signal_id}").get_data(as_text=True)
    assert "RIEC-convenant" in page and "Regie ondermijning (RIEC)" in page
    assert "Signaal gemeld" in page and "Taak afgerond: Signaal verrijken" in page
    assert 'data-voltooid="[&#34;task_beoordelen&#34;, &#34;task_verrijken&#34;]"' in page
    assert 'data-actief="[&#34;task_regie_riec&#34;]"' in page
    xml = browser.client.get(f"/signalen/{outcome.signal_id}/diagram.bpmn")
    assert xml.status_code == 200 and b"task_regie_riec" in xml.data
    riec = _as(app, "riec")
    assert "RIEC-convenant" in riec.client.get(f"/signalen/{outcome.signal_id}").get_data(as_text=True)
