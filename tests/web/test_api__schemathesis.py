"""Schemathesis against the API's own OpenAPI document, with a valid token: every answer, for
valid and invalid input, is one the document promises.

Each response is checked: no 5xx, its status code is documented for the operation, its
content type is the documented one, and its body validates against the documented schema.
Deterministic (``derandomize``) and bounded (``MAX_EXAMPLES`` per operation and mode) so it
stays a regular test, on SQLite and on PostgreSQL. A summary per operation (examples, status
codes) is written to ``tests/output/schemathesis.txt``.
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode

from engine.people.users import add_user, create_token
from web.api.openapi import openapi_document

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SUMMARY = Path(__file__).resolve().parents[2] / "tests" / "output" / "schemathesis.txt"
_seen: dict[str, Counter] = defaultdict(Counter)


@pytest.fixture
def api_app(app, orchestrator, clock):
    """The app with one user who may do nearly everything in Nijmegen, and a few signals to find."""
    with orchestrator.db.write() as conn:
        user_id = add_user(conn, "fuzzer", now=clock.now(), gemeente_naam="Nijmegen",
                           roles=["melder", "analist", "aandachtsfunctionaris", "procesbeheerder", "manager"])
        token = create_token(conn, user_id, now=clock.now(), tweede_factor=True)  # as after a two-factor sign-in
    actor = orchestrator.actor(user_id)
    for folder in sorted(p for p in (Path(__file__).resolve().parents[2] / "processes").iterdir() if p.is_dir()):
        if folder.name != "signaal-naar-casus":  # every route the intake can choose, as `init` deploys them
            orchestrator.deploy_folder(folder)
    for i in range(3):
        orchestrator.report_signal(actor, {"gemeente": "Nijmegen", "omschrijving": f"Signaal {i}",
                                           "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"})
    app.config["FUZZ_TOKEN"] = token
    return app


def test_every_answer_is_one_the_document_promises(api_app, db_url):
    """Every operation of the document, valid and invalid generated cases, with a valid token."""
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    headers = {"Authorization": f"Bearer {api_app.config['FUZZ_TOKEN']}"}
    failures = []
    for result, mode in itertools.product(loaded.get_all_operations(), GenerationMode):
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def call(case):
            response = case.call(headers=headers)
            _seen[f"{case.method} {case.path} ({mode})"][response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)  # says what, with a curl to reproduce

        try:
            call()
        except Unsatisfiable:
            continue  # no invalid input can be written for this operation (say, no parameters at all)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - collect every operation's failures
            failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert len({op.split(' (')[0] for op in _seen}) >= 12


def test_openapi_document_is_valid_openapi():
    loaded = schemathesis.openapi.from_dict(openapi_document())
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 10


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if not _seen:
        return
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{op:45} {sum(c.values()):4} calls  " + "  ".join(f"{s}×{n}" for s, n in sorted(c.items()))
             for op, c in sorted(_seen.items())]
    SUMMARY.write_text("\n".join(lines) + "\n", encoding="utf-8")
