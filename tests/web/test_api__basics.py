"""Health, OpenAPI, authentication and JSON errors for unknown URLs."""
from __future__ import annotations


def test_health_needs_no_token(app):
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_openapi_describes_every_route(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<int:signal_id>", "{id}").replace("<int:task_id>", "{id}")
        .replace("<int:note_id>", "{aantekening_id}")
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
    }
    assert routes - {"/openapi.json"} == set(doc["paths"])


def test_missing_and_unknown_token(app, api):
    client = app.test_client()
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "fout" in response.get_json()
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer sr_onzin"}).status_code == 401
    assert client.get("/api/v1/tasks", headers={"Authorization": api["analist"].token}).status_code == 401


def test_unknown_api_url_is_json(api):
    response = api["analist"].get("/bestaat-niet")
    assert response.status_code == 404
    assert response.get_json() == {"fout": "Deze URL bestaat niet in de API."}
    response = api["analist"].client.delete("/api/v1/tasks", headers=api["analist"]._headers())
    assert response.status_code == 405


def test_home_page_sends_visitors_to_sign_in(app):
    response = app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/aanmelden")
