"""Reading a process's XML files safely, and checking them against the BPMN/DMN schemas.

Used by deploy validation (:mod:`engine.definitions.validation`) and the import of BPMN files made
in other tools (:mod:`engine.definitions.bpmn_import`). A DOCTYPE is refused before any parser sees
it, entities are never expanded, nothing is fetched from the network (no XXE).
"""
from __future__ import annotations

import re

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from ..errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# No network, no entity expansion: a BPMN upload must not read files or URLs (XXE).
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
_DMN_VALIDATORS: dict[str, BpmnValidator] = {}


# Parts of a BPMN element that some tools give ids of their own: a problem in one is marked on the
# element it belongs to (the sequence flow, the timer event), which is what a diagram can show.
_PARTS = frozenset({"conditionExpression", "condition", "timeDuration", "timeDate", "timeCycle", "script",
                    "completionCondition", "loopCardinality", "extensionElements", "documentation"})


def _is_part(node) -> bool:
    qname = etree.QName(node)
    return qname.namespace == BPMN_NS and (qname.localname in _PARTS or qname.localname.endswith("EventDefinition"))


def element_id(node) -> str | None:
    """The id of the element ``node`` belongs to (itself, or its nearest ancestor with an id)."""
    while node is not None:
        if isinstance(node.tag, str) and node.get("id") and not _is_part(node):
            return node.get("id")
        node = node.getparent()
    return None


_DOCTYPE_PROBLEM = "een DOCTYPE (met entiteiten) is niet toegestaan in een proces"


def _doctype_in_prolog(raw: bytes) -> bool:
    """Whether a DOCTYPE follows the XML declaration, comments and processing instructions (one linear scan)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark
        raw = raw[:1 << 20].decode("utf-16", errors="replace").encode("utf-8")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while True:
        while pos < len(raw) and raw[pos] in b" \t\r\n":
            pos += 1
        for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if raw.startswith(opening, pos):
                end = raw.find(closing, pos + len(opening))
                if end < 0:
                    return False
                pos = end + len(closing)
                break
        else:
            return raw[pos:pos + 9].upper() == b"<!DOCTYPE"


def parse_xml(name: str, raw: bytes, problems: list[Problem]):
    if _doctype_in_prolog(raw):
        # Refused before the parser sees it: no entity is expanded or fetched, however small.
        problems.append(Problem(_DOCTYPE_PROBLEM, name, 1))
        return None
    try:
        root = etree.fromstring(raw, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(f"XML is niet goed gevormd: {exc.msg}", name, exc.lineno))
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # Entities can read local files or blow up in size; a BPMN or DMN file never needs them.
        problems.append(Problem(_DOCTYPE_PROBLEM, name, 1))
        return None
    return root


def schema_errors(name: str, root, validator: BpmnValidator, problems: list[Problem]) -> None:
    validator.preprocess(root)
    try:
        if validator.validator.validate(root):
            return
    except etree.XMLSchemaValidateError as exc:
        problems.append(Problem(f"schemacontrole mislukt: {exc}", name))
        return
    by_line = {el.sourceline: el for el in root.iter() if isinstance(el.tag, str)}
    for err in validator.validator.error_log:
        element = by_line.get(err.line)
        message = re.sub(r"\{[^}]*\}", "", err.message)
        problems.append(Problem(f"schemafout: {message}", name, err.line, element_id(element)))


def dmn_validator(namespace: str | None) -> BpmnValidator | None:
    if namespace not in DMN_SCHEMAS:
        return None
    if namespace not in _DMN_VALIDATORS:
        _DMN_VALIDATORS[namespace] = BpmnValidator(DMN_SCHEMAS[namespace])
    return _DMN_VALIDATORS[namespace]
