"""'Wat verandert er?': replay history against a draft before it is deployed (``Orchestrator.impact``).

A run reads the history in one read transaction, then replays it in memory (engine.runtime.impact)
outside any transaction: nothing is written, no mail is sent. Each run is a generator of progress
reports ``{"klaar": n, "totaal": N}`` ending with ``{"resultaat": {...}}``, so the browser can show
progress over one streamed response and a script can print the last one. Only who may change processes
may run it; its answer holds counts, steps and routes only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..audit.audit import AuditBatch
from ..clock import AMSTERDAM, isoformat
from ..definitions import drafts
from ..definitions.definitions import DefinitionCache, load_package
from ..definitions.package import ProcessPackage
from ..definitions.validation import compile_package
from ..errors import FieldErrors, Forbidden
from ..people.access import may_change_processes, refusal
from ..people.users import Actor
from ..queries import suppression
from ..queries.replay_history import MAX_SIGNALS, replay_history
from ..runtime import impact_pool
from ..runtime.impact import ImpactTally, replay_all
from ..store.db import Database

DEFAULT_SPAN = dt.timedelta(days=365)  # without --since: the last year
REFUSED = "Alleen een procesbeheerder of beheerder kan nagaan wat een concept verandert."


class ImpactDesk:
    """Replays of history against a draft or a process folder.

    :param db: the database.
    :param clock: where ``now`` comes from.
    :param cache: the compiled versions the signals ran on (the parsed-spec cache).
    """

    def __init__(self, db: Database, clock, cache: DefinitionCache):
        self.db = db
        self.clock = clock
        self.cache = cache

    def of_draft(self, actor: Actor, sleutel: str, since: dt.date | None = None) -> Iterator[dict]:
        """Replay the last year's signals of ``sleutel`` (or those since ``since``) against its draft
        (its latest version when it has none). Access, the draft's validity and the history are checked
        and read when called (a refusal or an invalid draft raises here); the replay runs as the returned
        generator is read. One event in the processing log says whose replay read how many case files."""
        if not may_change_processes(actor):
            raise Forbidden(refusal(actor, REFUSED))
        with self.db.read() as conn:
            found = drafts.load(conn, sleutel)
        package = ProcessPackage(found.files)
        return self._run(package, since, actor)

    def of_package(self, package: ProcessPackage, since: dt.date | None = None) -> Iterator[dict]:
        """The same for a process folder (``signaalroute impact PATH``): run with the database's own rights,
        like ``signaalroute deploy``. Raises :class:`~engine.errors.DeployRejected` for an invalid package."""
        return self._run(package, since)

    def _run(self, package: ProcessPackage, since: dt.date | None, actor: Actor | None = None) -> Iterator[dict]:
        draft = compile_package(package)
        now = self.clock.now()
        start = _start(since, now)
        with self.db.read() as conn:
            history = replay_history(conn, draft.sleutel, start, MAX_SIGNALS)
            ids = {r.definition_id for r in history}
            parallel = len(history) >= impact_pool.PARALLEL_FROM and impact_pool.workers() > 1
            versions = {d: self.cache.get(conn, d) for d in ids}
            files = {d: load_package(conn, d).files for d in ids} if parallel else {}
        with self.db.write() as conn:  # the case files were read (for counts only): the processing log says so
            log = AuditBatch(now, rol="procesbeheerder" if actor else None)
            log.add("historie_nagespeeld", actor.id if actor else None, proces=draft.sleutel, signalen=len(history))
            log.write(conn)
        return self._replay(draft, package, history, versions, files, start, now, parallel, owner=actor is not None)

    @staticmethod
    def _replay(draft, package, history, versions, files, start, now, parallel, *, owner: bool) -> Iterator[dict]:
        """:param owner: the answer is for a process owner's screen: its totals of 1 to 4 are ``"<5"`` too, as
            its groups are (a total next to its groups would give a hidden group away); the CLI, run with the
            database's own rights, gets exact totals for its RESULT line."""
        total = len(history)
        yield {"klaar": 0, "totaal": total}
        tally = ImpactTally()
        progress = (impact_pool.replay_in_workers(history, package.files, files, now, tally) if parallel
                    else replay_all(history, versions.__getitem__, draft, now, tally))
        for done in progress:
            yield {"klaar": done, "totaal": total}
        result = tally.result()
        if owner:
            _suppress_for_owner(tally, result)
        result.update({"sleutel": draft.sleutel, "naam": draft.naam, "sinds": isoformat(start),
                       "tot": isoformat(now), "hoogstens": MAX_SIGNALS})
        yield {"resultaat": result}


def _suppress_for_owner(tally: ImpactTally, result: dict) -> None:
    """The totals and groups of ``result`` as a process owner may see them (engine.queries.suppression):
    no count of 1 to 4, shown or derivable — the changed signals are the sum of their groups, the undecided
    the sum of their reasons, and the replayed the sum of changed, undecided and unchanged."""
    groups = [n for _key, n in tally.ranked_groups()]
    reasons = [n for _key, n in tally.ranked_reasons()]
    cells = {"nagespeeld": tally.replayed, "gewijzigd": tally.changed, "onbeslist": tally.undecided,
             "ongewijzigd": tally.replayed - tally.changed - tally.undecided,
             **{("groep", i): n for i, n in enumerate(groups)}, **{("reden", i): n for i, n in enumerate(reasons)}}
    equations = [("nagespeeld", ["gewijzigd", "onbeslist", "ongewijzigd"])]
    if groups:
        equations.append(("gewijzigd", [("groep", i) for i in range(len(groups))]))
    if reasons:
        equations.append(("onbeslist", [("reden", i) for i in range(len(reasons))]))
    marks = suppression.suppress(cells, equations, keep=frozenset({"nagespeeld"}))
    for key in ("nagespeeld", "gewijzigd", "onbeslist", "ongewijzigd"):
        result[key] = suppression.shown(cells[key], marks.get(key))
    for i, group in enumerate(result["groepen"]):
        group["aantal"] = suppression.shown(cells[("groep", i)], marks.get(("groep", i)))
    for i, reason in enumerate(result["onbeslist_redenen"]):
        reason["aantal"] = suppression.shown(cells[("reden", i)], marks.get(("reden", i)))


def _start(since: dt.date | None, now: dt.datetime) -> dt.datetime:
    if since is None:
        return now - DEFAULT_SPAN
    if not isinstance(since, dt.date):
        raise FieldErrors({"sinds": "geef een datum (dd-mm-jjjj)"})
    day = since.date() if isinstance(since, dt.datetime) else since
    start = dt.datetime.combine(day, dt.time(), AMSTERDAM).astimezone(dt.UTC)  # the start of that day here
    if start > now:
        raise FieldErrors({"sinds": "mag niet in de toekomst liggen"})
    return start
