"""Scenarios: saved try-outs that guard a process against changes nobody meant.

A scenario is a file ``scenarios/<id>.json`` in the process package (so it travels with the
process: the editor's draft, ``signaalroute deploy PATH``, a municipality's own repository)::

    {"naam": "Zorg nodig: zorgtraject", "begin": "2026-12-01T09:00:00Z",
     "stappen": [ ...the try-out's actions (engine.runtime.sandbox_run)... ],
     "verwacht": {"status": "afgerond", "uitkomst": "Zorgtraject gestart", "route": "zorgtraject",
                  "open_taken": [], "pad": ["start_signaal", ...]}}

Validate and deploy replay every scenario against the new version (:func:`run_all`); one that
now ends elsewhere or goes another way is told in the owner's words (:attr:`Outcome.verschillen`).
Prepared example signals (``voorbeelden/<id>.json``: ``{"naam", "melding"}``) only start a try-out.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from ..clock import isoformat
from ..definitions.forms import Form
from ..definitions.package import EXAMPLES_DIR, SCENARIOS_DIR
from ..definitions.validation import CompiledDefinition
from ..domain.labels import ROUTES
from ..errors import FieldErrors, Problem
from .sandbox_run import Played, check_actions, play

SCENARIO_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")
STATUS_WORDS = {"lopend": "loopt nog", "afgerond": "is afgerond", "vastgelopen": "loopt vast",
                "niet_gestart": "start niet"}


@dataclass(frozen=True)
class Scenario:
    bestand: str
    naam: str
    begin: dt.datetime
    stappen: list
    verwacht: dict


@dataclass
class Outcome:
    """One scenario replayed: whether it ends as saved, and if not, how (Dutch sentences)."""

    bestand: str
    naam: str
    gelijk: bool
    verschillen: list[str] = field(default_factory=list)
    nu: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"bestand": self.bestand, "naam": self.naam, "gelijk": self.gelijk, "verschillen": self.verschillen,
                "nu": self.nu}


def file_name(scenario_id: str) -> str:
    """The package path of scenario ``scenario_id`` (lower case, digits and dashes)."""
    if not isinstance(scenario_id, str) or not SCENARIO_ID.fullmatch(scenario_id):
        raise FieldErrors({"id": "kleine letters, cijfers en streepjes, bv. zorg-nodig"})
    return f"{SCENARIOS_DIR}/{scenario_id}.json"


def ending(played: Played) -> dict:
    """What a scenario expects of a try-out: how it ends and which way it went."""
    return {"status": played.status, "uitkomst": played.uitkomst, "route": played.route,
            "open_taken": sorted(task["stap"] for task in played.open_taken), "pad": sorted(set(played.pad)),
            "fout": played.fout["bericht"] if played.fout else None}


def as_file(naam: str, begin: dt.datetime, stappen: list, played: Played) -> bytes:
    """A scenario file for a try-out and where it ended."""
    if not isinstance(naam, str) or not naam.strip():
        raise FieldErrors({"naam": "geef het scenario een naam, bv. 'Zorg nodig: zorgtraject'"})
    body = {"naam": naam.strip()[:200], "begin": isoformat(begin), "stappen": check_actions(stappen),
            "verwacht": ending(played)}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()


def parse(name: str, content: bytes) -> Scenario:
    """The scenario in ``content``; :class:`ValueError` with a Dutch reason when it is not one."""
    try:
        body = json.loads(content)
    except ValueError:
        raise ValueError("geen geldige JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("naam"), str) or not isinstance(body.get("verwacht"), dict):
        raise ValueError("een scenario heeft een naam, stappen en wat er verwacht wordt (verwacht)")
    try:
        begin = dt.datetime.fromisoformat(str(body.get("begin", "")).replace("Z", "+00:00"))
        check_actions(body.get("stappen"))
    except (ValueError, FieldErrors) as exc:
        raise ValueError(f"begin of stappen kloppen niet: {getattr(exc, 'fields', None) or exc}") from None
    if begin.tzinfo is None:
        raise ValueError("begin heeft een tijdzone nodig (bv. 2026-12-01T09:00:00Z)")
    return Scenario(name, body["naam"], begin, body["stappen"], body["verwacht"])


def scenario_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: content for name, content in sorted(files.items())
            if name.startswith(SCENARIOS_DIR + "/") and name.endswith(".json")}


def problems(files: dict[str, bytes]) -> list[Problem]:
    """Scenario and example files that cannot be read, as validation problems."""
    found = []
    for name, content in scenario_files(files).items():
        try:
            parse(name, content)
        except ValueError as exc:
            found.append(Problem(f"scenario: {exc}", name))
    for name, content in sorted(files.items()):
        if name.startswith(EXAMPLES_DIR + "/"):
            try:
                body = json.loads(content)
                ok = isinstance(body, dict) and isinstance(body.get("naam"), str) and isinstance(body.get("melding"), dict)
            except ValueError:
                ok = False
            if not ok:
                found.append(Problem("voorbeeldsignaal: verwacht {\"naam\": ..., \"melding\": {...}}", name))
    return found


def examples(files: dict[str, bytes]) -> list[dict]:
    """The prepared example signals and the saved scenarios' reports, to start a try-out with."""
    found = []
    for name, content in sorted(files.items()):
        if name.startswith(EXAMPLES_DIR + "/") and name.endswith(".json"):
            try:
                body = json.loads(content)
                found.append({"bestand": name, "naam": str(body["naam"]), "melding": dict(body["melding"])})
            except (ValueError, KeyError, TypeError):
                continue
    return found


