"""One task: its form beside the signal's details; completing it."""
from __future__ import annotations

from flask import flash, g, render_template, request, session, url_for

from engine import ROLES, SignalStatus, TaskStatus
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
            signaal = orch.signal(g.actor, detail["signaal_id"], timeline=False)  # beside the form: no timeline
        except NotFound:
            signaal = None
    gegevens = _prefill(detail["formulier_schema"], (signaal or {}).get("gegevens") or {})
    agendapunt = orch.agenda_item_of_task(g.actor, task_id) if detail.get("casustafel") else None
    mag_doen = detail["status"] == TaskStatus.OPEN and orch.may_work(g.actor, task_id)
    concept = orch.dossier.draft(g.actor, task_id) if mag_doen else None
    if concept:
        gegevens = {**gegevens, **concept["gegevens"]}  # the user's own draft, resumed
    gegevens.update(detail.get("keuzes") or {})  # options the engine supplies (form-js valuesKey)
    return render_template("pages/taak.html", taak=detail, signaal=signaal, gegevens=gegevens, agendapunt=agendapunt,
                           mag_doen=mag_doen, concept=concept, voortgang=mag_doen and orch.dossier.takes_progress_reports(detail),
                           rollen=ROLES, aantekening_invoer=session.pop("aantekening_invoer", None))


@bp.post("/taken/<int:task_id>")
@login_required
def taak_afronden(task_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    outcome = orchestrator().complete_task(g.actor, task_id, body["data"])
    flash("De taak is afgerond." + (" Het signaal is afgesloten." if outcome.status == SignalStatus.FINISHED else ""), "succes")
    return {"doorsturen": url_for("pages.werkvoorraad")}, 200


def _form_data():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return None
    return body["data"]


@bp.post("/taken/<int:task_id>/concept")
@login_required
def taak_concept(task_id: int):
    """Save the form as this user's draft of the task; the page stays (the island says it was saved)."""
    data = _form_data()
    if data is None:
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    orchestrator().dossier.save_draft(g.actor, task_id, data)
    return {"opgeslagen": True}, 200


@bp.post("/taken/<int:task_id>/voortgang")
@login_required
def taak_voortgang(task_id: int):
    """Keep the form as a progress report in the case file; the task stays open."""
    data = _form_data()
    if data is None:
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    orchestrator().dossier.save_progress(g.actor, task_id, data)
    flash("Het voortgangsverslag staat in het dossier. De taak blijft openstaan.", "succes")
    return {"doorsturen": url_for("pages.taak", task_id=task_id)}, 200  # a reload (a #fragment would only scroll)


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
