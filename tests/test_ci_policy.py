"""Under CI nothing skips: a missing service fails, and SIGNAALROUTE_SKIP_POSTGRES=1 is refused
(tests/ci_policy.py, scripts/ensure-postgres.sh). Locally a missing service skips with its reason."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.ci_policy import in_ci, skip_postgres, unavailable

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
HOOKS = "from tests.ci_policy import pytest_runtest_logreport, pytest_sessionfinish, pytest_sessionstart  # noqa: F401\n"
SUITE = """
import pytest

def test_runs():
    pass

def test_needs_a_server():
    pytest.skip("no server here")

@pytest.mark.xfail(reason="known")
def test_known_failure():
    assert False
"""


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("yes", True), ("", False),
                                                  ("false", False), ("0", False), ("No", False)])
def test_ci_is_any_value_but_empty_or_false(value, expected):
    assert in_ci({"CI": value}) is expected


def test_ci_unset_is_not_ci():
    assert in_ci({}) is False


def test_skipping_postgres_is_allowed_locally_and_refused_under_ci():
    assert skip_postgres({"SIGNAALROUTE_SKIP_POSTGRES": "1"}) is True
    assert skip_postgres({"CI": "true"}) is False
    with pytest.raises(pytest.UsageError, match="refused under CI"):
        skip_postgres({"SIGNAALROUTE_SKIP_POSTGRES": "1", "CI": "true"})


def test_a_missing_service_skips_locally_and_fails_under_ci():
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        unavailable("no chromium", {})
    with pytest.raises(pytest.fail.Exception, match="no chromium .*under CI"):
        unavailable("no chromium", {"CI": "true"})


def test_a_skip_fails_the_session_under_ci(pytester, monkeypatch):
    pytester.makeconftest(HOOKS)
    pytester.makepyfile(SUITE)
    monkeypatch.setenv("CI", "true")

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*1 test(s) skipped under CI*", "*test_needs_a_server: *no server here*"])


def test_a_skip_is_only_reported_locally(pytester, monkeypatch):
    pytester.makeconftest(HOOKS)
    pytester.makepyfile(SUITE)
    monkeypatch.delenv("CI", raising=False)

    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["SKIPPED *no server here*"])


def test_a_skip_on_an_xdist_worker_fails_the_session_under_ci(pytester, monkeypatch):
    pytester.makeconftest(HOOKS)
    pytester.makepyfile(SUITE)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "1")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*1 test(s) skipped under CI*"])


def _ensure_postgres(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "SIGNAALROUTE_SKIP_POSTGRES")} | env
    return subprocess.run(["bash", str(ROOT / "scripts" / "ensure-postgres.sh")], env=environ, capture_output=True,
                          text=True, timeout=60, check=False)


def test_the_setup_script_refuses_to_skip_postgres_under_ci():
    refused = _ensure_postgres(CI="true", SIGNAALROUTE_SKIP_POSTGRES="1")
    allowed = _ensure_postgres(SIGNAALROUTE_SKIP_POSTGRES="1")

    assert refused.returncode == 1 and "refused under CI" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_the_test_command_prints_the_skip_summary():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    assert any(line.strip().startswith("$(VENV)/bin/pytest") and " -rs" in line for line in makefile.splitlines())
