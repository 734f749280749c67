"""/metrics: scraped and parsed with prometheus_client's own parser; counters move with what
happens, gauges are read from the database at scrape, access needs the token or this machine,
and several processes' counters add up (multiprocess mode, in real subprocesses)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from engine.store.schema import human_task
from tests.web.api_actions import report
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "tests" / "data"
HOUR = dt.timedelta(hours=1)


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_commands_are_counted_by_kind_and_outcome(app, api):
    client = app.test_client()
    before = scrape(client)
    signal = report(api["melder"])
    task = api["analist"].get(f"/signals/{signal['id']}").get_json()["taken"][0]
    assert api["analist"].post(f"/tasks/{task['id']}/claim").status_code == 200
    assert api["analist2"].post(f"/tasks/{task['id']}/claim").status_code == 409  # taken by a colleague
    assert api["melder"].post("/signals", json={"gemeente": "Nijmegen"}).status_code == 422
    assert api["arnhem"].post(f"/tasks/{task['id']}/claim").status_code == 404  # not theirs to know
    after = scrape(client)

    def moved(kind, outcome):
        return value(after, "signaalroute_commands_total", kind=kind, outcome=outcome) - value(
            before, "signaalroute_commands_total", kind=kind, outcome=outcome)

    assert (moved("report", "ok"), moved("report", "invalid")) == (1, 1)
    assert (moved("claim", "ok"), moved("claim", "conflict"), moved("claim", "forbidden")) == (1, 1, 1)
    assert moved("complete", "ok") == 0


def test_request_latency_is_labelled_by_endpoint_never_by_url(app, api):
    client = app.test_client()
    signal = report(api["melder"])
    api["analist"].get(f"/signals/{signal['id']}")
    samples = scrape(client)

    count = value(samples, "signaalroute_http_request_duration_seconds_count", endpoint="api.get_signal", method="GET")
    assert count >= 1
    endpoints = {dict(labels).get("endpoint") for name, labels in samples if name.startswith("signaalroute_http")}
    assert "api.report_signal" in endpoints
    assert not any(e and ("/" in e or str(signal["id"]) in e) for e in endpoints), endpoints
    assert value(samples, "signaalroute_http_requests_total", endpoint="api.get_signal", status="200") >= 1


def test_open_tasks_by_step_are_read_from_the_database(app, api, orchestrator):
    for _ in range(3):
        report(api["melder"])
    samples = scrape(app.test_client())

    with orchestrator.db.read() as conn:
        expected = dict(conn.execute(select(human_task.c.bpmn_id, func.count()).where(human_task.c.status == "open")
                                     .group_by(human_task.c.bpmn_id)).all())
    assert expected and sum(expected.values()) == 3
    shown = {dict(labels)["bpmn_id"]: v for (name, labels), v in samples.items() if name == "signaalroute_open_tasks"}
    assert shown == expected


def test_timers_due_fired_lateness_and_incidents(app, api, orchestrator, clock):
    orchestrator.deploy_folder(TEST_DATA / "timer-wachten")
    client = app.test_client()
    body = {"proces": "timer-wachten", "data": {"gemeente": "Nijmegen", "omschrijving": "Wacht een uur.",
                                                 "uitbuitingsvormen": ["arbeid"], "minderjarige": "ja",
                                                 "indicatoren": ["onderbetaling"]}}
    assert api["melder"].post("/signals", json=body).status_code == 201
    body["data"]["minderjarige"] = "onbekend"  # no flow of the gateway matches: an incident
    assert api["melder"].post("/signals", json=body).status_code == 201
    before = scrape(client)
    assert value(before, "signaalroute_timers_due") == 0

    clock.advance(HOUR + dt.timedelta(minutes=5))
    due = scrape(client)
    assert value(due, "signaalroute_timers_due") == 2
    assert value(due, "signaalroute_timers_due_oldest_seconds") == pytest.approx(300, abs=1)

    fired = orchestrator.fire_due_timers()
    assert len(fired) == 1
    clock.advance(dt.timedelta(minutes=1))
    orchestrator.fire_due_timers()  # the broken one again, after its back-off: still one incident
    after = scrape(client)
    assert value(after, "signaalroute_timers_due") == 0  # the broken one waits out its back-off
    assert value(after, "signaalroute_incidents_open") == 1
    assert value(after, "signaalroute_timers_fired_total") - value(before, "signaalroute_timers_fired_total") == 1
    lateness = value(after, "signaalroute_timer_lateness_seconds_sum") - value(before, "signaalroute_timer_lateness_seconds_sum")
    assert lateness == pytest.approx(300, abs=1)
    assert value(after, "signaalroute_timer_lateness_seconds_bucket", le="300.0") - value(
        before, "signaalroute_timer_lateness_seconds_bucket", le="300.0") == 1
    errors = value(after, "signaalroute_commands_total", kind="fire_timer", outcome="error") - value(
        before, "signaalroute_commands_total", kind="fire_timer", outcome="error")
    assert errors == 2


def test_without_a_token_only_this_machine_may_scrape(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 200
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403 and "METRICS_TOKEN" in proxied.get_json()["fout"]
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403


def test_with_a_token_the_token_is_needed(orchestrator, clock):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "t",
                      "METRICS_TOKEN": "geheim-scrape-token"})
    try:
        client = app.test_client()
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 401
        remote = {"REMOTE_ADDR": "203.0.113.9"}
        ok = client.get("/metrics", headers={"Authorization": "Bearer geheim-scrape-token"}, environ_base=remote)
        assert ok.status_code == 200
        assert any(f.name == "signaalroute_commands" for f in text_string_to_metric_families(ok.get_data(as_text=True)))
    finally:
        app.extensions["signaalroute"].db.dispose()


_COUNT = textwrap.dedent("""
    import sys
    from engine.ops import metrics
    for _ in range(int(sys.argv[1])):
        with metrics.counting("claim"):
            pass
    try:
        with metrics.counting("complete"):
            from engine.errors import Conflict
            raise Conflict("al gedaan")
    except Exception:
        pass
""")
_SCRAPE = textwrap.dedent("""
    import sys
    from web import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "SECRET_KEY": "t"})
    sys.stdout.write(app.test_client().get("/metrics").get_data(as_text=True))
""")


def test_several_processes_add_up_in_multiprocess_mode(tmp_path, _sqlite_template):
    """Two 'worker' processes count commands and exit; a third, the web process, reports their sum."""
    metrics_dir = tmp_path / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "PYTHONPATH": str(ROOT)}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", _COUNT, str(n)], env=env, cwd=ROOT, check=True, timeout=60)
    assert len(list(metrics_dir.glob("counter_*.db"))) == 2  # one file per process
    scraped = subprocess.run([sys.executable, "-c", _SCRAPE, f"sqlite:///{_sqlite_template}"], env=env, cwd=ROOT,
                             check=True, timeout=60, capture_output=True, text=True).stdout
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(scraped) for s in family.samples}
    assert value(samples, "signaalroute_commands_total", kind="claim", outcome="ok") == 7
    assert value(samples, "signaalroute_commands_total", kind="complete", outcome="conflict") == 2
    assert samples[("signaalroute_incidents_open", ())] == 0  # the database gauges are there as well
