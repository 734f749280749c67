"""One settings module: the docs list exactly its settings, a wrong value stops the start naming the
variable, nothing else reads the environment, and the worker starts without the Flask app."""
from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

import web
from engine.people.sso import DEFAULT_MFA_AMR
from web import create_app
from web.cli import main
from web.settings import BY_NAME, SETTINGS, SettingError, from_environ

ROOT = Path(__file__).resolve().parents[2]


def _reference_table() -> dict[str, tuple[str, str, str]]:
    """The configuration reference in docs/operations.md: variable -> (type, default, source)."""
    text = (ROOT / "docs" / "operations.md").read_text()
    section = text[text.index("## Configuration"):text.index("\n## ", text.index("## Configuration") + 1)]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows[cells[0].strip("`")] = (cells[1], cells[2], cells[3])
    return rows


def _documented_type(setting) -> str:
    return setting.type if not setting.choices else r" \| ".join(f"`{c}`" for c in setting.choices)


def test_the_configuration_reference_lists_exactly_the_settings():
    documented = _reference_table()
    assert sorted(documented) == sorted(BY_NAME)
    for setting in SETTINGS:
        assert documented[setting.name] == (_documented_type(setting), setting.documented_default, setting.source), \
            setting.name


def test_defaults_without_an_environment():
    values = from_environ({})
    assert values["CLOCK_INTERVAL"] == 1.0 and values["LOG_FORMAT"] == "text" and values["SESSION_COOKIE_SECURE"] is False
    assert values["OIDC_MFA_AMR"] == ",".join(DEFAULT_MFA_AMR)  # the engine's default, written out once


@pytest.mark.parametrize(("variable", "value"), [
    ("CLOCK_INTERVAL", "snel"),
    ("TRUSTED_PROXIES", "twee"),
    ("MAIL_DIGEST_HOUR", "-1"),
    ("SESSION_COOKIE_SECURE", "misschien"),
    ("LOG_LEVEL", "luid"),
    ("LOG_FORMAT", "xml"),
])
def test_a_wrong_value_in_the_environment_stops_the_start_naming_it(variable, value, monkeypatch, orchestrator, clock):
    monkeypatch.setenv(variable, value)
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    with pytest.raises(SettingError, match=f"^{variable}: "):
        create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test"})


def test_a_wrong_value_in_a_file_or_test_config_is_named_too(orchestrator, clock):
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    with pytest.raises(SettingError, match="^SESSION_IDLE_MINUTES: "):
        create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test",
                    "SESSION_IDLE_MINUTES": "een half uur"})


def test_a_flag_reads_dutch_and_english():
    assert from_environ({"SESSION_COOKIE_SECURE": "ja"})["SESSION_COOKIE_SECURE"] is True
    assert from_environ({"SESSION_COOKIE_SECURE": "off"})["SESSION_COOKIE_SECURE"] is False


# Reads of the environment that are not settings: prometheus_client's own multiprocess folder (it reads
# the variable itself, so the engine must agree with it at import) and the debug reloader's markers.
_NOT_SETTINGS = {"engine/ops/metrics.py": ["PROMETHEUS_MULTIPROC_DIR"],
                 "engine/service/scheduler.py": ["FLASK_RUN_FROM_CLI", "WERKZEUG_RUN_MAIN"]}


def test_only_the_settings_module_reads_the_environment():
    reads = {}
    for path in [*ROOT.joinpath("web").rglob("*.py"), *ROOT.joinpath("engine").rglob("*.py")]:
        relative = path.relative_to(ROOT).as_posix()
        found = re.findall(r"os\.environ(?:\.get)?\(\s*\"(\w+)\"|os\.environ\[\"(\w+)\"\]|getenv\(\"(\w+)\"",
                           path.read_text())
        names = sorted({name for match in found for name in match if name})
        if names and relative != "web/settings.py":
            reads[relative] = names
    assert reads == _NOT_SETTINGS
    assert "PROMETHEUS_MULTIPROC_DIR" in BY_NAME  # documented all the same


def test_the_worker_starts_without_building_the_flask_app(orchestrator, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))

    def no_app(*args, **kwargs):
        raise AssertionError("the worker built the Flask app")

    def stop_at_once(signum, handler):  # as if SIGTERM came the moment the worker listens for it
        handler(signum, None)

    monkeypatch.setattr(web, "create_app", no_app)
    monkeypatch.setattr(signal, "signal", stop_at_once)
    result = CliRunner().invoke(main, ["worker", "--interval", "60"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Signaalroute-worker gestopt" in result.stderr
