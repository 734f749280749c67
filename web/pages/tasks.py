"""One task: its form beside the signal's details; completing it."""
from __future__ import annotations

from flask import flash, g, render_template, request, url_for

from engine import SignalStatus, TaskStatus
from engine.errors import NotFound

from ..auth import login_required
from ..extensions import orchestrator
from . import bp


@bp.get("/taken/<int:task_id>")
@login_required
def taak(task_id: int):
    orch = orchestrator()
    detail = orch.task(g.actor, task_id)
    signaal = None
    if detail["signaal_id"] is not None:
        try:
            signaal = orch.signal(g.actor, detail["signaal_id"])
        except NotFound:
            signaal = None
    gegevens = _prefill(detail["formulier_schema"], (signaal or {}).get("gegevens") or {})
    gegevens.update(detail.get("keuzes") or {})  # options the engine supplies (form-js valuesKey)
    return render_template("pages/taak.html", taak=detail, signaal=signaal, gegevens=gegevens,
                           mag_doen=detail["status"] == TaskStatus.OPEN and orch.may_work(g.actor, task_id))


@bp.post("/taken/<int:task_id>")
@login_required
def taak_afronden(task_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    outcome = orchestrator().complete_task(g.actor, task_id, body["data"])
    flash("De taak is afgerond." + (" Het signaal is afgesloten." if outcome.status == SignalStatus.FINISHED else ""), "succes")
    return {"doorsturen": url_for("pages.werkvoorraad")}, 200


def _prefill(schema: dict | None, known: dict) -> dict:
    """What is already known for the form's fields (from the signal's intake data)."""
    if not schema:
        return {}
    keys = set()

    def walk(components):
        for comp in components:
            if comp.get("key"):
                keys.add(comp["key"])
            walk(comp.get("components") or [])

    walk(schema.get("components") or [])
    return {key: known[key] for key in keys if known.get(key) not in (None, "", [])}