def listed(files: dict[str, bytes]) -> list[dict]:
    """The saved scenarios as the editor lists them (name, file, actions, begin)."""
    found = []
    for name, content in scenario_files(files).items():
        try:
            scenario = parse(name, content)
        except ValueError:
            continue
        found.append({"bestand": name, "naam": scenario.naam, "begin": isoformat(scenario.begin),
                      "stappen": scenario.stappen, "verwacht": scenario.verwacht})
    return found


def run_all(compiled: CompiledDefinition, files: dict[str, bytes], report_form: Form | None) -> list[Outcome]:
    """Replay every readable scenario of ``files`` against ``compiled`` and compare its ending."""
    results = []
    for name, content in scenario_files(files).items():
        try:
            scenario = parse(name, content)
        except ValueError:
            continue  # validation reports it
        played = play(compiled, scenario.stappen, begin=scenario.begin, report_form=report_form)
        now = ending(played)
        verschillen = describe(compiled, scenario.verwacht, now, played)
        results.append(Outcome(name, scenario.naam, not verschillen, verschillen, now))
    return results


def with_new_endings(files: dict[str, bytes], results: list[Outcome]) -> dict[str, bytes]:
    """The scenario files of ``results`` that changed, with their new ending as the expected one."""
    updated = {}
    for result in results:
        if result.gelijk:
            continue
        body = json.loads(files[result.bestand])
        body["verwacht"] = result.nu
        updated[result.bestand] = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
    return updated


def _names(compiled: CompiledDefinition) -> dict[str, str]:
    names = {}
    for spec in compiled.spec.task_specs.values():
        if getattr(spec, "bpmn_id", None) and getattr(spec, "bpmn_name", None):
            names[spec.bpmn_id] = spec.bpmn_name
    return names


def _end(values: dict, names: dict[str, str]) -> str:
    status = values.get("status")
    text = STATUS_WORDS.get(status, str(status))
    if status == "afgerond" and values.get("uitkomst"):
        text = f"eindigt bij '{values['uitkomst']}'"
    route = values.get("route")
    if route:
        text += f" (route {ROUTES.get(route, route).lower()})"
    open_steps = values.get("open_taken") or []
    if status == "lopend" and open_steps:
        text += ", open: " + ", ".join(f"'{names.get(s, s)}'" for s in open_steps)
    if status == "vastgelopen" and values.get("fout"):
        text += f": {values['fout']}"
    return text


def describe(compiled: CompiledDefinition, expected: dict, now: dict, played: Played) -> list[str]:
    """How the replay differs from what the scenario expects, as sentences for the process owner."""
    names = _names(compiled)
    found = []
    keys = ("status", "uitkomst", "route", "open_taken")
    if any((expected.get(k) or None) != (now.get(k) or None) for k in keys) or \
            (now.get("status") == "vastgelopen" and expected.get("fout") != now.get("fout")):
        found.append(f"Het scenario {_end(expected, names)}; nu {_end(now, names)}.")
    if played.fout and now.get("status") != "vastgelopen":
        index = played.fout["actie"]
        found.append(f"Stap {index + 1} van het scenario kan niet meer: {played.fout['bericht']} "
                     f"{'; '.join(f'{k}: {v}' for k, v in (played.fout.get('velden') or {}).items())}".strip())
    was, is_ = set(expected.get("pad") or []), set(now.get("pad") or [])
    gone = [names[e] for e in sorted(was - is_) if e in names]
    new = [names[e] for e in sorted(is_ - was) if e in names]
    if gone:
        found.append("Niet meer langs: " + ", ".join(f"'{n}'" for n in gone) + ".")
    if new:
        found.append("Nu ook langs: " + ", ".join(f"'{n}'" for n in new) + ".")
    return found
