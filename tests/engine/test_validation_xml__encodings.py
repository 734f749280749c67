"""A DOCTYPE is refused in whatever encoding the XML parser would read the file in (XML 1.0, appendix F).

Each file here is one lxml parses with its DOCTYPE (checked first, so the test shows the danger
is real): UTF-16 and UTF-32 with and without a byte order mark, a declared UTF-7 whose DOCTYPE is
spelled in UTF-7 escapes, and ISO-8859-1.
"""
from __future__ import annotations

import pytest
from lxml import etree

from engine.definitions import bpmn_import
from engine.definitions.validation_xml import _XML_PARSER, doctype_in_prolog, parse_xml
from engine.errors import DeployRejected

ENTITY_DOC = '<?xml version="1.0" encoding="{declared}"?>\n<!DOCTYPE a [<!ENTITY geheim "uitgelezen">]>\n<a>&geheim;</a>'

ENCODED = {
    "utf-16le-zonder-bom": ("UTF-16", "utf-16-le", b""),
    "utf-16be-zonder-bom": ("UTF-16", "utf-16-be", b""),
    "utf-16le-gedeclareerd-zonder-bom": ("UTF-16LE", "utf-16-le", b""),
    "utf-16be-gedeclareerd-zonder-bom": ("UTF-16BE", "utf-16-be", b""),
    "utf-16le-met-bom": ("UTF-16", "utf-16-le", b"\xff\xfe"),
    "utf-16be-met-bom": ("UTF-16", "utf-16-be", b"\xfe\xff"),
    "utf-32le-zonder-bom": ("UTF-32", "utf-32-le", b""),
    "utf-32be-zonder-bom": ("UTF-32", "utf-32-be", b""),
    "utf-32le-met-bom": ("UTF-32", "utf-32-le", b"\xff\xfe\x00\x00"),
    "utf-32be-met-bom": ("UTF-32", "utf-32-be", b"\x00\x00\xfe\xff"),
    "iso-8859-1": ("ISO-8859-1", "latin-1", b""),
    "utf-8-met-bom": ("UTF-8", "utf-8", b"\xef\xbb\xbf"),
}
FILES = {name: bom + ENTITY_DOC.format(declared=declared).encode(codec)
         for name, (declared, codec, bom) in ENCODED.items()}
FILES["utf-32le-zonder-declaratie"] = '<!DOCTYPE a [<!ENTITY geheim "uitgelezen">]><a>&geheim;</a>'.encode("utf-32-le")
FILES["utf-32be-zonder-declaratie"] = '<!DOCTYPE a [<!ENTITY geheim "uitgelezen">]><a>&geheim;</a>'.encode("utf-32-be")
FILES["utf-7-escapes"] = (b'<?xml version="1.0" encoding="UTF-7"?>\n'
                          b'+ADw-!DOCTYPE a +AFs-+ADw-!ENTITY geheim +ACI-uitgelezen+ACI-+AD4-+AF0-+AD4-\n<a>&geheim;</a>')


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_doctype_is_refused_in_every_encoding_the_parser_reads(name):
    raw = FILES[name]
    parsed = etree.fromstring(raw, _XML_PARSER)  # the danger is real: lxml reads this file's DOCTYPE
    assert parsed.getroottree().docinfo.internalDTD is not None

    problems = []
    root = parse_xml("proces.bpmn", raw, problems)

    assert doctype_in_prolog(raw), "refused before any parser reads it"
    assert root is None
    assert [(p.message, p.file, p.line) for p in problems] == [
        ("een DOCTYPE (met entiteiten) is niet toegestaan in een proces", "proces.bpmn", 1)]


@pytest.mark.parametrize("name", ["utf-16le-zonder-bom", "utf-16be-zonder-bom", "utf-32le-met-bom"])
def test_an_imported_file_in_utf16_or_utf32_with_a_doctype_is_refused(name):
    with pytest.raises(DeployRejected) as refused:
        bpmn_import.read("x.bpmn", FILES[name])

    assert "DOCTYPE" in refused.value.problems[0].message


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b""), ("utf-16-be", b""), ("utf-16-le", b"\xff\xfe"),
                                            ("utf-32-le", b""), ("utf-8", b"")])
def test_the_same_file_without_a_doctype_is_read(codec, bom):
    declared = "UTF-8" if codec == "utf-8" else codec.upper()[:6]
    raw = bom + f'<?xml version="1.0" encoding="{declared}"?>\n<a>geen geheim</a>'.encode(codec)
    problems = []

    root = parse_xml("proces.bpmn", raw, problems)

    assert problems == [] and root.text == "geen geheim"


def test_an_encoding_the_server_cannot_read_is_refused_not_guessed():
    problems = []

    assert parse_xml("proces.bpmn", b'<?xml version="1.0" encoding="klingon"?><a/>', problems) is None
    assert problems[0].message == "onbekende tekenset 'klingon' in de XML-declaratie (gebruik UTF-8)"
