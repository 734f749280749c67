"""The incidents page (beheerder): steps that failed at runtime, retried or marked resolved."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from engine import INCIDENT_KINDS

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number
from . import bp

PAGE_SIZE = 50


@bp.get("/beheer/incidenten")
@login_required
def incidenten():
    """Open incidents first, then the resolved ones, newest first."""
    pagina = page_number()
    result = orchestrator().incidents(g.actor, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    return render_template("pages/incidenten.html", result=result, pagina=pagina,
                           paginas=page_count(result["totaal"], PAGE_SIZE))


@bp.post("/beheer/incidenten/<int:incident_id>/opnieuw")
@login_required
def incident_opnieuw(incident_id: int):
    result = orchestrator().retry_incident(g.actor, incident_id)
    if result.gelukt:
        flash("De stap is opnieuw geprobeerd en gelukt: het proces loopt verder.", "succes")
    else:
        flash(f"De stap is opnieuw geprobeerd en mislukt ({INCIDENT_KINDS.get(result.soort, result.soort)}); "
              f"dit was poging {result.pogingen}. De klok probeert het later opnieuw.", "waarschuwing")
    return redirect(url_for("pages.incidenten"))


@bp.post("/beheer/incidenten/<int:incident_id>/opgelost")
@login_required
def incident_opgelost(incident_id: int):
    orchestrator().resolve_incident(g.actor, incident_id)
    flash("Het incident is als opgelost gemarkeerd. Mislukt de volgende poging van de klok, dan verschijnt het opnieuw.",
          "succes")
    return redirect(url_for("pages.incidenten"))
