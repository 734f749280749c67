"""Drafts: a process owner's files of a process, saved on the server, not yet a version.

One draft per process (``sleutel``). Nothing runs on a draft: deploying it
(:func:`deploy_draft`) turns it into an immutable version through
:func:`engine.definitions.definitions.deploy` and removes it. Saving never validates away: an
invalid draft is stored all the same, and :func:`validate` lists its problems per
element, as the browser marks them.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from ..audit.audit import AuditBatch
from ..clock import isoformat
from ..errors import Conflict, DeployRejected, FieldErrors, NotFound, Problem
from ..people.users import user_names
from ..store.schema import process_definition, process_draft, process_draft_file
from . import definitions
from .package import EXAMPLES_DIR, FORM_SUFFIX, FORMS_DIR, META_FILE, SCENARIOS_DIR, ProcessPackage
from .validation import compile_package
from .validation_xml import xml_encoding

_log = logging.getLogger(__name__)
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 100
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,150}")


@dataclass(frozen=True)
class Draft:
    """A draft as stored, or (``concept`` false) the latest version's files in its place."""

    sleutel: str
    naam: str
    concept: bool
    basis_versie: int | None
    bijgewerkt_door: int | None
    bijgewerkt_op: dt.datetime | None
    files: dict[str, bytes]


def problem_json(problem: Problem) -> dict:
    """A problem as the modeller's API writes it: message, file, line, element id."""
    return {"bericht": problem.message, "bestand": problem.file, "regel": problem.line, "element": problem.element_id}


def check_file_names(files: dict) -> dict[str, bytes]:
    """The submitted files as bytes, or :class:`FieldErrors` naming what is wrong.

    Allowed: ``proces.json``, ``*.bpmn`` and ``*.dmn`` at the top, forms as
    ``formulieren/<id>.form.json``, scenarios and example signals as ``scenarios/<id>.json`` and
    ``voorbeelden/<id>.json``; no other paths, no ``..``, at most
    :data:`MAX_FILE_BYTES` each.
    """
    if not isinstance(files, dict) or not files:
        raise FieldErrors({"bestanden": "geef de bestanden als een object {naam: inhoud}"})
    if len(files) > MAX_FILES:
        raise FieldErrors({"bestanden": f"te veel bestanden (hoogstens {MAX_FILES})"})
    clean: dict[str, bytes] = {}
    for name, text in files.items():
        problem = _name_problem(name)
        if problem is None and not isinstance(text, str):
            problem = "de inhoud moet tekst zijn"
        if problem is None:
            content = as_bytes(name, text)
            if len(content) > MAX_FILE_BYTES:
                problem = f"te groot (hoogstens {MAX_FILE_BYTES // (1024 * 1024)} MB)"
        if problem is not None:
            raise FieldErrors({"bestanden": f"{str(name)[:120]}: {problem}"})
        clean[name] = content
    return clean


def _name_problem(name) -> str | None:
    if not isinstance(name, str) or not name:
        return "geen geldige bestandsnaam"
    if name.startswith("/") or "\\" in name or ".." in name or "\0" in name:
        return "alleen namen binnen het proces zijn toegestaan"
    parts = name.split("/")
    if len(parts) == 2 and parts[0] == FORMS_DIR:
        return None if _FILE_NAME.fullmatch(parts[1]) and parts[1].endswith(FORM_SUFFIX) else \
            "een formulier heet formulieren/<id>.form.json"
    if len(parts) == 2 and parts[0] in (SCENARIOS_DIR, EXAMPLES_DIR):
        return None if _FILE_NAME.fullmatch(parts[1]) and parts[1].endswith(".json") else \
            f"een scenario of voorbeeld heet {parts[0]}/<id>.json"
    if len(parts) != 1 or not _FILE_NAME.fullmatch(name):
        return "alleen proces.json, .bpmn- en .dmn-bestanden en formulieren/<id>.form.json"
    if name == META_FILE or name.endswith((".bpmn", ".dmn")):
        return None
    return "alleen proces.json, .bpmn- en .dmn-bestanden en formulieren/<id>.form.json"


