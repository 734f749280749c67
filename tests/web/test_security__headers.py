"""Security headers on every response, cookie flags, and templates that cannot run injected code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.pages_actions import Browser
from web import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.fixture
def signed_in(browser) -> Browser:
    browser.login("analist")
    return browser


@pytest.mark.parametrize("path", ["/aanmelden", "/werkvoorraad", "/signalen/999", "/bestaat-niet",
                                  "/static/dist/app.css", "/api/v1/health", "/api/v1/tasks"])
def test_every_response_carries_the_headers(signed_in, path):
    response = signed_in.client.get(path)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing there


def test_pages_and_api_answers_are_not_cached(signed_in):
    assert signed_in.client.get("/werkvoorraad").headers["Cache-Control"] == "no-store"
    assert signed_in.client.get("/api/v1/tasks").headers["Cache-Control"] == "no-store"
    static = signed_in.client.get("/static/dist/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_and_not_secure_over_plain_http(app, page_users):
    response = Browser(app.test_client()).login("analist")
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_over_tls_the_cookie_is_secure_and_hsts_is_sent(app, page_users):
    client = app.test_client()
    page = client.get("/aanmelden", base_url="https://signaalroute.example")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/aanmelden", base_url="https://signaalroute.example",
                           headers={"Referer": "https://signaalroute.example/aanmelden"}, data={
        "gebruikersnaam": "analist", "wachtwoord": "een-goed-wachtwoord", "csrf_token": token})
    assert response.status_code == 302
    assert "Secure" in _session_cookie(response)


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(orchestrator, clock, page_users):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    proxied = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test", "TRUSTED_PROXIES": 1})
    direct = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
    try:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.7"}
        assert "Strict-Transport-Security" in proxied.test_client().get("/aanmelden", headers=forwarded).headers
        # Without TRUSTED_PROXIES a client cannot claim TLS with a header.
        assert "Strict-Transport-Security" not in direct.test_client().get("/aanmelden", headers=forwarded).headers
    finally:
        proxied.extensions["signaalroute"].db.dispose()
        direct.extensions["signaalroute"].db.dispose()


def test_secure_cookie_can_be_forced_by_setting(orchestrator, clock, page_users, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})
    try:
        assert "Secure" in _session_cookie(Browser(app.test_client()).login("analist"))
    finally:
        app.extensions["signaalroute"].db.dispose()


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_templates_have_no_inline_code_and_never_switch_escaping_off(template):
    """CSP allows no inline script or style; autoescaping stays on (no |safe, no autoescape false)."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert "<style" not in source, "inline <style>"
    assert not re.search(r"\sstyle=", source), "style attribute"
    assert not re.search(r"\son[a-z]+=", source), "inline event handler"
    assert "javascript:" not in source
    assert not re.search(r"\|\s*safe\b", source), "|safe switches escaping off"
    assert "autoescape false" not in source and "Markup(" not in source


def test_autoescaping_is_on_for_html_templates(app):
    from flask import render_template

    with app.test_request_context("/"):
        app.preprocess_request()
        html = render_template("fout.html", titel="<script>alert(1)</script>", bericht='"><img src=x onerror=alert(1)>')
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
