"""'Wat verandert er?' in the browser's terms: the page (without JavaScript, ``?direct=1``) and the streamed
JSON lines the page's island reads (web/modeler/impact.py)."""
from __future__ import annotations

import json

import pytest

from tests.engine.replay_actions import SECRETS, walk_history, zorg_to_zvh
from tests.engine.route_actions import RouteActions
from tests.web.modeler_actions import default_files, session_for

BASE = "/processen/signaal-naar-casus"
ROUTING = "routering.dmn"


@pytest.fixture
def owner(app, orchestrator, users, intake, clock):
    walk_history(RouteActions(orchestrator, users), intake, clock)
    return session_for(app, orchestrator, clock, "procesbeheerder")


def _save_zorg_to_zvh(owner) -> None:
    files = default_files()
    files[ROUTING] = zorg_to_zvh(files[ROUTING])
    assert owner.put(f"{BASE}/concept", {"bestanden": files}).status_code == 200


def _stream(owner, query: str = "") -> list[dict]:
    response = owner.post(f"{BASE}/concept/naspelen{query}")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_the_stream_reports_progress_then_the_groups(owner):
    _save_zorg_to_zvh(owner)
    lines = _stream(owner)
    assert lines[0] == {"klaar": 0, "totaal": 12} and lines[-2] == {"klaar": 12, "totaal": 12}
    result = lines[-1]["resultaat"]
    assert (result["nagespeeld"], result["gewijzigd"], result["onbeslist"]) == (12, 6, 0)
    assert "6</strong> Zorgtraject → Zorg- en strafrechtelijk traject" in lines[-1]["html"]


def test_the_page_without_javascript_shows_the_counts_in_dutch(owner):
    _save_zorg_to_zvh(owner)
    page = owner.page(f"{BASE}/wat-verandert-er?direct=1").get_data(as_text=True)
    assert "Wat verandert er?" in page and 'data-telling="gewijzigd">6<' in page
    assert "Zorgtraject → Zorg- en strafrechtelijk traject" in page and "Beslistabel &#39;Routering&#39;, regel 4" in page
    skeleton = owner.page(f"{BASE}/wat-verandert-er").get_data(as_text=True)
    assert 'class="sr-naspelen"' in skeleton and f"{BASE}/concept/naspelen" in skeleton


def test_no_personal_data_in_the_page_or_the_json(owner):
    _save_zorg_to_zvh(owner)
    answers = [owner.page(f"{BASE}/wat-verandert-er?direct=1").get_data(as_text=True),
               owner.post(f"{BASE}/concept/naspelen").get_data(as_text=True)]
    for answer in answers:
        for secret in SECRETS:
            assert secret not in answer and json.dumps(secret)[1:-1] not in answer
        assert "MH-" not in answer  # not even references: a process owner sees no cases


def test_an_invalid_draft_or_date_is_a_clear_error(owner):
    files = default_files()
    files["signaal-naar-casus.bpmn"] = files["signaal-naar-casus.bpmn"].replace(
        'value="signaal-verrijken"', 'value="bestaat-niet"')
    owner.put(f"{BASE}/concept", {"bestanden": files})
    refused = owner.post(f"{BASE}/concept/naspelen")
    assert refused.status_code == 422 and refused.get_json()["problemen"][0]["element"] == "task_verrijken"
    owner.delete(f"{BASE}/concept")
    bad_date = owner.post(f"{BASE}/concept/naspelen?sinds=gisteren")
    assert bad_date.status_code == 400 and "sinds" in bad_date.get_json()["velden"]


def test_without_a_draft_the_latest_version_changes_nothing(owner):
    result = _stream(owner, "?sinds=2026-01-01")[-1]["resultaat"]
    assert (result["nagespeeld"], result["gewijzigd"], result["onbeslist"]) == (12, 0, 0)
