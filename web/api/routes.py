"""The handlers: parse, authorise, one engine call, respond. No queries here."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request, url_for

from engine import ProcessPackage, TaskStatus, package_from_texts, package_from_zip, parse_duration
from engine.errors import FieldErrors, NotFound

from .. import orchestrator
from ..dossier_pdf import pdf_response
from .errors import BadRequest, Unauthorized, register
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register(bp)

PUBLIC_ENDPOINTS = {"api.health", "api.openapi"}
MAX_PAGE = 200  # the largest page the OpenAPI document promises
MAX_CONTENT = 64 * 1024 * 1024  # never read more of an upload than this (MAX_CONTENT_LENGTH is lower)


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Geef een API-token mee: Authorization: Bearer <token>.")
    actor = orchestrator().signin.token_holder(token.strip())
    if actor is None:
        raise Unauthorized("Dit API-token is onbekend, verlopen of ingetrokken.")
    g.actor = actor


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("De body moet geldige JSON zijn (Content-Type: application/json).")
    if not isinstance(body, dict):
        raise BadRequest("De body moet een JSON-object zijn.")
    return body


def _int_arg(name: str, default: int, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldErrors({name: "moet een geheel getal zijn"})
    if value < minimum:
        raise FieldErrors({name: f"moet minstens {minimum} zijn"})
    if value > maximum:
        raise FieldErrors({name: f"mag hoogstens {maximum} zijn"})
    return value


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "ja")


@bp.get("/health")
def health():
    ok = orchestrator().healthy()
    return jsonify(status="ok" if ok else "fout", database="ok" if ok else "onbereikbaar"), (200 if ok else 503)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/signals")
def report_signal():
    body = _json_body()
    data = body.get("data", body)
    proces = body.get("proces") if "data" in body else None
    try:
        started = orchestrator().report_signal(g.actor, data, **({"proces": proces} if proces else {}))
    except NotFound as exc:
        if not proces:
            raise
        raise FieldErrors({"proces": str(exc)}) from None  # a field of the body names what is not there
    response = jsonify(id=started.signal_id, referentie=started.referentie, status=started.status,
                       proces=started.proces)
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_signal", signal_id=started.signal_id)
    return response


SIGNAL_FILTERS = ("status", "fase", "route", "proces", "gemeente", "ontvangen_van", "ontvangen_tot", "overdue", "acute",
                  "minderjarige", "referentie")


@bp.get("/signals")
def list_signals():
    """``mijn=1``: the signals I reported (status only); else the Signalen list with its filters."""
    page = {"limit": _int_arg("limit", 50, 1, MAX_PAGE), "offset": _int_arg("offset", 0)}
    if _flag("mijn"):
        return jsonify(signalen=orchestrator().my_signals(g.actor, **page))
    cases = orchestrator().cases
    flt = cases.parse_filter({name: request.args.get(name, "") for name in SIGNAL_FILTERS})
    return jsonify(cases.signals(g.actor, flt, **page))


@bp.post("/signals/<int:signal_id>/overdracht")
def hand_over(signal_id: int):
    """Hand the signal over to another municipality (its aandachtsfunctionaris): ``{"gemeente", "reden"}``."""
    body = _json_body()
    done = orchestrator().cases.hand_over(g.actor, signal_id, body.get("gemeente"), body.get("reden"))
    return jsonify(id=done.signal_id, referentie=done.referentie, van=done.van, naar=done.naar,
                   taken=[{"id": t["id"], "naam": t["naam"], "rol": t["rol"]} for t in done.taken])


@bp.get("/signals/<int:signal_id>")
def get_signal(signal_id: int):
    return jsonify(orchestrator().signal(g.actor, signal_id, via="api"))


@bp.post("/signals/<int:signal_id>/aantekeningen")
def add_note(signal_id: int):
    body = _json_body()
    note = orchestrator().dossier.add_note(g.actor, signal_id, body.get("tekst"), body.get("corrigeert"))
    response = jsonify(note)
    response.status_code = 201
    return response


@bp.route("/signals/<int:signal_id>/aantekeningen/<int:note_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def note_is_final(signal_id: int, note_id: int):
    """Notes are append-only: read them in ``GET /signals/{id}``; correct one with a new note."""
    response = jsonify(fout="Een aantekening kan niet worden gewijzigd of verwijderd. Corrigeer haar met een nieuwe "
                            "aantekening: POST /api/v1/signals/{id}/aantekeningen met \"corrigeert\": haar id.")
    response.status_code = 405
    response.headers["Allow"] = ""
    return response


@bp.get("/signals/<int:signal_id>/dossier.pdf")
def case_file_pdf(signal_id: int):
    return pdf_response(orchestrator().dossier.export(g.actor, signal_id))


@bp.get("/tasks")
def list_tasks():
    filters: dict = {
        "limit": _int_arg("limit", 50, 1, MAX_PAGE),
        "offset": _int_arg("offset", 0),
        "alleen_mijn": _flag("mijn"),
        "bpmn_id": request.args.get("stap") or None,
    }
    if request.args.get("gemeente"):
        gemeente_id = orchestrator().gemeente_id(request.args["gemeente"])
        if gemeente_id is None:
            raise FieldErrors({"gemeente": f"onbekende gemeente '{request.args['gemeente']}'"})
        filters["gemeente_id"] = gemeente_id
    now = orchestrator().clock.now()
    if _flag("overdue"):
        filters["overdue_at"] = now
    within = parse_duration("due_within", request.args.get("due_within"))
    if within is not None:
        filters["due_after"] = now
        filters["due_before"] = now + within
    return jsonify(orchestrator().inbox(g.actor, **filters))


@bp.get("/notifications")
def list_notifications():
    page = {"limit": _int_arg("limit", 50, 1, MAX_PAGE), "offset": _int_arg("offset", 0)}
    return jsonify(notificaties=orchestrator().notifications(g.actor, **page))


@bp.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    return jsonify(orchestrator().task(g.actor, task_id))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int):
    orchestrator().claim(g.actor, task_id)
    return jsonify(orchestrator().task(g.actor, task_id))


@bp.post("/tasks/<int:task_id>/unclaim")
def unclaim(task_id: int):
    orchestrator().unclaim(g.actor, task_id)
    return jsonify(orchestrator().task(g.actor, task_id))


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int):
    body = _json_body()
    if "data" not in body or not isinstance(body["data"], dict):
        raise FieldErrors({"data": "de body is {\"data\": {...formuliervelden...}}"})
    result = orchestrator().complete_task(g.actor, task_id, body["data"])
    return jsonify(id=task_id, status=TaskStatus.DONE, signaal_status=result.status, route=result.route,
                   uitkomst=result.uitkomst, nieuwe_taken=result.nieuwe_taken)


@bp.post("/tasks/<int:task_id>/voortgang")
def save_progress(task_id: int):
    body = _json_body()
    if not isinstance(body.get("data"), dict):
        raise FieldErrors({"data": "de body is {\"data\": {...formuliervelden...}}"})
    entry_id = orchestrator().dossier.save_progress(g.actor, task_id, body["data"])
    response = jsonify(id=entry_id, taak_id=task_id, status=TaskStatus.OPEN)
    response.status_code = 201
    return response


@bp.get("/tasks/<int:task_id>/concept")
def get_draft(task_id: int):
    orchestrator().task(g.actor, task_id)  # 404 for a task the user may not see
    return jsonify(concept=orchestrator().dossier.draft(g.actor, task_id))  # null: none saved by this user


@bp.put("/tasks/<int:task_id>/concept")
def save_draft(task_id: int):
    body = _json_body()
    orchestrator().dossier.save_draft(g.actor, task_id, body.get("data"))
    return "", 204


@bp.get("/process-definitions")
def list_definitions():
    return jsonify(procesdefinities=orchestrator().definitions_json())


@bp.post("/process-definitions")
def deploy():
    package, opmerking = _package_from_request()
    # Saved scenarios (scenarios/*.json) that now end differently hold the deploy (409) until confirmed.
    body = request.get_json(silent=True) if request.is_json else None
    confirmed = body.get("scenarios_bevestigd") is True if isinstance(body, dict) else \
        request.form.get("scenarios_bevestigd") in ("true", "ja")
    deployment = orchestrator().deploy(package, g.actor, opmerking, confirmed)
    response = jsonify(id=deployment.definition_id, sleutel=deployment.sleutel, versie=deployment.versie,
                       nieuw=deployment.nieuw)
    response.status_code = 201 if deployment.nieuw else 200
    return response


def _package_from_request() -> tuple[ProcessPackage, str | None]:
    """A package as a zip (raw body or multipart field ``pakket``) or JSON ``{"bestanden": {...}}``.

    Type, size and names are checked in :mod:`engine.definitions.uploads`.
    """
    upload = request.files.get("pakket")
    raw = upload.read(MAX_CONTENT) if upload else None
    if raw is None and request.mimetype in ("application/zip", "application/octet-stream"):
        raw = request.get_data()
    if raw is not None:
        return package_from_zip(raw), request.form.get("opmerking")
    if request.files:
        raise FieldErrors({"pakket": "stuur het zip-bestand in het veld 'pakket'"})
    body = _json_body()
    opmerking = body.get("opmerking")
    if opmerking is not None and not isinstance(opmerking, str):
        raise FieldErrors({"opmerking": "moet tekst zijn"})
    return package_from_texts(body.get("bestanden")), opmerking
