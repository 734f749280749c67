"""The process library page, and the round trip: every file of every version downloads exactly as deployed."""
from __future__ import annotations

import pytest

from tests.web.modeler_actions import DEFAULT_PROCESS, default_files, session_for

BASE = "/processen/signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")


def _download_all(owner, versie: int) -> dict[str, bytes]:
    [version] = [v for v in owner.get(f"{BASE}/versies").get_json() if v["versie"] == versie]
    answers = {name: owner.get(f"{BASE}/versies/{versie}/bestanden/{name}?download=1") for name in version["bestanden"]}
    assert all(a.status_code == 200 for a in answers.values())
    return {name: a.data for name, a in answers.items()}


def test_the_default_process_downloads_byte_for_byte_as_deployed_from_processes(owner):
    on_disk = {p.relative_to(DEFAULT_PROCESS).as_posix(): p.read_bytes()
               for p in DEFAULT_PROCESS.rglob("*") if p.is_file() and p.suffix in (".bpmn", ".dmn", ".json")}

    assert _download_all(owner, 1) == on_disk


def test_a_draft_saved_through_the_api_downloads_byte_for_byte_after_deploy(owner):
    files = default_files()
    files[BPMN] = files[BPMN].replace('name="Signaal verrijken"', 'name="Signaal verrijken – ëxtra"')
    files["formulieren/terugkoppeling.form.json"] = files["formulieren/terugkoppeling.form.json"].replace(
        '"components"', '"id": "terugkoppeling-v2", "components"', 1)
    owner.put(f"{BASE}/concept", {"bestanden": files})
    assert owner.post(f"{BASE}/concept/deploy", {"opmerking": "Naam en formulier-id"}).status_code == 201

    downloaded = _download_all(owner, 2)

    assert downloaded == {name: text.encode("utf-8") for name, text in files.items()}
    assert _download_all(owner, 1)[BPMN] == (DEFAULT_PROCESS / BPMN).read_bytes()  # the old version is untouched


def test_an_iso_8859_1_file_survives_the_editor_round_trip(owner):
    """A file from elsewhere declares its own encoding: the editor's text goes back in that encoding."""
    raw = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/'
           'BPMN/20100524/MODEL" id="d" targetNamespace="x"><bpmn:process id="p" name="Crèche-aanvraag" '
           'isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>\n').encode("iso-8859-1")
    sleutel = owner.upload("/processen/importeren", "creche.bpmn", raw).get_json()["sleutel"]
    draft = owner.get(f"/processen/{sleutel}/concept").get_json()

    assert "Crèche-aanvraag" in draft["bestanden"][f"{sleutel}.bpmn"]
    owner.put(f"/processen/{sleutel}/concept", {"bestanden": draft["bestanden"]})
    assert owner.post(f"/processen/{sleutel}/concept/deploy", {"opmerking": "import"}).status_code == 201
    assert owner.get(f"/processen/{sleutel}/versies/1/bestanden/{sleutel}.bpmn").data == raw


def test_the_library_shows_versions_drafts_and_running_instances(owner, orchestrator, users, intake):
    orchestrator.report_signal(users.melder, intake())
    files = default_files()
    files[BPMN] = files[BPMN].replace('name="Signaal verrijken"', 'name="Signaal verrijken (v2)"')
    owner.put(f"{BASE}/concept", {"bestanden": files})
    owner.post(f"{BASE}/concept/deploy", {"opmerking": "Stap hernoemd voor de regio"})
    owner.put(f"{BASE}/concept", {"bestanden": default_files()})

    html = owner.page("/processen").get_data(as_text=True)

    assert owner.page("/processen").status_code == 200
    assert "Van signaal naar casus (stroomschema)" in html and "Stap hernoemd voor de regio" in html
    assert "Concept" in html and "Test procesbeheerder" in html
    assert f"{BASE}/bewerken" in html and f"{BASE}/vergelijken?van=1&amp;naar=2" in html
    assert f"{BASE}/migratie?van=1&amp;naar=2" in html  # version 1 has a running instance
    assert f"{BASE}/versies/1/bestanden/{BPMN}?download=1" in html
    assert intake()["omschrijving"] not in html


def test_the_navigation_shows_processen_only_to_who_may_change_them(app, orchestrator, clock, owner):
    admin = session_for(app, orchestrator, clock, "beheerder")
    analist = session_for(app, orchestrator, clock, "analist")

    def shows(session) -> bool:
        return 'href="/processen"' in session.page("/mijn-meldingen").get_data(as_text=True)

    assert (shows(owner), shows(admin), shows(analist)) == (True, True, False)


def test_an_empty_library_says_how_to_begin(db_url, clock):
    from engine.service.orchestrator import Orchestrator
    from engine.store.db import Database, make_engine
    from web import create_app

    orch = Orchestrator(Database(make_engine(db_url)), clock)  # nothing deployed
    try:
        empty_app = create_app({"TESTING": True, "DATABASE_URL": db_url, "CLOCK": clock, "SECRET_KEY": "t"})
        session = session_for(empty_app, orch, clock, "procesbeheerder", "pb-leeg")
        html = session.page("/processen").get_data(as_text=True)
        empty_app.extensions["signaalroute"].db.dispose()
    finally:
        orch.db.dispose()
    assert "Er zijn nog geen processen" in html
