"""What a missing test service means: a skip on a developer's machine, a failure in CI.

A PostgreSQL server, the PostgreSQL binaries for the fault tests, chromium or the MIWG
reference models that are not there make a test *skip* locally, with the reason in the
skip summary (``-rs``). Under ``CI`` (set by the CI runner; any value but empty, ``0``,
``false`` or ``no``) the same absence fails the run: a green CI run has run everything.
For the same reason ``SIGNAALROUTE_SKIP_POSTGRES=1`` is refused under ``CI``, here and in
``scripts/ensure-postgres.sh``.

:func:`pytest_sessionstart`, :func:`pytest_runtest_logreport` and :func:`pytest_sessionfinish` are hooks that
``tests/conftest.py`` takes over: under ``CI`` any skipped test fails the session, so a
skip added later cannot hide either.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NoReturn

import pytest

_FALSE = ("", "0", "false", "no")


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the tests run in CI (``CI`` set to anything but empty/0/false/no)."""
    return (environ if environ is not None else os.environ).get("CI", "").strip().lower() not in _FALSE


def skip_postgres(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``SIGNAALROUTE_SKIP_POSTGRES=1`` asks to skip the PostgreSQL tests.

    :raises pytest.UsageError: it is set under ``CI``, where every test must run.
    """
    environ = environ if environ is not None else os.environ
    if environ.get("SIGNAALROUTE_SKIP_POSTGRES") != "1":
        return False
    if in_ci(environ):
        raise pytest.UsageError("SIGNAALROUTE_SKIP_POSTGRES=1 is refused under CI: the PostgreSQL tests must run "
                                "there (start the server, scripts/ensure-postgres.sh).")
    return True


def unavailable(reason: str, environ: Mapping[str, str] | None = None) -> NoReturn:
    """A service a test needs is missing: skip with ``reason`` here, fail under ``CI``."""
    if in_ci(environ):
        pytest.fail(f"{reason} (a failure, not a skip, under CI)", pytrace=False)
    pytest.skip(reason)


# --- hooks: under CI any skip fails the session -------------------------------------------------

_skipped: list[str] = []


def pytest_sessionstart(session):
    _skipped.clear()


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"{len(_skipped)} test(s) skipped under CI, where nothing may skip:", red=True)
            for line in _skipped[:20]:
                reporter.write_line(f"  {line}")
