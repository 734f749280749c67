"""The process owners' pages: the process library, importing a BPMN file, migrating running
instances. The editor and the compare page are the browser's (blueprint ``modeler_editor``);
their JSON is in :mod:`web.views.modeler_api`.
"""
from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, request, url_for

from engine.access import may_change_processes
from engine.errors import Forbidden
from engine.process_owner import REFUSED

from .. import orchestrator
from . import wants_json

bp = Blueprint("modeler", __name__)


def init_app(app: Flask) -> None:
    from . import modeler_api

    app.register_blueprint(bp)
    app.register_blueprint(modeler_api.bp)
    app.add_template_global(may_change_processes)


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


@bp.get("/processen")
def bibliotheek():
    return render_template("processen.html", processen=orchestrator().process_library(g.actor),
                           editor_url=editor_url, compare_url=compare_url)
