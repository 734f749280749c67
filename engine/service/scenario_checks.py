"""Scenarios on deploy: replay a package's saved try-outs and hold a deploy whose scenarios now end
differently until the owner confirms it with a comment (recorded in the audit log).

Used by the owners' draft deploy, the folder deploy (``signaalroute deploy PATH``) and the
try-out desk (:mod:`engine.service.tryouts`), which also share the compiled-draft cache here.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict

from sqlalchemy import Connection

from ..definitions import definitions, drafts
from ..definitions.definitions import DefinitionCache, Deployment
from ..definitions.forms import Form
from ..definitions.package import FORM_SUFFIX, FORMS_DIR, ProcessPackage
from ..definitions.validation import CompiledDefinition, compile_package
from ..errors import DeployRejected, ScenariosChanged
from ..runtime import scenarios
from ..runtime.intake import INTAKE_PROCESS, intake_form


class _DraftCache:
    """Compiled drafts by the checksum of their files: a try-out replays on every click, the draft
    changes only when it is saved. Bounded; a package is immutable, so an entry never goes stale."""

    SIZE = 16

    def __init__(self):
        self._compiled: OrderedDict[str, CompiledDefinition] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, package: ProcessPackage) -> CompiledDefinition:
        key = package.checksum
        with self._lock:
            if key in self._compiled:
                self._compiled.move_to_end(key)
                return self._compiled[key]
        compiled = compile_package(package)  # DeployRejected for an invalid draft
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > self.SIZE:
                self._compiled.popitem(last=False)
        return compiled


DRAFTS = _DraftCache()


def report_form(conn: Connection, cache: DefinitionCache, compiled: CompiledDefinition) -> Form | None:
    """The form a try-out's report is checked against: the draft's start form, else the shared one."""
    if compiled.start_form:
        return compiled.forms.get(compiled.start_form)
    if compiled.sleutel == INTAKE_PROCESS or definitions.latest_version(conn, INTAKE_PROCESS) is None:
        return None
    return intake_form(conn, cache, compiled)


def report_schema(conn: Connection, cache: DefinitionCache, compiled: CompiledDefinition,
                  files: dict[str, bytes]) -> dict | None:
    """The form-js schema of the report form (:func:`report_form`), for the browser to show."""
    if compiled.start_form:
        name = f"{FORMS_DIR}/{compiled.start_form}{FORM_SUFFIX}"
        return json.loads(files[name]) if name in files else None
    latest = definitions.latest_version(conn, INTAKE_PROCESS)
    if compiled.sleutel == INTAKE_PROCESS or latest is None:
        return None
    name = f"{FORMS_DIR}/{cache.get(conn, latest.id).start_form}{FORM_SUFFIX}"
    shared = definitions.load_package(conn, latest.id).files
    return json.loads(shared[name]) if name in shared else None


def check_package(conn: Connection, cache: DefinitionCache, package: ProcessPackage) -> list[scenarios.Outcome]:
    """Replay the package's scenarios against it; empty without scenarios.

    Raises :class:`DeployRejected` when a scenario or example file cannot be read, or the package
    does not compile.
    """
    found = scenarios.problems(package.files)
    if found:
        raise DeployRejected(found)
    if not scenarios.scenario_files(package.files):
        return []
    compiled = DRAFTS.get(package)
    return scenarios.run_all(compiled, package.files, report_form(conn, cache, compiled))


def deploy_checked(conn: Connection, cache: DefinitionCache, sleutel: str, *, opmerking, bevestigd: bool,
                   user_id: int | None, now: dt.datetime) -> Deployment:
    """Deploy the draft of ``sleutel`` after replaying its scenarios.

    When a scenario now ends differently and ``bevestigd`` is false: :class:`ScenariosChanged`
    and nothing is written. Confirmed, the deployed scenarios expect their new ending and the
    confirmation, with the comment, goes into the audit log.
    """
    opmerking = drafts.require_comment(opmerking)
    draft = drafts.load_draft(conn, sleutel)
    problems = drafts.problems_of(sleutel, draft.files)
    if problems:
        raise DeployRejected(problems)
    results = check_package(conn, cache, ProcessPackage(draft.files))
    changed = [r for r in results if not r.gelijk]
    if changed and not bevestigd:
        raise ScenariosChanged([r.as_dict() for r in results])
    deployment = drafts.deploy_draft(conn, cache, sleutel, opmerking=opmerking, user_id=user_id, now=now,
                                     replace=scenarios.with_new_endings(draft.files, results))
    if changed:
        drafts.audit(conn, now, "scenario_uitkomst_bevestigd", user_id, proces=sleutel, versie=deployment.versie,
                     opmerking=opmerking, scenarios=[r.naam for r in changed],
                     verschillen=[line for r in changed for line in r.verschillen][:20])
    return deployment


def deploy_package_checked(conn: Connection, cache: DefinitionCache, package: ProcessPackage, *,
                           opmerking: str | None, bevestigd: bool, user_id: int | None,
                           now: dt.datetime) -> Deployment:
    """Deploy a package (a process folder) after replaying its scenarios, as :func:`deploy_checked`;
    the files are deployed as they are (the folder is the source: update its scenarios there)."""
    results = check_package(conn, cache, package)
    changed = [r for r in results if not r.gelijk]
    if changed:
        if not bevestigd:
            raise ScenariosChanged([r.as_dict() for r in results])
        opmerking = drafts.require_comment(opmerking)
    deployment = definitions.deploy(conn, cache, package, user_id=user_id, now=now, opmerking=opmerking)
    if changed and deployment.nieuw:
        drafts.audit(conn, now, "scenario_uitkomst_bevestigd", user_id, proces=deployment.sleutel,
                     versie=deployment.versie, opmerking=opmerking, scenarios=[r.naam for r in changed],
                     verschillen=[line for r in changed for line in r.verschillen][:20])
    return deployment


