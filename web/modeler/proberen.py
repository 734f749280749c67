"""Trying the draft in the editor ("Proberen"): a small JSON API over ``Orchestrator.tryouts``.

The browser keeps the try-out (its report, answers and clock jumps) and sends all of it with every
request; the server replays it against the saved draft in memory and answers where it stands.
Nothing is stored: saving a try-out as a scenario answers the scenario file, which the editor adds to
the draft and saves with the draft's other files.
"""
from __future__ import annotations

from flask import Blueprint, g, request

from engine.errors import FieldErrors

from ..api.errors import register_common
from ..extensions import orchestrator
from ..responses import json_response as _json
from .library import guard

bp = Blueprint("modeler_proberen", __name__)
bp.before_request(guard)  # signed in, and someone who may change processes (403 otherwise)
register_common(bp)


@bp.errorhandler(FieldErrors)
def _fields(exc: FieldErrors):
    return _json(400, fout=str(exc), velden=exc.fields)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FieldErrors({"body": "verwacht een JSON-object"}, "Het verzoek kwam niet goed aan.")
    return body


@bp.get("/processen/<sleutel>/proberen")
def begin(sleutel: str):
    """The report form, the example signals and the saved scenarios of the draft."""
    return orchestrator().tryouts.begin(g.actor, sleutel)


@bp.post("/processen/<sleutel>/proberen")
def spelen(sleutel: str):
    """Replay ``stappen`` (from ``begin``, the try-out's start time; none: now) against the draft."""
    body = _body()
    return orchestrator().tryouts.play(g.actor, sleutel, body.get("stappen"), body.get("begin"))


@bp.post("/processen/<sleutel>/proberen/scenario")
def als_scenario(sleutel: str):
    """The try-out as a scenario file ``{bestand, inhoud}`` (``id``, ``naam``, ``stappen``, ``begin``)."""
    body = _body()
    return orchestrator().tryouts.scenario_file(g.actor, sleutel, body.get("id"), body.get("naam"),
                                                body.get("stappen"), body.get("begin"))


@bp.get("/processen/<sleutel>/scenarios")
def scenarios(sleutel: str):
    """Every saved scenario replayed against the draft: whether it still ends the same, and if not, how."""
    return {"scenarios": orchestrator().tryouts.scenario_results(g.actor, sleutel)}
