"""The modeller's JSON: drafts (load, save, validate, deploy, discard), versions and their files,
the migration preview and migrating. The browser editor (bpmn-js, dmn-js, form-js) calls these
with the session's cookie and the ``X-CSRFToken`` header; errors are ``{"fout", "velden"|"problemen"}``.
"""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from engine.errors import DeployRejected, FieldErrors, NotFound, ScenariosChanged
from engine.service.owners import ANY, problem_json

from ..api.errors import register_common
from ..extensions import orchestrator
from ..responses import json_response as _json
from .library import guard

bp = Blueprint("modeler_api", __name__)
bp.before_request(guard)

_TYPES = {".bpmn": "application/xml", ".dmn": "application/xml", ".json": "application/json"}


register_common(bp)  # 404, 403, 409 and HTTP errors as the API answers them


@bp.errorhandler(FieldErrors)
def _fields(exc: FieldErrors):
    return _json(400, fout=str(exc), velden=exc.fields)


@bp.errorhandler(DeployRejected)
def _rejected(exc: DeployRejected):
    return _json(422, fout="Het concept is niet geldig; er is niets gepubliceerd.",
                 problemen=[problem_json(p) for p in exc.problems])


@bp.errorhandler(ScenariosChanged)
def _scenarios_changed(exc: ScenariosChanged):
    return _json(409, fout=str(exc), scenarios=exc.scenarios, bevestiging_nodig=True)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FieldErrors({"body": "verwacht een JSON-object"}, "Het verzoek kwam niet goed aan.")
    return body


def _version(name: str) -> int:
    value = request.args.get(name) if request.method == "GET" else _body().get(name)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FieldErrors({name: "geef een versienummer"}) from None
    if number < 1:
        raise FieldErrors({name: "geef een versienummer"})
    return number


# --- drafts ----------------------------------------------------------------------------------

@bp.get("/processen/<sleutel>/concept")
def concept(sleutel: str):
    return orchestrator().owners.draft(g.actor, sleutel)


@bp.put("/processen/<sleutel>/concept")
def concept_opslaan(sleutel: str):
    body = _body()
    seen = body.get("bijgewerkt_op", ANY)
    if seen is not ANY and seen is not None and not isinstance(seen, str):
        raise FieldErrors({"bijgewerkt_op": "de tijd van het geladen concept (ISO 8601), of null"})
    saved_at, problems = orchestrator().owners.save_draft(g.actor, sleutel, body.get("bestanden"), seen)
    return {"bijgewerkt_op": saved_at, "problemen": [problem_json(p) for p in problems]}


@bp.delete("/processen/<sleutel>/concept")
def concept_verwijderen(sleutel: str):
    orchestrator().owners.discard_draft(g.actor, sleutel)
    return Response(status=204)


@bp.post("/processen/<sleutel>/concept/valideer")
def concept_valideren(sleutel: str):
    problems = orchestrator().owners.validate_draft(g.actor, sleutel)
    return {"geldig": not problems, "problemen": [problem_json(p) for p in problems],
            "scenarios": orchestrator().tryouts.scenario_results(g.actor, sleutel)}  # web/modeler/proberen.py


@bp.post("/processen/<sleutel>/concept/deploy")
def concept_deployen(sleutel: str):
    body = _body()
    deployment = orchestrator().owners.deploy_draft(g.actor, sleutel, body.get("opmerking"),
                                                    scenarios_bevestigd=body.get("scenarios_bevestigd") is True)
    return _json(201, versie=deployment.versie, definition_id=deployment.definition_id, sleutel=deployment.sleutel,
                 nieuw=deployment.nieuw)


# --- versions --------------------------------------------------------------------------------

@bp.get("/processen/<sleutel>/versies")
def versies(sleutel: str):
    found = orchestrator().owners.process_versions(g.actor, sleutel)
    return jsonify([{key: v[key] for key in ("versie", "definition_id", "gedeployed_door", "gedeployed_op",
                                             "opmerking", "lopende_instanties", "bestanden")} for v in found])


@bp.get("/processen/<sleutel>/versies/<int:versie>/bestanden/<path:naam>")
def versie_bestand(sleutel: str, versie: int, naam: str):
    content = orchestrator().owners.version_file(g.actor, sleutel, versie, naam)
    suffix = "." + naam.rsplit(".", 1)[-1] if "." in naam else ""
    response = Response(content, mimetype=_TYPES.get(suffix, "application/octet-stream"))
    if request.args.get("download") == "1":
        filename = f"{sleutel}-v{versie}-{naam.replace('/', '-')}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/processen/<sleutel>/versies/<int:versie>/bijlagen")
def versie_bijlagen(sleutel: str, versie: int):
    """The decision tables and forms of a version as text, in one answer: the comparison page
    describes their differences (one request per version instead of one per file)."""
    owners = orchestrator().owners
    found = next((v for v in owners.process_versions(g.actor, sleutel) if v["versie"] == versie), None)
    if found is None:
        raise NotFound(f"versie {versie} van proces {sleutel}")
    return {naam: owners.version_file(g.actor, sleutel, versie, naam).decode("utf-8", "replace")
            for naam in found["bestanden"] if naam.endswith((".dmn", ".form.json"))}


# --- migration -------------------------------------------------------------------------------

@bp.get("/processen/<sleutel>/migratie/voorbeeld")
def migratie_voorbeeld(sleutel: str):
    return orchestrator().owners.migration_preview(g.actor, sleutel, _version("van"), _version("naar"))


@bp.post("/processen/<sleutel>/migratie")
def migreren(sleutel: str):
    body = _body()
    ids = body.get("instanties")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise FieldErrors({"instanties": "kies een of meer instanties (een lijst van nummers)"})
    seen = body.get("gezien")
    seen = {} if seen is None else seen
    if not isinstance(seen, dict):
        raise FieldErrors({"gezien": "verwacht {instantie: versie}"})
    try:
        seen = {int(k): int(v) for k, v in seen.items()}
    except (TypeError, ValueError):
        raise FieldErrors({"gezien": "verwacht {instantie: versie}"}) from None
    results = orchestrator().owners.migrate_instances(g.actor, sleutel, _version("van"), _version("naar"), ids, seen)
    return {"resultaten": results}
