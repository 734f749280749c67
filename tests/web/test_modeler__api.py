"""The modeller's JSON: load, save, validate, deploy and discard a draft; list versions; download files."""
from __future__ import annotations

import pytest

from tests.web.modeler_actions import DEFAULT_PROCESS, default_files, session_for

BPMN = "signaal-naar-casus.bpmn"
BASE = "/processen/signaal-naar-casus"


@pytest.fixture
def owner(app, orchestrator, clock):
    return session_for(app, orchestrator, clock, "procesbeheerder")


def _renamed(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    changed = dict(files)
    changed[BPMN] = changed[BPMN].replace(old, new)
    return changed


def test_without_a_draft_the_editor_gets_the_latest_version(owner):
    response = owner.get(f"{BASE}/concept")

    assert response.status_code == 200
    body = response.get_json()
    assert body["concept"] is False and body["basis_versie"] == 1 and body["bijgewerkt_op"] is None
    assert body["sleutel"] == "signaal-naar-casus" and body["naam"].startswith("Van signaal naar casus")
    assert body["bestanden"] == default_files()


def test_an_unknown_process_is_404(owner):
    for response in (owner.get("/processen/bestaat-niet/concept"), owner.get("/processen/bestaat-niet/versies"),
                     owner.put("/processen/bestaat-niet/concept", {"bestanden": default_files()})):
        assert response.status_code == 404 and "fout" in response.get_json()


def test_a_saved_draft_comes_back_as_saved_with_who_and_when(owner):
    files = _renamed(default_files(), 'name="Signaal verrijken"', 'name="Signaal verrijken en duiden"')

    saved = owner.put(f"{BASE}/concept", {"bestanden": files})

    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"bijgewerkt_op": "2026-01-05T09:00:00Z", "problemen": []}
    body = owner.get(f"{BASE}/concept").get_json()
    assert body["concept"] is True and body["basis_versie"] == 1
    assert body["bijgewerkt_door"] == "Test procesbeheerder" and body["bijgewerkt_op"] == "2026-01-05T09:00:00Z"
    assert body["bestanden"] == files


def test_an_invalid_draft_is_saved_and_its_problems_name_file_line_and_element(owner):
    files = _renamed(default_files(), 'value="signaal-verrijken"', 'value="bestaat-niet"')

    saved = owner.put(f"{BASE}/concept", {"bestanden": files})
    checked = owner.post(f"{BASE}/concept/valideer")

    assert saved.status_code == 200
    task_line = next(n for n, line in enumerate(files[BPMN].splitlines(), 1) if 'id="task_verrijken"' in line)
    expected = [{"bericht": "formulier 'bestaat-niet' bestaat niet in formulieren/", "bestand": BPMN,
                 "regel": task_line, "element": "task_verrijken"}]
    assert saved.get_json()["problemen"] == expected
    assert checked.status_code == 200 and checked.get_json() == {"geldig": False, "problemen": expected, "scenarios": []}
    assert owner.get(f"{BASE}/concept").get_json()["bestanden"] == files


def test_a_valid_draft_validates(owner):
    owner.put(f"{BASE}/concept", {"bestanden": default_files()})

    assert owner.post(f"{BASE}/concept/valideer").get_json() == {"geldig": True, "problemen": [], "scenarios": []}


def test_a_draft_must_keep_the_process_key(owner):
    files = default_files()
    files["proces.json"] = files["proces.json"].replace('"sleutel": "signaal-naar-casus"', '"sleutel": "ander-proces"')

    problems = owner.put(f"{BASE}/concept", {"bestanden": files}).get_json()["problemen"]

    assert [(p["bestand"], "ander-proces" in p["bericht"]) for p in problems] == [("proces.json", True)]


@pytest.mark.parametrize("name", ["../proces.json", "/etc/passwd.bpmn", "script.py", "formulieren/x.json",
                                  "a/b/c.bpmn", "formulieren/../proces.json", "x\\y.bpmn", "", "notes.txt"])
