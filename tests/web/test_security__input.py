"""Hostile input over HTTP: SQL-meta characters in every filter, NUL characters, oversized
requests, and no personal data in URLs or log lines."""
from __future__ import annotations

import logging
import re

import pytest

from tests.web.api_actions import intake_body, report

SQL_META = [
    "' OR '1'='1",
    "1; DROP TABLE signal; --",
    "') OR 1=1 --",
    '" OR ""="',
    "1 UNION SELECT gebruikersnaam, password_hash FROM app_user --",
    "%",
    "_",
    "\\",
    "*/ SELECT 1 /*",
    "ﬁ' ; --",
    "99999999999999999999",  # past any database integer: refused, never an overflow
    "-9223372036854775809",
]

# Every query-string filter of the pages and the API (path, parameter).
PAGE_FILTERS = [("/werkvoorraad", p) for p in ("stap", "gemeente", "mijn", "volgorde", "pagina")] + [
    ("/mijn-meldingen", "nieuw"), ("/aanmelden", "volgende"),
    ("/beheer/gebruikers", "rol"), ("/beheer/gebruikers", "status"), ("/beheer/gebruikers", "pagina")]
API_FILTERS = [("/signals", p) for p in ("limit", "offset", "mijn")] + [
    ("/tasks", p) for p in ("limit", "offset", "mijn", "stap", "gemeente", "overdue", "due_within")] + [
    ("/notifications", p) for p in ("limit", "offset")]


@pytest.fixture
def some_work(api, page_users) -> int:
    """Three reported signals (three open tasks for the analist); returns how many."""
    for _ in range(3):
        report(api["melder"])
    return 3


@pytest.fixture
def beheerder_browser(app, orchestrator, clock, _password_hash):
    from sqlalchemy import update

    from engine.store.schema import user
    from tests.people import PEOPLE
    from tests.web.pages_actions import Browser
    from tests.web.twofactor_actions import enrol, sign_in_with_code

    with orchestrator.db.write() as conn:
        user_id = PEOPLE["bea"].add(conn, clock.now())
        conn.execute(update(user).where(user.c.id == user_id).values(password_hash=_password_hash))
    secret, _ = enrol(orchestrator, user_id)
    browser = Browser(app.test_client())
    assert sign_in_with_code(browser, "bea", secret, clock).status_code == 302
    return browser


def _total_tasks(api) -> int:
    return api["analist"].get("/tasks").get_json()["totaal"]


@pytest.mark.parametrize("path,param", API_FILTERS)
def test_sql_meta_characters_in_api_filters(api, some_work, orchestrator, path, param):
    for value in SQL_META:
        response = api["analist"].get(path, query_string={param: value})
        assert response.status_code in (200, 422), (param, value, response.status_code)
        body = response.get_json()
        if response.status_code == 422:
            assert param in body["velden"]
        if path == "/tasks" and param in ("stap",) and response.status_code == 200:
            assert body["taken"] == [], (param, value)  # a literal step id: matches nothing, widens nothing
    assert _total_tasks(api) == some_work
    assert orchestrator.signal_count() == some_work


