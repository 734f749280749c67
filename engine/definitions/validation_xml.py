"""Reading a process's XML files safely, and checking them against the BPMN/DMN schemas.

Used by deploy validation (:mod:`engine.definitions.validation`) and the import of BPMN files made
in other tools (:mod:`engine.definitions.bpmn_import`). A DOCTYPE is refused before any parser sees
it, entities are never expanded, nothing is fetched from the network (no XXE).
"""
from __future__ import annotations

import codecs
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


# How an XML parser tells the encoding before it has read a declaration (XML 1.0, appendix F):
# a byte order mark, else the first four bytes of '<?xml' (or of any '<'), else ASCII-compatible.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_FIRST_BYTES = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<", "utf-16-be"),
                (b"<\x00", "utf-16-le"), (b"\x4c\x6f\xa7\x94", "cp037"))
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_PROLOG_LIMIT = 4 << 20  # no process file is larger (engine.definitions.drafts.MAX_FILE_BYTES)


class UnknownEncoding(ValueError):
    """The file declares an encoding this server cannot read, so it cannot be checked."""


def xml_encoding(raw: bytes) -> str:
    """The encoding to read a whole XML file in, chosen as a parser chooses it (XML 1.0 appendix F,
    then the declaration); UTF-8 when nothing says otherwise or the declared name is unknown.

    A UTF-16 or UTF-32 byte order mark gives the plain codec name, so decoding consumes the mark;
    without a mark the first bytes give the byte order (``utf-16-le`` …).
    """
    marked = next((enc for mark, enc in _BOMS if raw.startswith(mark)), None)
    if marked in _WIDE:
        return marked[:6]  # "utf-16" / "utf-32": the codec reads the mark
    first = next((enc for start, enc in _FIRST_BYTES if raw.startswith(start)), None)
    if first is not None:
        return first
    declared = _DECLARED.match(raw[:500].decode("latin-1").removeprefix("\xef\xbb\xbf"))
    if declared:
        try:
            return codecs.lookup(declared.group(1)).name
        except LookupError:
            pass
    return "utf-8"


def _decoded(raw: bytes, encoding: str) -> str:
    return raw[:_PROLOG_LIMIT].decode(encoding, errors="replace").removeprefix("\ufeff")


def prolog_texts(raw: bytes) -> list[str]:
    """The start of ``raw`` as text, in every encoding an XML parser could read it in.

    The encoding is detected as XML 1.0 appendix F says (byte order mark, first bytes, then the
    declaration's ``encoding``); where the first bytes hold a NUL, the other UTF-16 and UTF-32
    readings are added too, so no parser's guess is missed. Raises :class:`UnknownEncoding` when
    the declared encoding is one we cannot decode.
    """
    detected = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    detected = detected or next((enc for first, enc in _FIRST_BYTES if raw.startswith(first)), "utf-8")
    encodings = [detected]
    if b"\x00" in raw[:4]:
        encodings += [enc for enc in _WIDE if enc != detected]
    texts = []
    for encoding in encodings:
        text = _decoded(raw, encoding)
        texts.append(text)
        declared = _DECLARED.match(text[:500])
        if declared is None:
            continue
        try:
            name = codecs.lookup(declared.group(1)).name
        except LookupError:
            raise UnknownEncoding(declared.group(1)) from None
        if name not in (codecs.lookup(encoding).name, "utf-16", "utf-32"):
            texts.append(_decoded(raw, name))  # an ASCII-compatible start that declares another encoding
    return texts


def _doctype_in_text(text: str) -> bool:
    """Whether a DOCTYPE follows the XML declaration, comments and processing instructions (one linear scan)."""
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        for opening, closing in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opening, pos):
                end = text.find(closing, pos + len(opening))
                if end < 0:
                    return False
                pos = end + len(closing)
                break
        else:
            return text[pos:pos + 9].upper() == "<!DOCTYPE"


def doctype_in_prolog(raw: bytes) -> bool:
    """Whether ``raw``, read in any encoding a parser could read it in, has a DOCTYPE before its root."""
    return any(_doctype_in_text(text) for text in prolog_texts(raw))


def parse_xml(name: str, raw: bytes, problems: list[Problem]):
    try:
        doctype = doctype_in_prolog(raw)
    except UnknownEncoding as exc:
        problems.append(Problem(f"onbekende tekenset '{exc}' in de XML-declaratie (gebruik UTF-8)", name, 1))
        return None
    if doctype:
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
