"""The process owners' pages: the process library, importing a BPMN file, migrating running
instances. The editor and the compare page are the browser's (blueprint ``modeler_editor``);
their JSON is in :mod:`web.modeler.api`.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import may_change_processes
from engine.errors import DeployRejected, FieldErrors, Forbidden, NotFound
from engine.service.owners import MAX_FILE_BYTES, REFUSED, problem_json

from ..extensions import orchestrator
from ..responses import wants_json

bp = Blueprint("modeler", __name__)


def guard():
    """Before every request of these blueprints: signed in, and someone who may change processes."""
    if g.get("actor") is None:
        if wants_json() or request.blueprint == "modeler_api":
            return {"fout": "U bent niet (meer) aangemeld.", "doorsturen": url_for("auth.login")}, 401
        return redirect(url_for("auth.login", volgende=request.full_path if request.method == "GET" else None))
    if not may_change_processes(g.actor):
        raise Forbidden(REFUSED)
    return None


bp.before_request(guard)


def editor_url(sleutel: str) -> str:
    """The editor page (built by the browser side, blueprint ``modeler_editor``)."""
    return f"/processen/{sleutel}/bewerken"


def compare_url(sleutel: str, van: int, naar: int) -> str:
    return f"/processen/{sleutel}/vergelijken?van={van}&naar={naar}"


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    if wants_json():
        return {"fout": str(exc)}, 404
    return render_template("fout.html", titel="Niet gevonden", bericht=str(exc)), 404


@bp.errorhandler(FieldErrors)
def _fields(exc: FieldErrors):
    if wants_json():
        return {"fout": str(exc), "velden": exc.fields}, 400
    return render_template("fout.html", titel="Dat kan niet",
                           bericht="; ".join(f"{k}: {v}" for k, v in exc.fields.items())), 400


def _version(name: str, value) -> int:
    """A version number given as ``name`` (``van``, ``naar``); a field error naming it otherwise."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FieldErrors({name: "geef de versies als nummers (van=1&naar=2)"}) from None
    if number < 1:
        raise FieldErrors({name: "geef de versies als nummers (van=1&naar=2)"})
    return number


@bp.get("/processen")
def bibliotheek():
    return render_template("modeler/processen.html", processen=orchestrator().owners.process_library(g.actor),
                           editor_url=editor_url, compare_url=compare_url)


@bp.get("/processen/<sleutel>/migratie")
def migratie(sleutel: str):
    van, naar = _version("van", request.args.get("van")), _version("naar", request.args.get("naar"))
    voorbeeld = orchestrator().owners.migration_preview(g.actor, sleutel, van, naar)
    return render_template("modeler/migratie.html", voorbeeld=voorbeeld, compare_url=compare_url(sleutel, van, naar))


@bp.post("/processen/<sleutel>/migratie/uitvoeren")
def migratie_uitvoeren(sleutel: str):
    van, naar = _version("van", request.form.get("van")), _version("naar", request.form.get("naar"))
    ids, seen = [], {}
    for value in request.form.getlist("instantie"):
        if value.isdigit():
            ids.append(int(value))
            gezien = request.form.get(f"gezien_{value}", "")
            if gezien.isdigit():
                seen[int(value)] = int(gezien)
    if not ids:
        flash("Kies eerst een of meer instanties om te migreren.", "waarschuwing")
        return redirect(f"/processen/{sleutel}/migratie?van={van}&naar={naar}")
    resultaten = orchestrator().owners.migrate_instances(g.actor, sleutel, van, naar, ids, seen)
    return render_template("modeler/migratie_resultaat.html", sleutel=sleutel, van=van, naar=naar, resultaten=resultaten)


@bp.get("/processen/importeren")
def importeren():
    return render_template("modeler/importeren.html", resultaat=None)


@bp.post("/processen/importeren")
def importeren_versturen():
    upload = request.files.get("bestand")
    if upload is None:
        raise FieldErrors({"bestand": "kies een .bpmn-bestand"})
    try:
        raw = upload.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    try:
        imported = orchestrator().owners.import_bpmn(g.actor, upload.filename, raw)
    except DeployRejected as exc:
        problemen = [problem_json(p) for p in exc.problems]
        if wants_json():
            return {"fout": "Van dit bestand kan geen proces worden gemaakt.", "problemen": problemen}, 422
        return render_template("modeler/importeren.html", resultaat={"geweigerd": True, "problemen": problemen,
                                                             "bestand": upload.filename}), 422
    problemen = [problem_json(p) for p in imported.problems]
    if wants_json():
        return {"sleutel": imported.sleutel, "problemen": problemen}, 201
    return render_template("modeler/importeren.html", resultaat={
        "geweigerd": False, "problemen": problemen, "bestand": upload.filename, "sleutel": imported.sleutel,
        "naam": imported.naam, "editor": editor_url(imported.sleutel)}), 201
