"""The sandbox-escape corpus (``tests/data/sandbox-escapes/escapes.json``) and every place a process owner writes
an expression, to put each payload there.

A payload is armed with a canary path: if it ever ran, it would create that path (``mkdir``, ``open``; for
``breakpoint`` the tests point ``PYTHONBREAKPOINT`` at ``os.mkdir``), or, for the read-only tricks
(``kanarie == "lek"``), its result would hold the ``lek`` text.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

CORPUS_FILE = Path(__file__).resolve().parent / "data" / "sandbox-escapes" / "escapes.json"
PAYLOADS: list[dict] = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))["payloads"]
DEFAULT_PROCESS = Path(__file__).resolve().parents[1] / "processes" / "signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"
ROUTERING = "routering.dmn"
PROCESKEUZE = "proceskeuze.dmn"
MELDEN_FORM = "formulieren/signaal-melden.form.json"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def armed(entry: dict, canary: Path) -> str:
    """The payload text with the canary path filled in."""
    return entry["payload"].replace("{CANARY}", str(canary))


@dataclass(frozen=True)
class Position:
    """One place an expression (or a value the engine reads) is written.

    ``target`` is an XPath to the node that holds the text (or that gets the new child); ``how`` says
    what is written there; ``line_at`` whether the reported line is the text's node or the element's.
    """

    file: str
    target: str
    element: str  # XPath (from the target) to the element the problem must name
    how: str = "text"  # text | rename:<tag> | value | child:<spiff tag> | loop:<bpmn tag> | form:<property>
    line_at: str = "target"  # target | element


_TIMER = "//bpmn:boundaryEvent[@id='deadline_verrijken']/bpmn:timerEventDefinition/*"
_ENTRY = "//*[@id='{id}']/*[local-name()='text']"

POSITIONS: dict[str, Position] = {
    "voorwaarde": Position(BPMN, "(//bpmn:sequenceFlow[bpmn:conditionExpression])[1]/bpmn:conditionExpression", ".."),
    "timeDuration": Position(BPMN, _TIMER, "../.."),
    "timeDate": Position(BPMN, _TIMER, "../..", "rename:timeDate"),
    "timeCycle": Position(BPMN, _TIMER, "../..", "rename:timeCycle"),
    "script": Position(BPMN, "//bpmn:scriptTask[@id='script_politie_112']/bpmn:script", ".."),
    "preScript": Position(BPMN, "//bpmn:userTask[@id='task_verrijken']/bpmn:extensionElements", "../..",
                          "child:preScript"),
    "postScript": Position(BPMN, "//bpmn:userTask[@id='task_verrijken']/bpmn:extensionElements", "../..",
                           "child:postScript"),
    "loopCardinality": Position(BPMN, "//bpmn:scriptTask[@id='script_politie_112']/bpmn:script", "../..",
                                "loop:loopCardinality"),
    "completionCondition": Position(BPMN, "//bpmn:scriptTask[@id='script_politie_112']/bpmn:script", "../..",
                                    "loop:completionCondition"),
    "actie": Position(BPMN, "//bpmn:boundaryEvent[@id='deadline_verrijken']//spiffworkflow:property[@name='actie']",
                      "../../..", "value", "element"),
    "deadline": Position(BPMN, "(//bpmn:userTask//spiffworkflow:property[@name='deadline'])[1]", "../../..", "value",
                         "element"),
    "dmn-inputExpression": Position(ROUTERING, "(//*[local-name()='inputExpression'])[1]/*[local-name()='text']", ".."),
    "dmn-inputEntry": Position(ROUTERING, _ENTRY.format(id="rule_riec_ondermijnend"), ".."),
    "dmn-outputEntry": Position(ROUTERING, _ENTRY.format(id="rule_riec_route"), ".."),
    "proceskeuze-inputEntry": Position(PROCESKEUZE, _ENTRY.format(id="rule_meldcode_meldcode_professional"), ".."),
    "proceskeuze-outputEntry": Position(PROCESKEUZE, _ENTRY.format(id="rule_meldcode_proces"), ".."),
    "formulier-hide": Position(MELDEN_FORM, "", "", "form:conditional.hide"),
    "formulier-label": Position(MELDEN_FORM, "", "", "form:label"),
    "formulier-sjabloon": Position(MELDEN_FORM, "", "", "form:description"),
}


def default_files() -> dict[str, bytes]:
    return {p.relative_to(DEFAULT_PROCESS).as_posix(): p.read_bytes()
            for p in sorted(DEFAULT_PROCESS.rglob("*")) if p.is_file()}


def _place_form(raw: bytes, prop: str, text: str) -> tuple[bytes, int, str]:
    schema = json.loads(raw)
    component = next(c for c in schema["components"] if "conditional" in c)
    if prop == "conditional.hide":
        component["conditional"]["hide"] = "=" + text
    elif prop == "label":
        component["label"] = "=" + text
    else:
        component[prop] = "{{" + text + "}}"
    dumped = json.dumps(schema, indent=2, ensure_ascii=False)
    line = dumped[: dumped.index(f'"id": "{component["id"]}"')].count("\n") + 1
    return dumped.encode(), line, component["id"]


def place(files: dict[str, bytes], position: Position, text: str) -> tuple[dict[str, bytes], int, str]:
    """``files`` with ``text`` written at ``position``; and the line and element a problem there must name."""
    files = dict(files)
    if position.how.startswith("form:"):
        files[position.file], line, element = _place_form(files[position.file], position.how[5:], text)
        return files, line, element
    root = copy.deepcopy(_parsed(files[position.file]))
    node = root.xpath(position.target, namespaces=NS)[0]
    kind, _, tag = position.how.partition(":")
    if kind == "text":
        node.text = text
    elif kind == "rename":
        node.tag = f"{{{NS['bpmn']}}}{tag}"
        node.text = text
    elif kind == "value":
        node.set("value", text)
    elif kind == "child":
        node = etree.SubElement(node, f"{{{NS['spiffworkflow']}}}{tag}")
        node.text = text
    elif kind == "loop":  # a multi-instance loop on the script task, before its script
        loop = etree.Element(f"{{{NS['bpmn']}}}multiInstanceLoopCharacteristics")
        node.addprevious(loop)
        node = etree.SubElement(loop, f"{{{NS['bpmn']}}}{tag}")
        node.text = text
    path = root.getroottree().getelementpath(node)
    raw = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    files[position.file] = raw
    reread = etree.fromstring(raw).getroottree().find(path)
    element = reread.xpath(position.element)[0]
    return files, (reread if position.line_at == "target" else element).sourceline, element.get("id")


_PARSED: dict[bytes, etree._Element] = {}


def _parsed(raw: bytes):
    if raw not in _PARSED:
        _PARSED[raw] = etree.fromstring(raw)
    return _PARSED[raw]
