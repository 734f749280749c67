"""The process owners' editor in the browser: the modeller page and the visual comparison of two versions.

The pages only render a skeleton with the addresses and the choice lists (roles, versions);
the browser (``web/frontend/src/modeler/``) loads the draft and the versions through the
JSON endpoints of the process library (drafts, validation, deploy, version files).
"""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from engine import ROLES
from engine.errors import NotFound

from ..extensions import orchestrator
from .library import guard

bp = Blueprint("modeler_editor", __name__)
bp.before_request(guard)  # signed in, and someone who may change processes (403 otherwise)


def _versions(sleutel: str) -> list[dict]:
    """The deployed versions of process ``sleutel``, newest first."""
    versions = orchestrator().owners.process_versions(g.actor, sleutel)  # NotFound for an unknown process
    if not versions:
        raise NotFound(f"proces {sleutel}")  # only a draft: nothing to compare
    return versions


@bp.get("/processen/<sleutel>/bewerken")
def bewerken(sleutel: str):
    """The modeller: diagram, decision tables and forms of the draft of ``sleutel`` (an imported
    process may have a draft and no version yet)."""
    draft = orchestrator().owners.draft(g.actor, sleutel)
    return render_template("modeler/bewerken.html", sleutel=sleutel, naam=draft["naam"], basis=draft["basis_versie"],
                           rollen=[{"sleutel": k, "naam": v} for k, v in ROLES.items()])


@bp.get("/processen/<sleutel>/vergelijken")
def vergelijken(sleutel: str):
    """Two versions of ``sleutel`` side by side, their differences marked (``?van=&naar=`` version numbers)."""
    versions = _versions(sleutel)
    numbers = [v["versie"] for v in versions]
    naar = request.args.get("naar", type=int, default=numbers[0])
    van = request.args.get("van", type=int, default=numbers[1] if len(numbers) > 1 else numbers[0])
    if van not in numbers or naar not in numbers:
        abort(404)
    return render_template("modeler/vergelijken.html", sleutel=sleutel, naam=versions[0]["naam"],
                           versies=versions, van=van, naar=naar)
