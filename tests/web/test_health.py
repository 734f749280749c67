"""/health: the database and the clocks' last pass; 503 with a reason when nothing would fire due timers."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import select

from engine.service.scheduler import Clock
from engine.store.schema import klok_stand
from web import create_app

TEST_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
HOUR = dt.timedelta(hours=1)
WAIT = {"proces": "timer-wachten", "data": {"gemeente": "Nijmegen", "omschrijving": "Wacht een uur.",
                                             "uitbuitingsvormen": ["arbeid"], "minderjarige": "ja",
                                             "indicatoren": ["onderbetaling"]}}


def test_healthy_without_a_clock_while_nothing_is_due(app):
    response = app.test_client().get("/health")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"], body["timers_klaar"]) == ("ok", "ok", 0)
    assert body["klok"]["laatste_ronde"] is None and "reden" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_due_timers_and_no_clock_pass_within_the_window_is_unhealthy(app, api, orchestrator, clock):
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")
    assert api["melder"].post("/signals", json=WAIT).status_code == 201
    client = app.test_client()
    clock.advance(HOUR + dt.timedelta(seconds=10))

    never = client.get("/health")
    assert never.status_code == 503
    assert never.get_json()["timers_klaar"] == 1
    assert "geen klok" in never.get_json()["reden"] and "nooit" in never.get_json()["reden"]

    engine_clock = Clock(orchestrator)
    assert engine_clock.run_pass() == 1  # fires it, and records the pass
    with orchestrator.db.read() as conn:
        (row,) = conn.execute(select(klok_stand)).all()
    assert row.naam.endswith(f":{os.getpid()}")
    passed = client.get("/health")
    assert passed.status_code == 200
    assert passed.get_json()["klok"]["seconden_geleden"] == 0

    # a new timer falls due while the clock is gone for longer than the window (120 s)
    assert api["melder"].post("/signals", json=WAIT).status_code == 201
    clock.advance(HOUR + dt.timedelta(seconds=10))
    stalled = client.get("/health")
    assert stalled.status_code == 503
    assert stalled.get_json()["klok"]["status"] == "vastgelopen"
    assert "geleden" in stalled.get_json()["reden"]


def test_the_window_is_a_setting(orchestrator, api, clock):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")
    Clock(orchestrator).run_pass()  # a pass at 09:00
    assert api["melder"].post("/signals", json=WAIT).status_code == 201
    clock.advance(HOUR + dt.timedelta(seconds=1))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "t",
                      "HEALTH_CLOCK_WINDOW": 2 * 3600})
    try:
        body = app.test_client().get("/health").get_json()
        assert (body["status"], body["klok"]["venster_s"], body["timers_klaar"]) == ("ok", 7200, 1)
    finally:
        app.extensions["signaalroute"].db.dispose()


def test_an_unreachable_database_is_unhealthy(clock):
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/niets", "CLOCK": clock,
                      "SECRET_KEY": "t"})
    try:
        response = app.test_client().get("/health")
    finally:
        app.extensions["signaalroute"].db.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "fout", "database": "onbereikbaar",
                                   "reden": "De database is niet bereikbaar."}


def test_an_unreachable_database_gives_503_with_retry_after_not_a_server_error(clock):
    """During a restart of the database, clients are told to try again (and nothing was written)."""
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/niets", "CLOCK": clock,
                      "SECRET_KEY": "t"})
    try:
        client = app.test_client()
        api = client.get("/api/v1/signals", headers={"Authorization": "Bearer sr_onbekend"})
        with client.session_transaction() as session:
            session["sid"] = "een-sessie"  # a signed-in user: the page must look the session up
        page = client.get("/werkvoorraad")
    finally:
        app.extensions["signaalroute"].db.dispose()
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert "niet bereikbaar" in api.get_json()["fout"]
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Even niet bereikbaar" in page.get_data(as_text=True)
