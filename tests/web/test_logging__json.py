"""Structured logs: LOG_FORMAT=json writes one JSON object per line with the request's id,
endpoint, status and duration; the request id comes from X-Request-ID or is made, and is
echoed; and nothing a person reported (names, descriptions, addresses) reaches the log."""
from __future__ import annotations

import io
import json
import logging

import pytest

from tests.web.api_actions import intake_body
from tests.web.pages_actions import Browser
from web import create_app
from web.observability import configure_logging

# Personal data, each string unique enough to find anywhere in the log.
NAAM = "Jolanda Zwanenburg-Tsjeboksari"
OMSCHRIJVING = "Slaapt met zeven anderen boven garage Vlinderstraat"
LOCATIE = "Vlinderstraat 77b, Nijmegen"
TELEFOON = "0612398745"
FIELDS = ("time", "level", "logger", "message", "request_id", "endpoint", "status", "duration_ms")


def _our_handler() -> logging.StreamHandler:
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_signaalroute", False)]
    return handler


@pytest.fixture
def json_app(orchestrator, clock, api, page_users):
    """An app logging JSON into a string; built after the other fixtures' app (logging is per process)."""
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test", "LOG_FORMAT": "json",
                      "LOG_LEVEL": "DEBUG"})
    stream = io.StringIO()
    _our_handler().setStream(stream)
    yield app, stream
    app.extensions["signaalroute"].db.dispose()
    logging.getLogger().removeHandler(_our_handler())


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_one_json_object_per_line_with_the_request_fields(json_app, api):
    app, stream = json_app
    client = app.test_client()
    response = client.get("/health", headers={"X-Request-ID": "lb-7f3a.91"})
    made = client.get("/health")

    assert response.headers["X-Request-ID"] == "lb-7f3a.91"
    assert len(made.headers["X-Request-ID"]) == 32 and made.headers["X-Request-ID"] != "lb-7f3a.91"
    entries = [e for e in lines(stream) if e["logger"] == "signaalroute.request"]
    assert [e["request_id"] for e in entries] == ["lb-7f3a.91", made.headers["X-Request-ID"]]
    for entry in entries:
        assert set(FIELDS) <= set(entry)
        assert (entry["level"], entry["endpoint"], entry["status"]) == ("INFO", "observability.health", 200)
        assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
        assert entry["time"].endswith("+00:00")


def test_a_request_id_that_is_not_a_sane_token_is_replaced(json_app):
    app, _stream = json_app
    response = app.test_client().get("/health", headers={"X-Request-ID": "x" * 101})
    assert len(response.headers["X-Request-ID"]) == 32
    response = app.test_client().get("/health", headers={"X-Request-ID": 'a"b <script>'})
    assert len(response.headers["X-Request-ID"]) == 32


def test_lines_written_by_the_engine_during_a_request_carry_its_id(json_app, api):
    app, stream = json_app
    with app.test_request_context("/", headers={"X-Request-ID": "binnen-1"}):
        app.preprocess_request()
        logging.getLogger("engine.runtime.timers").warning("timer %s failed", 12)
    (entry,) = [e for e in lines(stream) if e["logger"] == "engine.runtime.timers"]
    assert (entry["request_id"], entry["level"], entry["message"]) == ("binnen-1", "WARNING", "timer 12 failed")


def test_personal_data_through_a_page_and_the_api_reaches_no_log_line(json_app, api, page_users):
    app, stream = json_app
    browser = Browser(app.test_client())
    assert browser.login("melder").status_code == 302
    page = browser.post_json("/melden", {"gemeente": "Nijmegen", "omschrijving": OMSCHRIJVING, "locatie": LOCATIE,
                                         "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee",
                                         "melder": {"naam": NAAM, "contact": TELEFOON}})
    assert page.status_code in (200, 201, 302), page.get_data(as_text=True)[:300]
    body = intake_body(omschrijving=OMSCHRIJVING + " (api)", locatie=LOCATIE, melder={"naam": NAAM, "contact": TELEFOON})
    created = api["melder"].post("/signals", json=body)
    assert created.status_code == 201, created.get_json()
    signal_id = created.get_json()["id"]
    assert api["analist"].get(f"/signals/{signal_id}").status_code == 200  # read back, in full
    invalid = api["melder"].post("/signals", json={**body, "minderjarige": NAAM})  # personal data in an error
    assert invalid.status_code == 422

    text = stream.getvalue()
    entries = lines(stream)
    assert {e["endpoint"] for e in entries} >= {"pages.melden_versturen", "api.report_signal", "api.get_signal"}
    for secret in (NAAM, OMSCHRIJVING, LOCATIE, TELEFOON, "Vlinderstraat"):
        assert secret not in text
    assert all(f"/signals/{signal_id}" not in e["message"] for e in entries)  # endpoint names, never URLs


def test_text_is_the_default_and_a_wrong_format_stops_the_start(orchestrator, clock):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
    stream = io.StringIO()
    _our_handler().setStream(stream)
    response = app.test_client().get("/health")
    app.extensions["signaalroute"].db.dispose()
    line = stream.getvalue().strip().splitlines()[-1]
    assert line.endswith("GET observability.health 200") and response.headers["X-Request-ID"] in line
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test", "LOG_FORMAT": "xml"})


@pytest.mark.parametrize(("level", "libraries"), [("INFO", logging.WARNING), ("DEBUG", logging.DEBUG)])
def test_spiffworkflow_and_apscheduler_do_not_flood_the_log_at_info(level, libraries):
    """A worker logs a line per task state change and per job run otherwise."""
    configure_logging("json", level)
    try:
        assert logging.getLogger("spiff.task").getEffectiveLevel() == libraries
        assert logging.getLogger("apscheduler.executors.default").getEffectiveLevel() == libraries
        assert logging.getLogger("signaalroute.request").getEffectiveLevel() == logging.getLevelName(level)
    finally:
        configure_logging("text", "INFO")
