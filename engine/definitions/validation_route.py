"""Deploy-time checks of the route conventions (called once from :func:`engine.definitions.validation.compile_package`).

* A referral task names a known kind of chain partner: ``ketenpartner`` is a key of
  :data:`engine.domain.partner_kinds.SOORTEN` (``nla``, ``avim``, ``zorgcoordinator``, ``zvh``,
  ``veilig_thuis``, ``riec``, ``handhaving``), on a user task.
* (An end event's ``terugkoppeling`` is checked where it is read: ``engine.definitions.validation._end_feedback``.)
* No silent end: every end event of the executable process is reached only after a task with an
  owner (a user task: every one has a role) decided, or carries an explicit recorded outcome —
  ``terugkoppeling`` ``afgesloten`` or ``ketenpartner``, or an ``uitkomst`` property. "The
  municipality picks it up" (``terugkoppeling`` ``gemeente``) is not an outcome on its own: someone
  must be holding it, so such an end needs a deciding task before it (issue #16, §4: 'Gemeentelijke
  opvolging'). Walking back from the end through gateways, scripts and other events, every path
  must meet a user task (or a boundary event on one: the task stays open with its owner) before it
  meets the start.
* The intake's decision table ``proceskeuze`` (:mod:`engine.runtime.route_choice`) has the output
  ``proces``, only process keys as outputs, and a last rule that catches every report, so
  the intake never meets a report it cannot route.
"""
from __future__ import annotations

import re

from lxml import etree

from ..domain.partner_kinds import SOORTEN
from ..errors import Problem
from .validation_xml import BPMN_NS, SPIFF_NS

DECISION_ID, OUTPUT = "proceskeuze", "proces"  # the intake's decision table and its output (engine.runtime.route_choice)
_PROCESS_KEY = re.compile(r'"[a-z0-9][a-z0-9-]{0,99}"')


def _property(node, name: str) -> tuple[str | None, int | None]:
    for prop in node.iterfind(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property"):
        if prop.get("name") == name:
            return prop.get("value"), prop.sourceline
    return None, None


def _check_bpmn(name: str, root, problems: list[Problem]) -> None:
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        soort, line = _property(node, "ketenpartner")
        if soort is not None:
            if etree.QName(node).localname not in ("userTask", "manualTask"):
                problems.append(Problem("de eigenschap 'ketenpartner' hoort op een gebruikerstaak (een doorverwijzing)",
                                        name, line, node.get("id")))
            elif soort not in SOORTEN:
                problems.append(Problem(f"onbekende ketenpartner '{soort}' (bekend: {', '.join(SOORTEN)})",
                                        name, line, node.get("id")))


def _text(node) -> str:
    found = node.find("{*}text")
    return (found.text or "").strip() if found is not None else ""


def _check_proceskeuze(name: str, root, problems: list[Problem]) -> None:
    for decision in root.iter("{*}decision"):
        if decision.get("id") != DECISION_ID:
            continue
        table = decision.find("{*}decisionTable")
        if table is None:
            problems.append(Problem("de proceskeuze moet een beslistabel zijn", name, decision.sourceline, DECISION_ID))
            return
        outputs = table.findall("{*}output")
        if [o.get("name") for o in outputs] != [OUTPUT]:
            problems.append(Problem(f"de proceskeuze heeft precies één uitvoer '{OUTPUT}' (de sleutel van een proces)",
                                    name, table.sourceline, DECISION_ID))
            return
        rules = table.findall("{*}rule")
        for rule in rules:
            for entry in rule.findall("{*}outputEntry"):
                if not _PROCESS_KEY.fullmatch(_text(entry)):
                    problems.append(Problem('een uitvoer van de proceskeuze is de sleutel van een proces tussen '
                                            'aanhalingstekens, bv. "signaal-naar-casus"', name, entry.sourceline,
                                            entry.get("id")))
        if not rules or any(_text(entry) for entry in rules[-1].findall("{*}inputEntry")):
            problems.append(Problem("de laatste regel van de proceskeuze moet elk signaal opvangen (alle invoercellen leeg)",
                                    name, table.sourceline, DECISION_ID))


_OWNED = ("userTask", "manualTask")
_RECORDED = ("afgesloten", "ketenpartner")  # terugkoppeling values that are an outcome by themselves


def _silent_path(end, by_id: dict, incoming: dict) -> bool:
    """Whether some path from a start reaches ``end`` without passing a task with an owner."""
    seen, todo = set(), [end.get("id")]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = by_id.get(node_id)
        if node is None:
            continue
        kind = etree.QName(node).localname
        if kind in _OWNED and node_id != end.get("id"):
            continue
        if kind == "boundaryEvent":
            host = by_id.get(node.get("attachedToRef"))
            if host is not None and etree.QName(host).localname in _OWNED:
                continue
            todo.append(node.get("attachedToRef"))
            continue
        sources = incoming.get(node_id, [])
        if kind == "startEvent" or (not sources and node_id != end.get("id")):
            return True
        todo.extend(sources)
    return False


def _check_silent_ends(name: str, root, problems: list[Problem]) -> None:
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        if process.get("isExecutable") != "true":
            continue
        by_id = {node.get("id"): node for node in process.iter(f"{{{BPMN_NS}}}*") if node.get("id")}
        incoming: dict[str, list[str]] = {}
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            incoming.setdefault(flow.get("targetRef"), []).append(flow.get("sourceRef"))
        for end in process.iter(f"{{{BPMN_NS}}}endEvent"):
            told, _line = _property(end, "terugkoppeling")
            uitkomst, _line = _property(end, "uitkomst")
            if told in _RECORDED or (uitkomst or "").strip():
                continue
            if _silent_path(end, by_id, incoming):
                label = end.get("name") or end.get("id")
                what = ("de gemeente pakt het op, maar niemand heeft het signaal" if told == "gemeente"
                        else "niemand heeft besloten en er is geen uitkomst vastgelegd")
                problems.append(Problem(
                    f"stil einde: eindgebeurtenis '{label}' wordt bereikt zonder dat een taak met een eigenaar heeft "
                    f"besloten ({what}). Zet er een gebruikerstaak voor (bv. 'Gemeentelijke opvolging') of leg de "
                    "uitkomst vast met de eigenschap 'terugkoppeling' (afgesloten of ketenpartner)",
                    name, end.sourceline, end.get("id")))


def check_route_conventions(bpmn_name: str, bpmn_root, dmn_roots: dict, problems: list[Problem]) -> None:
    """Add a :class:`~engine.errors.Problem` for every broken route convention (see the module docstring)."""
    _check_bpmn(bpmn_name, bpmn_root, problems)
    _check_silent_ends(bpmn_name, bpmn_root, problems)
    for dmn_name, root in dmn_roots.items():
        _check_proceskeuze(dmn_name, root, problems)
