"""Importing a lone ``.bpmn`` file made in another tool (Camunda, Signavio, bpmn.io, ...) as a draft.

A package is made around the file: a generated ``proces.json`` whose ``sleutel`` comes from
the process (its name, else its id, else the file name; slugified and made unique), the
executable process chosen (the first with ``isExecutable="true"``, else the first). What
our engine cannot run is then reported per element by the deploy validation, and the
draft is stored all the same, to be finished in the editor.

Only a file with nothing usable (empty, not XML, a DOCTYPE, not BPMN, no process) is
refused, with :class:`~engine.errors.DeployRejected`; nothing else is raised.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import Connection

from ..errors import DeployRejected, Problem
from . import drafts, library
from .package import META_FILE
from .validation_xml import BPMN_NS, parse_xml

MAX_KEY = 90  # room for a "-2" suffix within the 100 characters of a sleutel


@dataclass(frozen=True)
class Imported:
    """A draft made from an imported file, and what stands between it and a deploy."""

    sleutel: str
    naam: str
    problems: list[Problem]


def slug(text: str) -> str:
    """``text`` as a sleutel: lower-case ASCII letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return value[:MAX_KEY].strip("-")


def unique_key(conn: Connection, wish: str) -> str:
    """``wish``, or ``wish-2``, ``wish-3``, ... whichever is not a process or draft yet."""
    candidate, number = wish, 1
    while library.process_exists(conn, candidate):
        number += 1
        candidate = f"{wish}-{number}"
    return candidate


def _file_stem(filename: str | None) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def read(filename: str | None, raw: bytes) -> tuple[etree._Element, etree._Element, list[Problem]]:
    """The file's ``definitions`` root, the process to run and notes on the others; DeployRejected if unusable."""
    name = (filename or "upload.bpmn")[:200]
    if not raw or not raw.strip():
        raise DeployRejected([Problem("het bestand is leeg", name)])
    if len(raw) > drafts.MAX_FILE_BYTES:
        raise DeployRejected([Problem(f"het bestand is te groot (hoogstens {drafts.MAX_FILE_BYTES // (1024 * 1024)} MB)",
                                      name)])
    problems: list[Problem] = []
    root = parse_xml(name, raw, problems)
    if root is None:
        raise DeployRejected(problems)
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DeployRejected([Problem(
            f"geen BPMN 2.0-bestand: het begint met <{etree.QName(root).localname}> in namespace "
            f"'{etree.QName(root).namespace or 'geen'}' in plaats van <definitions> ({BPMN_NS})", name,
            root.sourceline)])
    processes = root.findall(f"{{{BPMN_NS}}}process")
    if not processes:
        raise DeployRejected([Problem("het bestand bevat geen proces (alleen een diagram of een choreografie?)", name,
                                      root.sourceline)])
    chosen = next((p for p in processes if p.get("isExecutable") == "true"), processes[0])
    notes = []
    for other in processes:
        if other is not chosen:
            notes.append(Problem(
                f"proces '{other.get('name') or other.get('id')}' wordt niet uitgevoerd: alleen "
                f"'{chosen.get('name') or chosen.get('id')}' wordt de route (één uitvoerbaar proces per bestand)",
                name, other.sourceline, other.get("id")))
    if not chosen.get("id"):
        raise DeployRejected([Problem("het proces heeft geen id", name, chosen.sourceline)])
    return root, chosen, notes


def import_bpmn(conn: Connection, filename: str | None, raw: bytes, *, user_id: int | None,
                now: dt.datetime) -> Imported:
    """Make a draft of a new process from ``raw``, the bytes of a ``.bpmn`` file, kept byte for byte.

    :param filename: the uploaded file's name (for the key when the process has no name or id).
    :raises DeployRejected: when there is nothing to make a draft of.
    """
    _root, process, notes = read(filename, raw)
    process_id = process.get("id")
    naam = (process.get("name") or _root.get("name") or _file_stem(filename) or process_id).strip()[:200]
    wish = (slug(process.get("name") or "") or slug(_root.get("name") or "") or slug(_file_stem(filename))
            or slug(process_id) or "geimporteerd-proces")
    if not re.match(r"[a-z0-9]", wish):
        wish = "proces-" + wish
    sleutel = unique_key(conn, wish)
    bpmn_name = f"{sleutel}.bpmn"
    files = {META_FILE: drafts.meta_json(sleutel, naam or sleutel, bpmn_name, process_id), bpmn_name: raw}
    drafts.save(conn, sleutel, files, user_id=user_id, now=now, new_process=True)
    drafts.audit(conn, now, "proces_geimporteerd", user_id, proces=sleutel, bestand=(filename or "")[:200])
    notes = [Problem(n.message, bpmn_name, n.line, n.element_id) for n in notes]  # as the draft names the file
    return Imported(sleutel, naam or sleutel, notes + drafts.problems_of(sleutel, files))
