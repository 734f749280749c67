"""The Signalen page (navigation, filters with field errors, empty state) and the handover form on the signal page."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.store.schema import gemeente

REPORT = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "ja", "acute_nood": True, "al_112_gebeld": False}


def _report(orchestrator, page_users) -> tuple[int, str]:
    started = orchestrator.report_signal(page_users["melder"], dict(REPORT))
    return started.signal_id, started.referentie


def _arnhem(orchestrator) -> int:
    with orchestrator.db.read() as conn:
        return conn.execute(select(gemeente.c.id).where(gemeente.c.naam == "Arnhem")).scalar_one()


def test_the_aandachtsfunctionaris_finds_signals_on_the_signalen_page(browser, orchestrator, page_users):
    signal_id, referentie = _report(orchestrator, page_users)
    browser.login("af")

    html = browser.client.get("/signalen").get_data(as_text=True)

    assert re.search(r'<a class="utrecht-link" href="/signalen"\s+aria-current="page">Signalen</a>', html)
    assert f'href="/signalen/{signal_id}">{referentie}</a>' in html
    assert "Acuut" in html and "Minderjarige" in html
    # the owner: the role of the step due first — acute without a 112 call puts "Acute situatie opvolgen" (4 hours)
    # before the analist's enrichment
    assert "Aandachtsfunctionaris mensenhandel" in html and "nog niet opgepakt" in html
    assert "Vier mensen" not in html  # no description in the list
    filtered = browser.client.get("/signalen?status=afgerond").get_data(as_text=True)
    assert referentie not in filtered and "Geen signalen die aan dit filter voldoen" in filtered


def test_a_reporter_has_no_signalen_in_the_navigation_and_an_empty_list(browser, orchestrator, page_users):
    _signal_id, referentie = _report(orchestrator, page_users)
    browser.login("melder")

    assert 'href="/signalen"' not in browser.client.get("/mijn-meldingen").get_data(as_text=True)
    html = browser.client.get("/signalen").get_data(as_text=True)
    assert referentie not in html and "Mijn meldingen</a>." in html


def test_a_bad_filter_is_a_field_error_on_the_page(browser, orchestrator, page_users):
    _report(orchestrator, page_users)
    browser.login("af")

    response = browser.client.get("/signalen?ontvangen_van=31-02-2026&status=zoek")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ontvangen van: is geen geldige datum (dd-mm-jjjj)" in html
    assert "Status: onbekende status" in html
    assert 'id="ontvangen_van" name="ontvangen_van" value="31-02-2026" aria-invalid="true"' in html


def test_the_aandachtsfunctionaris_hands_a_signal_over_from_the_signal_page(browser, orchestrator, page_users):
    signal_id, referentie = _report(orchestrator, page_users)
    arnhem = _arnhem(orchestrator)
    browser.login("af")
    assert "Signaal overdragen" in browser.client.get(f"/signalen/{signal_id}").get_data(as_text=True)

    refused = browser.post_form(f"/signalen/{signal_id}/overdracht", gemeente=str(arnhem), reden="")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/signalen/{signal_id}#overdracht-kop")
    assert "Reden: is verplicht" in browser.client.get(f"/signalen/{signal_id}").get_data(as_text=True)

    done = browser.post_form(f"/signalen/{signal_id}/overdracht", gemeente=str(arnhem), reden="Woont in Arnhem.")
    assert done.status_code == 302 and done.headers["Location"].endswith("/signalen")
    kept = browser.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
    assert "overgedragen aan de gemeente <strong>Arnhem</strong>" in kept and "Vier mensen" not in kept
    assert referentie in browser.client.get("/signalen?status=overgedragen").get_data(as_text=True)
    assert referentie not in browser.client.get("/signalen").get_data(as_text=True)


def test_only_the_aandachtsfunctionaris_sees_the_handover_form(browser, orchestrator, page_users):
    signal_id, _ = _report(orchestrator, page_users)
    browser.login("analist")

    assert "Signaal overdragen" not in browser.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
