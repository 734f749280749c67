"""Case tables: the meetings, their agendas and minutes, bringing a case to a table, recording decisions."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from engine import SignalStatus, feedback_text, tables_of
from engine.errors import Conflict, FieldErrors, Forbidden

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import safe_next
from . import bp


@bp.app_template_global()
def sits_at_a_table(actor) -> bool:
    """For the navigation: whether ``actor`` has a role at one of the case tables."""
    return actor is not None and bool(tables_of(actor))


@bp.get("/overleggen")
@login_required
def overleggen():
    orch = orchestrator()
    return render_template("pages/overleggen.html", overleggen=orch.meetings(g.actor),
                           opties=orch.meeting_planning_options(g.actor))


@bp.post("/overleggen")
@login_required
def overleg_plannen():
    orch = orchestrator()
    opties = orch.meeting_planning_options(g.actor)
    if not opties:
        raise Forbidden("Een overleg plant de voorzitter van een tafel (voor het signalenoverleg de "
                        "aandachtsfunctionaris).")
    try:
        optie = opties[int(request.form.get("optie", ""))]
        overleg_id = orch.plan_meeting(g.actor, tafel=optie["tafel"], gemeente_id=optie["gemeente_id"],
                                       regio_id=optie["regio_id"], datum=request.form.get("datum"),
                                       locatie=request.form.get("locatie"))
    except (ValueError, IndexError):
        return _failed(FieldErrors({"optie": "kies een tafel"}), url_for("pages.overleggen"))
    except (FieldErrors, Conflict) as exc:
        return _failed(exc, url_for("pages.overleggen"))
    flash("Het overleg is gepland.", "succes")
    return redirect(url_for("pages.overleg", overleg_id=overleg_id))


@bp.get("/overleggen/<int:overleg_id>")
@login_required
def overleg(overleg_id: int):
    return render_template("pages/overleg.html", overleg=orchestrator().meeting(g.actor, overleg_id))


@bp.post("/overleggen/<int:overleg_id>/wijzigen")
@login_required
def overleg_wijzigen(overleg_id: int):
    return _on_meeting(overleg_id, "Het overleg is gewijzigd.", lambda orch: orch.change_meeting(
        g.actor, overleg_id, datum=request.form.get("datum"), locatie=request.form.get("locatie")))


@bp.post("/overleggen/<int:overleg_id>/openen")
@login_required
def overleg_openen(overleg_id: int):
    return _on_meeting(overleg_id, "Het overleg is geopend: de besluiten kunnen nu worden vastgelegd.",
                       lambda orch: orch.open_meeting(g.actor, overleg_id))


@bp.post("/overleggen/<int:overleg_id>/notulen")
@login_required
def overleg_notulen(overleg_id: int):
    return _on_meeting(overleg_id, "De notulen zijn vastgelegd.", lambda orch: orch.record_minutes(
        g.actor, overleg_id, request.form.get("notulen", "")))


def _on_meeting(overleg_id: int, gelukt: str, command):
    """Run a form's ``command(orchestrator)`` on a meeting and go back to its page, saying how it went."""
    back = url_for("pages.overleg", overleg_id=overleg_id)
    try:
        command(orchestrator())
    except (FieldErrors, Conflict) as exc:
        return _failed(exc, back)
    flash(gelukt, "succes")
    return redirect(back)


@bp.post("/taken/<int:task_id>/agenderen")
@login_required
def agenderen(task_id: int):
    try:
        overleg_id = int(request.form.get("overleg_id", ""))
    except ValueError:
        overleg_id = 0  # no meeting chosen: "not found", after the task itself was checked
    try:
        orchestrator().bring_to_table(g.actor, task_id, overleg_id)
    except (FieldErrors, Conflict) as exc:
        return _failed(exc, _back(url_for("pages.overleggen")))
    flash("De zaak staat op de agenda.", "succes")
    return redirect(_back(url_for("pages.overleg", overleg_id=overleg_id)))


@bp.post("/agendapunten/<int:item_id>/besluit")
@login_required
def besluit(item_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    outcome = orchestrator().record_decision(g.actor, item_id, body["data"])
    flash("Het besluit is vastgelegd." + (" Het signaal is afgesloten." if outcome.status == SignalStatus.FINISHED else ""),
          "succes")
    return {"doorsturen": safe_next(request.args.get("terug")) or url_for("pages.overleggen")}, 200


def _failed(exc: Exception, back: str):
    """A refused form (invalid input, or the state moved on): say why on the page it came from."""
    if isinstance(exc, FieldErrors):
        flash("Niet opgeslagen: " + "; ".join(f"{veld} {fout}" for veld, fout in exc.fields.items()) + ".", "fout")
    else:
        flash(str(exc), "fout")
    return redirect(back, 303)


def _back(default: str) -> str:
    return safe_next(request.form.get("terug")) or default


@bp.app_template_global()
def terugkoppeling_tekst(kind: str | None) -> str | None:
    """The reporter's sentence for a signal's feedback kind (engine.domain.feedback)."""
    return feedback_text(kind)