@pytest.mark.parametrize("path,param", PAGE_FILTERS)
def test_sql_meta_characters_in_page_filters(browser, beheerder_browser, api, some_work, orchestrator, path, param):
    client = beheerder_browser if path.startswith("/beheer") else browser
    if client is browser:
        browser.login("analist")
    for value in SQL_META:
        response = client.client.get(path, query_string={param: value})
        assert response.status_code in (200, 302, 400), (param, value, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/")  # never off-site (volgende)
        if response.status_code == 400:
            assert value.lstrip("-").isdigit()  # only numbers past a database integer are refused
        elif path == "/werkvoorraad" and param == "stap":
            assert "0 open taken" in response.get_data(as_text=True) or "Geen" in response.get_data(as_text=True)
    assert _total_tasks(api) == some_work
    assert orchestrator.signal_count() == some_work


def test_nul_characters_are_refused_naming_the_field(api, browser, orchestrator):
    response = api["melder"].post("/signals", json=intake_body(omschrijving="vier\x00mensen", melder={"naam": "A\x00"}))
    assert response.status_code == 422
    assert set(response.get_json()["velden"]) == {"omschrijving", "melder.naam"}
    assert api["analist"].get("/tasks", query_string={"stap": "a\x00b"}).get_json()["velden"] == {
        "stap": "bevat een teken dat niet is toegestaan (NUL of een ongeldig Unicode-teken)"}
    surrogate = api["melder"].client.post("/api/v1/signals", headers=api["melder"]._headers(),
                                          data='{"gemeente": "Nijmegen", "omschrijving": "\\ud800"}',
                                          content_type="application/json")
    assert surrogate.status_code == 422 and "omschrijving" in surrogate.get_json()["velden"]
    browser.login("analist")
    assert browser.client.get("/werkvoorraad", query_string={"stap": "\x00"}).status_code == 400
    assert orchestrator.signal_count() == 0


def test_oversized_requests_get_413_and_change_nothing(api, browser, app, orchestrator):
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = "x" * (limit + 1)
    response = api["melder"].post("/signals", json=intake_body(omschrijving=huge))
    assert response.status_code == 413
    assert response.get_json()["fout"].startswith("Het verzoek is te groot: maximaal 8 MB")
    page = browser.client.post("/aanmelden", data={"gebruikersnaam": "analist", "wachtwoord": huge})
    assert page.status_code == 413
    assert "Het verzoek is te groot" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    browser.login("melder")
    island = browser.client.post("/melden", json={"data": intake_body(omschrijving=huge)},
                                 headers={"X-CSRFToken": browser.token("/melden")})
    assert island.status_code == 413 and "te groot" in island.get_json()["fout"]
    upload = api["pb"].client.post("/api/v1/process-definitions", headers=api["pb"]._headers(),
                                   data=b"PK\x03\x04" + b"\0" * limit, content_type="application/zip")
    assert upload.status_code == 413
    assert orchestrator.signal_count() == 0


# --- no personal data in URLs or logs ------------------------------------------------------------

PERSONAL = {
    "omschrijving": "Marieke de Vries (17) slaapt in de kapsalon",
    "locatie": "Lange Hezelstraat 81",
    "melder": {"naam": "Jan Jansen-Melder", "afdeling": "Burgerzaken", "contact": "06-12345678"},
}


def test_no_personal_data_in_urls_or_log_lines(api, browser, app, caplog):
    caplog.set_level(logging.DEBUG)
    created = report(api["melder"], **PERSONAL)
    browser.login("analist")
    urls = []
    for path in ["/werkvoorraad", f"/signalen/{created['id']}", "/mijn-meldingen", "/melden"]:
        response = browser.client.get(path)
        html = response.get_data(as_text=True)
        urls += re.findall(r'(?:href|action|src|data-actie|data-xml-url)="([^"]*)"', html)
        # Filter forms send their fields in the URL: only choices, never free text about people.
        for form in re.findall(r'<form[^>]*method="get"[^>]*>(.*?)</form>', html, re.S):
            names = set(re.findall(r'name="([^"]+)"', form))
            assert names <= {"stap", "gemeente", "mijn", "volgorde", "pagina", "rol", "status"}, names
    task = next(u for u in urls if u.startswith("/taken/"))
    urls += re.findall(r'(?:href|action)="([^"]*)"', browser.client.get(task).get_data(as_text=True))
    browser.login("analist", "fout-wachtwoord")  # a failed sign-in logs nothing about who
    for _ in range(6):
        browser.login("Jan Jansen-Melder", "fout")  # the rate limiter's log line names no user
    secrets = ["Marieke", "Hezelstraat", "Jansen", "06-12345678", "Burgerzaken", "een-goed-wachtwoord"]
    assert urls, "no links found"
    for url in urls:
        assert not any(s.lower() in url.lower() for s in secrets), url
    logged = "\n".join(f"{r.name}: {r.getMessage()}" for r in caplog.records)
    assert not any(s in logged for s in secrets), logged


@pytest.mark.parametrize("path", ["/signals/9223372036854775808", "/tasks/99999999999999999999",
                                  "/tasks/2147483648/claim"])
def test_ids_past_a_database_integer_are_not_found(api, path):
    response = api["analist"].post(path) if path.endswith("claim") else api["analist"].get(path)
    assert response.status_code == 404