def _draft_row(conn: Connection, sleutel: str):
    return conn.execute(select(process_draft).where(process_draft.c.sleutel == sleutel)).first()


def load(conn: Connection, sleutel: str) -> Draft:
    """The draft of ``sleutel``, or else its latest version's files (``concept`` false); NotFound if neither."""
    row = _draft_row(conn, sleutel)
    if row is not None:
        files = {r.naam: bytes(r.inhoud) for r in conn.execute(
            select(process_draft_file.c.naam, process_draft_file.c.inhoud)
            .where(process_draft_file.c.draft_id == row.id).order_by(process_draft_file.c.naam))}
        basis = None
        if row.basis_definition_id is not None:
            basis = conn.execute(select(process_definition.c.versie)
                                 .where(process_definition.c.id == row.basis_definition_id)).scalar()
        return Draft(sleutel, row.naam, True, basis, row.updated_by, row.updated_at, files)
    latest = definitions.latest_version(conn, sleutel)
    if latest is None:
        raise NotFound(f"proces '{sleutel}' bestaat niet")
    files = definitions.load_package(conn, latest.id).files
    return Draft(sleutel, latest.naam, False, latest.versie, None, None, files)


def load_draft(conn: Connection, sleutel: str) -> Draft:
    """The draft of ``sleutel``; NotFound when it has none (its versions do not count)."""
    found = load(conn, sleutel)
    if not found.concept:
        raise NotFound(f"proces '{sleutel}' heeft geen concept")
    return found


def _naam(files: dict[str, bytes], fallback: str) -> str:
    meta = ProcessPackage(files).meta()
    naam = meta.get("naam")
    return naam.strip()[:200] if isinstance(naam, str) and naam.strip() else fallback


ANY = object()  # save whatever the draft was


def save(conn: Connection, sleutel: str, files: dict[str, bytes], *, user_id: int | None, now: dt.datetime,
         new_process: bool = False, seen: object = ANY) -> None:
    """Store ``files`` as the complete draft of ``sleutel`` (replacing an earlier draft).

    :param new_process: allow a draft for a process that has no version yet (an import);
        otherwise an unknown ``sleutel`` is :class:`NotFound`.
    :param seen: the draft's ``bijgewerkt_op`` (ISO, ``None`` for no draft) as the editor loaded
        it: when someone saved since, :class:`Conflict` and nothing is written. :data:`ANY` skips it.
    """
    row = _draft_row(conn, sleutel)
    if seen is not ANY and (isoformat(row.updated_at) if row is not None else None) != seen:
        who = user_names(conn, {row.updated_by}).get(row.updated_by, "een ander") if row is not None else "een ander"
        raise Conflict(f"Het concept is intussen gewijzigd door {who}. Laad het opnieuw; uw wijzigingen zijn niet "
                       "opgeslagen.")
    naam = _naam(files, sleutel)
    if row is None:
        latest = definitions.latest_version(conn, sleutel)
        if latest is None and not new_process:
            raise NotFound(f"proces '{sleutel}' bestaat niet")
        draft_id = conn.execute(insert(process_draft).values(
            sleutel=sleutel, basis_definition_id=latest.id if latest else None, naam=naam,
            updated_by=user_id, updated_at=now)).inserted_primary_key[0]
    else:
        draft_id = row.id
        conn.execute(update(process_draft).where(process_draft.c.id == draft_id)
                     .values(naam=naam, updated_by=user_id, updated_at=now))
        conn.execute(delete(process_draft_file).where(process_draft_file.c.draft_id == draft_id))
    conn.execute(insert(process_draft_file),
                 [{"draft_id": draft_id, "naam": name, "inhoud": content} for name, content in files.items()])
    audit(conn, now, "concept_opgeslagen", user_id, proces=sleutel, bestanden=len(files))


def _remove(conn: Connection, draft_id: int) -> None:
    conn.execute(delete(process_draft_file).where(process_draft_file.c.draft_id == draft_id))
    conn.execute(delete(process_draft).where(process_draft.c.id == draft_id))


