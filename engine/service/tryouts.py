"""Trying a draft before it goes live (``Orchestrator.tryouts``).

Playing a draft reads the draft and writes nothing: the try-out runs in memory
(:mod:`engine.runtime.sandbox_run`), so no signal, task, timer, mail, figure or processing-log
entry comes of it. Saving a try-out as a scenario returns the scenario file; the editor adds it to
the draft and saves the draft as it saves every other file. Deploying replays the scenarios
(:mod:`engine.service.scenario_checks`). Only who may change processes may use any of it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from ..definitions import drafts
from ..definitions.definitions import DefinitionCache
from ..definitions.package import ProcessPackage
from ..definitions.validation import CompiledDefinition
from ..errors import DeployRejected, FieldErrors
from ..people.users import Actor
from ..runtime import sandbox_run, scenarios
from ..store.db import Database
from .owners import allow as _allow
from .scenario_checks import DRAFTS, check_package, report_form, report_schema


class TryoutsDesk:
    """Playing a draft, saving a try-out as a scenario, replaying the scenarios.

    :param db: the database (read only: a try-out writes nothing).
    :param clock: where a new try-out's start time comes from.
    :param cache: the compiled deployed versions (the shared report form).
    """

    def __init__(self, db: Database, clock, cache: DefinitionCache):
        self.db = db
        self.clock = clock
        self.cache = cache

    def _draft(self, conn: Connection, sleutel: str) -> tuple[dict[str, bytes], CompiledDefinition]:
        files = drafts.load(conn, sleutel).files  # the draft, or the latest version when there is none
        try:
            return files, DRAFTS.get(ProcessPackage(files))
        except DeployRejected as exc:
            raise FieldErrors({"concept": "het concept is niet geldig"},
                              "Het concept kan nog niet worden geprobeerd: los eerst de fouten op (kies Valideren). "
                              + "; ".join(str(p) for p in exc.problems[:3])) from None

    def begin(self, actor: Actor, sleutel: str) -> dict:
        """What a try-out starts from: the report form, the example signals and the saved scenarios."""
        _allow(actor)
        with self.db.read() as conn:
            files, compiled = self._draft(conn, sleutel)
            schema = report_schema(conn, self.cache, compiled, files)
        return {"startformulier": schema, "voorbeelden": scenarios.examples(files),
                "scenarios": scenarios.listed(files)}

    def play(self, actor: Actor, sleutel: str, stappen, begin: str | None = None) -> dict:
        """Replay the try-out's ``stappen`` against the draft of ``sleutel``; where it stands."""
        _allow(actor)
        start = self._begin(begin)
        with self.db.read() as conn:
            _files, compiled = self._draft(conn, sleutel)
            form = report_form(conn, self.cache, compiled)
        played = sandbox_run.play(compiled, stappen, begin=start, report_form=form)
        return {"begin": start.isoformat().replace("+00:00", "Z"), **played.as_dict()}

    def scenario_file(self, actor: Actor, sleutel: str, scenario_id: str, naam: str, stappen,
                      begin: str | None) -> dict:
        """The try-out as a scenario file (``bestand``, ``inhoud``), expecting where it ends now."""
        _allow(actor)
        name = scenarios.file_name(scenario_id)
        start = self._begin(begin)
        with self.db.read() as conn:
            _files, compiled = self._draft(conn, sleutel)
            form = report_form(conn, self.cache, compiled)
        played = sandbox_run.play(compiled, stappen, begin=start, report_form=form)
        if played.fout is not None and played.status != "vastgelopen":
            raise FieldErrors({"stappen": played.fout["bericht"]}, "Dit proberen loopt niet goed af; het is niet "
                              "als scenario bewaard.")
        content = scenarios.as_file(naam, start, stappen, played)
        return {"bestand": name, "inhoud": content.decode()}

    def scenario_results(self, actor: Actor, sleutel: str) -> list[dict]:
        """Every saved scenario replayed against the draft (empty when it does not compile)."""
        _allow(actor)
        with self.db.read() as conn:
            files = drafts.load(conn, sleutel).files
            try:
                return [r.as_dict() for r in check_package(conn, self.cache, ProcessPackage(files))]
            except DeployRejected:
                return []  # validation reports why

    def _begin(self, begin) -> dt.datetime:
        if begin in (None, ""):
            return self.clock.now().replace(microsecond=0)
        try:
            moment = dt.datetime.fromisoformat(str(begin).replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise FieldErrors({"begin": "het begin van het proberen als ISO-tijd met tijdzone"})
        return moment
