"""The key that signs sessions: ``serve`` refuses to start without a long one of its own, ``run``
makes a private one under ``instance/``, and a cookie signed with the old built-in value signs
nobody in."""
from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner
from flask import Flask

import web
from tests.web.pages_actions import Browser
from web import create_app
from web.cli import main
from web.secret_key import KEY_FILE, MIN_LENGTH, SecretKeyError

OLD_DEVELOPMENT_KEY = "dev-only-change-me"
GOOD_KEY = "k" * 20 + "-een-lange-willekeurige-sleutel"


@pytest.fixture
def instance(tmp_path, monkeypatch, orchestrator):
    """An empty instance folder, the test database, and no SECRET_KEY in the environment."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(web, "INSTANCE_PATH", str(folder))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))
    return folder


@pytest.fixture
def gunicorn_started(monkeypatch):
    """Stop ``serve`` where gunicorn would take over; the apps its web processes would load."""
    from gunicorn.app.base import BaseApplication

    loaded = []

    def run(self):
        loaded.append(self.load())

    monkeypatch.setattr(BaseApplication, "run", run)
    yield loaded
    for app in loaded:
        web.orchestrator(app).db.dispose()


@pytest.fixture
def waitress_started(monkeypatch):
    """Stop ``run`` where waitress would serve; the apps it would have served."""
    import waitress

    served = []
    monkeypatch.setattr(waitress, "serve", lambda app, **_: served.append(app))
    return served


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("key", "reason"), [
    (None, "SECRET_KEY ontbreekt"),
    ("", "SECRET_KEY ontbreekt"),
    (OLD_DEVELOPMENT_KEY, "de bekende ontwikkelwaarde"),
    ("kort-maar-geheim", "te kort"),
])
def test_serve_refuses_to_start_without_a_long_key_of_its_own(instance, gunicorn_started, monkeypatch, key, reason):
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)

    result = invoke("serve")

    assert result.exit_code == 2
    assert reason in result.stderr
    assert "SECRET_KEY" in result.stderr and "instance/config.py" in result.stderr  # how to set one
    assert gunicorn_started == []  # no web process was started
    assert not (instance / KEY_FILE).exists()


def test_serve_starts_with_a_key_from_the_environment_or_the_instance_config(instance, gunicorn_started, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    assert invoke("serve").exit_code == 0
    monkeypatch.delenv("SECRET_KEY")
    instance.mkdir()
    (instance / "config.py").write_text(f'SECRET_KEY = "{GOOD_KEY}-uit-het-bestand"\n')
    assert invoke("serve").exit_code == 0

    assert [app.secret_key for app in gunicorn_started] == [GOOD_KEY, f"{GOOD_KEY}-uit-het-bestand"]


def test_a_web_process_does_not_start_on_a_made_up_key_either(instance):
    """What gunicorn loads in each web process (``create_app()``) fails closed on its own."""
    with pytest.raises(SecretKeyError, match="SECRET_KEY ontbreekt"):
        create_app()


def test_run_makes_a_private_key_once_and_keeps_it(instance, waitress_started):
    assert invoke("run", "--no-clock").exit_code == 0
    key_file = instance / KEY_FILE
    first = key_file.read_text().strip()
    assert invoke("run", "--no-clock").exit_code == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= MIN_LENGTH and first != OLD_DEVELOPMENT_KEY
    assert [app.secret_key for app in waitress_started] == [first, first]  # reused: sessions outlive a restart
    for app in waitress_started:
        web.orchestrator(app).db.dispose()


def test_run_uses_a_configured_key_but_never_the_old_development_value(instance, waitress_started, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "mijn-eigen-ontwikkelsleutel")
    assert invoke("run", "--no-clock").exit_code == 0
    assert waitress_started[0].secret_key == "mijn-eigen-ontwikkelsleutel"
    assert not (instance / KEY_FILE).exists()
    web.orchestrator(waitress_started[0]).db.dispose()

    monkeypatch.setenv("SECRET_KEY", OLD_DEVELOPMENT_KEY)
    result = invoke("run", "--no-clock")
    assert result.exit_code == 2 and "de bekende ontwikkelwaarde" in result.stderr


def test_commands_that_sign_nothing_need_no_key(instance):
    assert invoke("user", "add", "iemand", "--role", "analist", "--gemeente", "Lisse").exit_code == 0
    assert not (instance / KEY_FILE).exists()


def _resigned(cookie: str, app: Flask, key: str) -> str:
    """The session in ``cookie`` (signed by ``app``), signed again with ``key``."""
    payload = app.session_interface.get_signing_serializer(app).loads(cookie)
    signer = Flask("vervalser")
    signer.secret_key = key
    return app.session_interface.get_signing_serializer(signer).dumps(payload)


def test_a_session_signed_with_the_old_development_key_signs_nobody_in(instance, waitress_started, page_users):
    """Before, every server without SECRET_KEY signed with the public value: anyone could be anyone."""
    invoke("run", "--no-clock")
    app = waitress_started[0]
    real = app.test_client()
    assert Browser(real).login("analist").status_code == 302
    cookie = real.get_cookie("session").value
    try:
        forged, genuine = app.test_client(), app.test_client()
        forged.set_cookie("session", _resigned(cookie, app, OLD_DEVELOPMENT_KEY))
        genuine.set_cookie("session", _resigned(cookie, app, app.secret_key))

        assert genuine.get("/werkvoorraad").status_code == 200  # the re-signing itself is sound
        refused = forged.get("/werkvoorraad")
        assert refused.status_code == 302 and refused.headers["Location"].startswith("/aanmelden")
    finally:
        web.orchestrator(app).db.dispose()