def test_file_names_outside_a_process_are_refused(owner, name):
    files = default_files()
    files[name] = "<x/>"

    response = owner.put(f"{BASE}/concept", {"bestanden": files})

    assert response.status_code == 400 and "bestanden" in response.get_json()["velden"]
    assert owner.get(f"{BASE}/concept").get_json()["concept"] is False


def test_a_file_over_the_size_limit_is_refused(owner):
    files = default_files()
    files["groot.bpmn"] = "x" * (2 * 1024 * 1024 + 1)

    response = owner.put(f"{BASE}/concept", {"bestanden": files})

    assert response.status_code in (400, 413)


def test_a_body_that_is_not_an_object_is_400(owner):
    for body in (None, [], {"bestanden": []}, {"bestanden": {"proces.json": 3}}):
        assert owner.put(f"{BASE}/concept", body).status_code == 400


def test_deploy_needs_a_comment(owner):
    owner.put(f"{BASE}/concept", {"bestanden": default_files()})

    for body in ({}, {"opmerking": "  "}, {"opmerking": 7}):
        response = owner.post(f"{BASE}/concept/deploy", body)
        assert response.status_code == 400 and "opmerking" in response.get_json()["velden"]


def test_an_invalid_draft_is_not_deployed(owner, orchestrator):
    owner.put(f"{BASE}/concept", {"bestanden": _renamed(default_files(), 'value="signaal-verrijken"', 'value="x"')})

    response = owner.post(f"{BASE}/concept/deploy", {"opmerking": "probeer"})

    assert response.status_code == 422
    assert response.get_json()["problemen"][0]["element"] == "task_verrijken"
    assert [v["versie"] for v in owner.get(f"{BASE}/versies").get_json()] == [1]
    assert owner.get(f"{BASE}/concept").get_json()["concept"] is True


def test_deploying_makes_a_version_with_the_comment_and_removes_the_draft(owner, orchestrator):
    files = _renamed(default_files(), 'name="Signaal verrijken"', 'name="Signaal verrijken en duiden"')
    owner.put(f"{BASE}/concept", {"bestanden": files})

    response = owner.post(f"{BASE}/concept/deploy", {"opmerking": "Stap hernoemd"})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["versie"], body["sleutel"]) == (2, "signaal-naar-casus") and isinstance(body["definition_id"], int)
    versions = owner.get(f"{BASE}/versies").get_json()
    assert [(v["versie"], v["opmerking"], v["gedeployed_door"]) for v in versions] == [
        (2, "Stap hernoemd", "Test procesbeheerder"), (1, None, None)]
    assert versions[0]["bestanden"] == sorted(files) and versions[0]["lopende_instanties"] == 0
    after = owner.get(f"{BASE}/concept").get_json()
    assert after["concept"] is False and after["basis_versie"] == 2 and after["bestanden"] == files
    actions = _audit_actions(orchestrator)
    assert actions[-2:] == ["concept_opgeslagen", "proces_gedeployed"]


def test_deploy_without_a_draft_is_404(owner):
    assert owner.post(f"{BASE}/concept/deploy", {"opmerking": "niets"}).status_code == 404
    assert owner.post(f"{BASE}/concept/valideer").status_code == 404


def test_discarding_the_draft_leaves_the_versions(owner):
    owner.put(f"{BASE}/concept", {"bestanden": default_files()})

    response = owner.delete(f"{BASE}/concept")

    assert response.status_code == 204
    assert owner.get(f"{BASE}/concept").get_json()["concept"] is False
    assert owner.delete(f"{BASE}/concept").status_code == 204  # idempotent


def test_a_version_file_is_served_as_stored(owner):
    response = owner.get(f"{BASE}/versies/1/bestanden/{BPMN}")
    form = owner.get(f"{BASE}/versies/1/bestanden/formulieren/signaal-melden.form.json?download=1")

    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == (DEFAULT_PROCESS / BPMN).read_bytes()
    assert "Content-Disposition" not in response.headers
    assert form.mimetype == "application/json"
    assert form.data == (DEFAULT_PROCESS / "formulieren" / "signaal-melden.form.json").read_bytes()
    assert form.headers["Content-Disposition"].startswith("attachment")
    assert owner.get(f"{BASE}/versies/9/bestanden/{BPMN}").status_code == 404
    assert owner.get(f"{BASE}/versies/1/bestanden/geen.bpmn").status_code == 404


