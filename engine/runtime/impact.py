"""What a draft would have done to the signals the municipality had: replay history, compare, count.

Each recorded signal is replayed twice with the same answers and times (:mod:`engine.runtime.replay`):
through the version it ran on (from the parsed-spec cache) and through the draft. Comparing two replays,
not a replay with the stored outcome, means that what a replay cannot reproduce (a route moved by hand,
a handover) shows on both sides and cancels: an unchanged draft changes nothing.

The answer holds counts, step names, routes and table rows only — never a reference, a name, a
description, a location or an answer (the procesbeheerder sees no cases, engine.people.access) — and a
group of 1 to 4 signals is shown as ``"<5"`` (:func:`engine.queries.figures_care.small_cell`).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..definitions.validation import CompiledDefinition
from ..domain.labels import label
from ..queries.figures_care import small_cell
from ..queries.replay_history import RecordedSignal
from .intake import route_defaults
from .replay import Replayed, Step, Undecided, decisions, replay

CHUNK = 250  # signals per progress report
_log = logging.getLogger(__name__)


def element_name(compiled: CompiledDefinition, bpmn_id: str | None) -> str:
    """The name an element has in ``compiled`` (its id when it has none)."""
    if bpmn_id is None:
        return "?"
    if bpmn_id in compiled.tasks:
        return compiled.tasks[bpmn_id].naam
    for spec in (compiled.spec, *compiled.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) == bpmn_id:
                return task_spec.bpmn_name or bpmn_id
    return bpmn_id


def outcome_label(result: Replayed) -> str:
    """A replay's route or end, as the process owner reads it."""
    if result.route:
        return label("route", result.route)
    if result.uitkomst:
        return result.uitkomst
    return "nog zonder route"


def _field_label(compiled: CompiledDefinition, bpmn_id: str, key: str) -> str:
    meta = compiled.tasks.get(bpmn_id)
    form = compiled.forms.get(meta.formulier if meta else bpmn_id)
    found = next((f.label for f in form.fields if f.key == key), None) if form else None
    return f"'{found}' ({key})" if found and found != key else f"'{key}'"


def undecided_reason(compiled: CompiledDefinition, why: Undecided) -> str:
    """Why a replay cannot decide, in Dutch: the step or element and the field, never a value."""
    if why.soort == "veld":
        where = ("Het meldformulier" if why.element == compiled.start_form
                 else f"De stap '{element_name(compiled, why.element)}'")
        return f"{where} vraagt het verplichte veld {_field_label(compiled, why.element, why.veld)}, dat niet is vastgelegd"
    if why.soort == "gegevens":
        return (f"Bij '{element_name(compiled, why.element)}' leest een voorwaarde of beslissing '{why.veld}', "
                "waarvoor geen antwoord is vastgelegd")
    if why.soort == "onverwacht":
        return "Het naspelen liep vast op iets onverwachts (de beheerder vindt het in het logboek)"
    return f"Het proces kan niet verder bij '{element_name(compiled, why.element)}'"


def _literal(cell: str) -> str:
    """A table cell as the editor shows it: a quoted text without its quotes."""
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in cell[1:-1] else cell


def _difference(old: Replayed, new: Replayed, old_def: CompiledDefinition, draft: CompiledDefinition) -> str:
    """The step or table row that makes the difference, the first one on the path."""
    old_rules = {d.beslissing: d for d in decisions(old)}
    for decision in decisions(new):
        before = old_rules.get(decision.beslissing)
        if before is None or (before.regel, before.uitvoer) != (decision.regel, decision.uitvoer):
            uitvoer = ", ".join(f"{k} = {_literal(v)}" for k, v in decision.uitvoer)
            beschrijving = f": {decision.omschrijving}" if decision.omschrijving else ""
            return f"Beslistabel '{decision.beslissing}', regel {decision.regel}{beschrijving} (geeft {uitvoer})"
    for a, b in zip(old.path, new.path, strict=False):
        if a != b:
            return f"'{element_name(draft, b)}' in plaats van '{element_name(old_def, a)}'"
    common = min(len(old.path), len(new.path))
    if len(new.path) > common:
        return f"Nieuwe stap '{element_name(draft, new.path[common])}'"
    if len(old.path) > common:
        return f"Stap '{element_name(old_def, old.path[common])}' vervalt"
    return "Een andere afloop"