def audit(conn: Connection, now: dt.datetime, actie: str, user_id: int | None, **detail) -> None:
    """Audit a process owner's act on a process (no instance, no signal).

    :param actie: the event (``concept_opgeslagen``, ``proces_gedeployed``, ...).
    """
    log = AuditBatch(now, rol="procesbeheerder")
    log.add(actie, user_id, **detail)
    log.write(conn)


def discard(conn: Connection, sleutel: str, *, user_id: int | None, now: dt.datetime) -> bool:
    """Remove the draft of ``sleutel``; whether there was one."""
    row = _draft_row(conn, sleutel)
    if row is None:
        return False
    _remove(conn, row.id)
    audit(conn, now, "concept_verwijderd", user_id, proces=sleutel)
    return True


def problems_of(sleutel: str, files: dict[str, bytes]) -> list[Problem]:
    """Everything deploy validation finds in ``files`` (empty: deployable as ``sleutel``)."""
    try:
        compiled = compile_package(ProcessPackage(files))
    except DeployRejected as exc:
        return list(exc.problems)
    except Exception as exc:  # noqa: BLE001 - a model another tool made may trip the parser anywhere: report it
        _log.warning("validation failed unexpectedly on draft %s", sleutel, exc_info=True)
        return [Problem(f"kan het model niet lezen: {exc.__class__.__name__}: {str(exc)[:300]}",
                        ProcessPackage(files).bpmn_file())]
    if compiled.sleutel != sleutel:
        return [Problem(f"de sleutel in proces.json ('{compiled.sleutel}') moet '{sleutel}' zijn", META_FILE)]
    return []


def require_comment(opmerking) -> str:
    """The comment on a new version, stripped; :class:`FieldErrors` when there is none."""
    if not isinstance(opmerking, str) or not opmerking.strip():
        raise FieldErrors({"opmerking": "Beschrijf kort wat er in deze versie verandert."},
                          "Een opmerking bij de nieuwe versie is verplicht.")
    return opmerking.strip()


def deploy_draft(conn: Connection, cache: definitions.DefinitionCache, sleutel: str, *, opmerking: str,
                 user_id: int | None, now: dt.datetime,
                 replace: dict[str, bytes] | None = None) -> definitions.Deployment:
    """Deploy the draft of ``sleutel`` as its next version with ``opmerking``, then remove the draft.

    Raises :class:`NotFound` without a draft, :class:`FieldErrors` without a comment and
    :class:`DeployRejected` (nothing written) when the draft is not valid.

    :param replace: files deployed instead of the draft's (a scenario with its confirmed new ending).
    """
    opmerking = require_comment(opmerking)
    draft = load_draft(conn, sleutel)
    problems = problems_of(sleutel, draft.files)
    if problems:
        raise DeployRejected(problems)
    deployment = definitions.deploy(conn, cache, ProcessPackage({**draft.files, **(replace or {})}), user_id=user_id,
                                    now=now, opmerking=opmerking)
    _remove(conn, _draft_row(conn, sleutel).id)
    audit(conn, now, "proces_gedeployed", user_id, proces=sleutel, versie=deployment.versie,
           definitie_id=deployment.definition_id, nieuw=deployment.nieuw)
    return deployment




def as_text(content: bytes) -> str:
    """A stored file as text for the editor, decoded as the file declares (a BPMN file from elsewhere
    may be ISO-8859-1 or UTF-16)."""
    return content.decode(xml_encoding(content), errors="replace")


def as_bytes(name: str, text: str) -> bytes:
    """Text from the editor as the file's bytes: XML in the encoding it declares, everything else UTF-8."""
    if name.endswith((".bpmn", ".dmn")):
        head = text[:300].encode("utf-8", errors="replace")
        encoding = "utf-8" if head.startswith(b"\xef\xbb\xbf") else xml_encoding(head)
        return text.encode(encoding, errors="xmlcharrefreplace")
    return text.encode("utf-8")


def meta_json(sleutel: str, naam: str, bpmn: str, bpmn_proces_id: str) -> bytes:
    """A ``proces.json`` for a package made from a lone BPMN file."""
    return (json.dumps({"sleutel": sleutel, "naam": naam, "bpmn": bpmn, "bpmn_proces_id": bpmn_proces_id},
                       ensure_ascii=False, indent=2) + "\n").encode()
