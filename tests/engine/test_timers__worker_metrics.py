"""``signaalroute worker --metrics-port``: a worker-only machine can be scraped too (web/worker_metrics.py)."""
from __future__ import annotations

import datetime as dt
import socket
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.clock import UTC
from tests.engine.route_actions import start_worker, stop_worker
from tests.engine.test_timers__clock import DAY, timer_rows, wait_until


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_worker_serves_its_own_metrics_with_the_token(orchestrator, route, intake, clock, db_url):
    clock.set(dt.datetime.now(UTC) - 6 * DAY)  # the first deadline passed yesterday
    started = route.report(intake())
    port = _free_port()
    worker = start_worker(db_url, "--interval", "0.1", "--metrics-port", str(port), METRICS_TOKEN="geheim-token")
    try:
        assert wait_until(
            lambda: timer_rows(orchestrator, started.instance_id)["deadline_verrijken"].status == "afgevuurd", 30)
        url = f"http://127.0.0.1:{port}/metrics"
        status, body = _get(url, "geheim-token")
        assert status == 200, body
        samples = {s.name: s.value for family in text_string_to_metric_families(body) for s in family.samples}
        assert samples["signaalroute_timers_fired_total"] >= 1  # counted in this worker process
        assert "signaalroute_open_tasks" in samples  # the database gauges too
        assert _get(url)[0] == 401
        assert _get(url, "fout")[0] == 401
        assert _get(f"http://127.0.0.1:{port}/iets-anders", "geheim-token")[0] == 404
    finally:
        err = stop_worker(worker)
    assert worker.returncode == 0, err
    assert f"Metrics op http://127.0.0.1:{port}/metrics" in err
