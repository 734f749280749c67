"""'Wat verandert er?': the page that replays history against a process's saved draft, with progress.

The page (``GET …/wat-verandert-er``) is a skeleton; its island (``web/frontend/src/naspelen.js``) posts
to ``…/concept/naspelen`` and reads the answer as it streams: one JSON object per line, progress
``{"klaar", "totaal"}`` and at the end ``{"resultaat", "html"}`` (the result rendered by the same
template the page uses without JavaScript, ``?direct=1``). One request does the whole replay (engine.
service.impact): no job to keep, nothing to poll, any worker can serve it. Counts, steps and routes
only; small groups as "<5".
"""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, g, render_template, request, stream_with_context

from engine import parse_date
from engine.errors import DeployRejected, FieldErrors
from engine.service.owners import problem_json

from ..extensions import orchestrator
from ..responses import json_response
from .library import guard

bp = Blueprint("modeler_impact", __name__)
bp.before_request(guard)  # signed in, and someone who may change processes (403 otherwise)
_log = logging.getLogger(__name__)
RESULT_TEMPLATE = "modeler/_naspelen_resultaat.html"


def _since():
    return parse_date("sinds", request.args.get("sinds"))


@bp.get("/processen/<sleutel>/wat-verandert-er")
def wat_verandert_er(sleutel: str):
    """The page; ``?direct=1`` replays at once and shows the result (without JavaScript)."""
    draft = orchestrator().owners.draft(g.actor, sleutel)
    sinds = _since()
    result = None
    if request.args.get("direct"):
        reports = list(orchestrator().impact.of_draft(g.actor, sleutel, sinds))
        result = reports[-1]["resultaat"]
    return render_template("modeler/wat_verandert_er.html", sleutel=sleutel, naam=draft["naam"],
                           concept=draft["concept"], basis=draft["basis_versie"], bijgewerkt_op=draft["bijgewerkt_op"],
                           sinds=sinds, r=result, resultaat_template=RESULT_TEMPLATE)


@bp.post("/processen/<sleutel>/concept/naspelen")
def naspelen(sleutel: str):
    """The replay as a stream of JSON lines (``application/x-ndjson``)."""
    try:
        reports = orchestrator().impact.of_draft(g.actor, sleutel, _since())
    except DeployRejected as exc:
        return json_response(422, fout="Het concept is niet geldig; maak het eerst af (Valideren in de editor).",
                             problemen=[problem_json(p) for p in exc.problems])
    except FieldErrors as exc:
        return json_response(400, fout=str(exc), velden=exc.fields)

    def lines():
        try:
            for report in reports:
                if "resultaat" in report:
                    report["html"] = render_template(RESULT_TEMPLATE, r=report["resultaat"])
                yield json.dumps(report, ensure_ascii=False) + "\n"
        except Exception:  # noqa: BLE001 - the stream has begun: say it failed in the stream itself
            _log.exception("replay of the draft of %s failed", sleutel)
            yield json.dumps({"fout": "Het naspelen is mislukt. Probeer het later opnieuw."}) + "\n"

    response = Response(stream_with_context(lines()), mimetype="application/x-ndjson")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy passes the progress on at once
    return response