@dataclass
class ImpactTally:
    """The counts of one replay run, kept exact until :meth:`result` hides the small groups."""

    replayed: int = 0
    changed: int = 0
    undecided: int = 0
    groups: Counter = field(default_factory=Counter)  # (van, naar, verschil)
    reasons: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)  # step name → deadlines met before, missed now
    met: Counter = field(default_factory=Counter)  # step name → missed before, met now
    moved: Counter = field(default_factory=Counter)  # step name → deadlines that moved
    rerun: int = 0  # signals also replayed through their own version (the draft's replay differed)

    def add(self, steps: list[Step], old: Replayed, new: Replayed,
            old_def: CompiledDefinition, draft: CompiledDefinition, now: dt.datetime) -> None:
        self.replayed += 1
        if old.undecided is not None:
            self.undecided += 1
            self.reasons["De vastgelegde geschiedenis laat zich op de eigen versie niet naspelen, bij '"
                         f"{element_name(old_def, old.undecided.element)}'"] += 1
            return
        if new.undecided is not None:
            self.undecided += 1
            self.reasons[undecided_reason(draft, new.undecided)] += 1
            return
        if not _same(old, new):
            self.changed += 1
            self.groups[(outcome_label(old), outcome_label(new), _difference(old, new, old_def, draft))] += 1
        for index, new_due in new.due.items():
            old_due = old.due.get(index)
            if old_due is not None:
                self._deadline(steps[index].naam, steps[index].voltooid_op, old_due, new_due)
        old_open = dict(old.open_due)
        for bpmn_id, new_due in new.open_due:
            if bpmn_id in old_open:
                self._deadline(element_name(draft, bpmn_id), now, old_open[bpmn_id], new_due)

    def merge(self, other: ImpactTally) -> None:
        """Add another run's counts (a worker's chunk, engine.runtime.impact_pool)."""
        self.replayed += other.replayed
        self.changed += other.changed
        self.undecided += other.undecided
        self.rerun += other.rerun
        for mine, theirs in ((self.groups, other.groups), (self.reasons, other.reasons), (self.missed, other.missed),
                             (self.met, other.met), (self.moved, other.moved)):
            mine.update(theirs)

    def _deadline(self, stap: str, done: dt.datetime, old_due: dt.datetime, new_due: dt.datetime) -> None:
        if old_due == new_due:
            return
        self.moved[stap] += 1
        if done <= old_due and done > new_due:
            self.missed[stap] += 1
        elif done > old_due and done <= new_due:
            self.met[stap] += 1

    def ranked_groups(self) -> list[tuple[tuple[str, str, str], int]]:
        """``((old, new, difference), count)``, the largest first: the order of ``result()["groepen"]``."""
        return sorted(self.groups.items(), key=lambda item: (-item[1], item[0]))

    def ranked_reasons(self) -> list[tuple[str, int]]:
        """``(reason, count)``, the largest first: the order of ``result()["onbeslist_redenen"]``."""
        return sorted(self.reasons.items(), key=lambda item: (-item[1], item[0]))

    def result(self) -> dict:
        """The answer as the page, the JSON and the CLI give it: groups of 1 to 4 as ``"<5"``."""
        groups = self.ranked_groups()
        steps = sorted(set(self.moved), key=lambda s: (-self.moved[s], s))
        return {
            "nagespeeld": self.replayed,
            "gewijzigd": self.changed,
            "onbeslist": self.undecided,
            "ongewijzigd": self.replayed - self.changed - self.undecided,
            "groepen": [{"van": van, "naar": naar, "verschil": verschil, "aantal": small_cell(n)}
                        for (van, naar, verschil), n in groups],
            "termijnen": [{"stap": stap, "verschoven": small_cell(self.moved[stap]),
                           "nu_gemist": small_cell(self.missed[stap]), "nu_gehaald": small_cell(self.met[stap])}
                          for stap in steps],
            "onbeslist_redenen": [{"reden": reden, "aantal": small_cell(n)} for reden, n in self.ranked_reasons()],
        }


def recorded_steps(recorded: RecordedSignal) -> list[Step]:
    """A recorded signal's steps as the replay takes them."""
    return [Step(bpmn_id, naam, gegevens, when) for bpmn_id, naam, gegevens, when in recorded.steps]


def as_recorded(recorded: RecordedSignal) -> Replayed:
    """Where a signal stands by its projections, in the shape of a replay (its done tasks' deadlines by
    recorded step)."""
    return Replayed(path=[b for b, _ in recorded.done] + [b for b, _ in recorded.open], route=recorded.route,
                    uitkomst=recorded.uitkomst, status=recorded.status,
                    due={i: due for i, (_b, due) in enumerate(recorded.done) if due is not None},
                    open_due=[(b, due) for b, due in recorded.open if due is not None])


def _same(a: Replayed, b: Replayed) -> bool:
    return (a.path, a.route, a.uitkomst, a.status) == (b.path, b.route, b.uitkomst, b.status)


def replay_one(recorded: RecordedSignal, old_def: CompiledDefinition, draft: CompiledDefinition,
               now: dt.datetime, tally: ImpactTally) -> None:
    """Replay one signal through ``draft``; compare with where it stands, and only where that differs replay
    it through its own version too and compare with that (what a replay cannot reproduce cancels out)."""
    steps = recorded_steps(recorded)
    start = recorded.reported_at or recorded.ontvangen_op
    new = _safely(draft, recorded, start, steps, now, check_forms=True)
    old = as_recorded(recorded)
    if new.undecided is not None or not _same(new, old) or len(recorded.done) != len(steps):
        old = _safely(old_def, recorded, start, steps, now, check_forms=False)
        tally.rerun += 1
    tally.add(steps, old, new, old_def, draft, now)


def _safely(compiled: CompiledDefinition, recorded: RecordedSignal, start: dt.datetime, steps: list[Step],
            now: dt.datetime, *, check_forms: bool) -> Replayed:
    """:func:`replay`, where anything unforeseen makes this one signal undecided instead of ending the run
    (logged by signal id and type only: the message may quote its data)."""
    try:
        return replay(compiled, route_defaults(dict(recorded.report)), start, steps, now, check_forms=check_forms)
    except Exception as exc:  # noqa: BLE001 - one odd case file must not stop the replay of 10,000
        _log.warning("replay of signal %s failed unexpectedly: %s", recorded.signal_id, type(exc).__name__)
        return Replayed(undecided=Undecided("onverwacht", compiled.bpmn_proces_id))


def replay_all(history: list[RecordedSignal], version_of: Callable[[int], CompiledDefinition],
               draft: CompiledDefinition, now: dt.datetime, tally: ImpactTally | None = None) -> Iterator[int]:
    """Replay ``history`` into ``tally`` (:func:`replay_one`); yield how many signals are done after each
    :data:`CHUNK` (and at the end), for a progress bar.

    :param version_of: definition id → the compiled version (the parsed-spec cache).
    """
    tally = tally if tally is not None else ImpactTally()
    for done, recorded in enumerate(history, start=1):
        replay_one(recorded, version_of(recorded.definition_id), draft, now, tally)
        if done % CHUNK == 0 or done == len(history):
            yield done