def test_a_versions_decision_tables_and_forms_come_in_one_answer(owner):
    response = owner.get(f"{BASE}/versies/1/bijlagen")

    assert response.status_code == 200
    found = response.get_json()
    expected = {p.relative_to(DEFAULT_PROCESS).as_posix(): p.read_text(encoding="utf-8")
                for p in DEFAULT_PROCESS.rglob("*") if p.name.endswith((".dmn", ".form.json"))}
    assert found == expected and "routering.dmn" in found  # no BPMN, no proces.json
    assert owner.get(f"{BASE}/versies/9/bijlagen").status_code == 404


def test_writes_need_the_csrf_token(owner):
    response = owner.client.put(f"{BASE}/concept", json={"bestanden": default_files()},
                                headers={"Accept": "application/json"})

    assert response.status_code == 400
    assert owner.get(f"{BASE}/concept").get_json()["concept"] is False


def test_a_beheerder_may_save_and_deploy(app, orchestrator, clock):
    admin = session_for(app, orchestrator, clock, "beheerder")
    admin.put(f"{BASE}/concept", {"bestanden": _renamed(default_files(), 'name="Signaal verrijken"', 'name="X"')})

    assert admin.post(f"{BASE}/concept/deploy", {"opmerking": "door beheer"}).status_code == 201


@pytest.mark.parametrize("rol", ["melder", "analist", "aandachtsfunctionaris", "manager", "zorgcoordinator", "riec"])
def test_other_roles_may_do_none_of_it(app, orchestrator, clock, rol):
    other = session_for(app, orchestrator, clock, rol)
    calls = [
        other.get(f"{BASE}/concept"), other.put(f"{BASE}/concept", {"bestanden": default_files()}),
        other.post(f"{BASE}/concept/valideer"), other.post(f"{BASE}/concept/deploy", {"opmerking": "x"}),
        other.delete(f"{BASE}/concept"), other.get(f"{BASE}/versies"),
        other.get(f"{BASE}/versies/1/bestanden/{BPMN}"),
    ]

    assert [r.status_code for r in calls] == [403] * len(calls)
    assert all("procesbeheerder" in r.get_json()["fout"] for r in calls)
    assert other.page("/processen").status_code == 403


def test_a_visitor_is_sent_to_sign_in(app):
    client = app.test_client()

    assert client.get(f"{BASE}/concept", headers={"Accept": "application/json"}).status_code == 401
    assert client.get("/processen").status_code == 302


def _audit_actions(orchestrator) -> list[str]:
    from sqlalchemy import select

    from engine.store.schema import audit_event
    with orchestrator.db.read() as conn:
        return list(conn.execute(select(audit_event.c.actie).order_by(audit_event.c.volgnummer)).scalars())


def test_a_save_over_someone_elses_newer_draft_is_a_conflict(app, orchestrator, clock, owner):
    import datetime as dt

    other = session_for(app, orchestrator, clock, "beheerder")
    loaded = owner.get(f"{BASE}/concept").get_json()["bijgewerkt_op"]  # no draft yet: null
    first = other.put(f"{BASE}/concept", {"bestanden": default_files(), "bijgewerkt_op": None})
    clock.advance(dt.timedelta(minutes=3))

    late = owner.put(f"{BASE}/concept", {"bestanden": _renamed(default_files(), 'name="Signaal verrijken"', 'name="X"'),
                                         "bijgewerkt_op": loaded})
    fresh = owner.put(f"{BASE}/concept", {"bestanden": default_files(), "bijgewerkt_op": first.get_json()["bijgewerkt_op"]})

    assert first.status_code == 200 and late.status_code == 409
    assert "Test beheerder" in late.get_json()["fout"]
    assert fresh.status_code == 200 and fresh.get_json()["bijgewerkt_op"] == "2026-01-05T09:03:00Z"
    assert owner.put(f"{BASE}/concept", {"bestanden": default_files(), "bijgewerkt_op": 5}).status_code == 400
