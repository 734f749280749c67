"""The signal (case) page: summary, diagram, timeline, open tasks, route and regie."""
from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, session, url_for

from engine import ROLES, TaskStatus
from engine.errors import FieldErrors

from ..auth import login_required
from ..dossier_pdf import pdf_response
from ..extensions import orchestrator
from ..responses import safe_next
from . import bp

ACTIES = {
    "signaal_gemeld": "Signaal gemeld",
    "taak_aangemaakt": "Taak klaargezet",
    "taak_geclaimd": "Taak opgepakt",
    "taak_vrijgegeven": "Taak teruggegeven",
    "taak_voltooid": "Taak afgerond",
    "taak_vervallen": "Taak vervallen",
    "taak_geescaleerd": "Deadline verstreken: gemeld aan manager",
    "timer_afgevuurd": "Timer verstreken",
    "signaal_afgerond": "Signaal afgesloten",
    "signaal_geanonimiseerd": "Bewaartermijn verstreken: persoonsgegevens verwijderd",
    "proces_gewijzigd": "Naar een ander proces verplaatst",
    "geagendeerd": "Geagendeerd voor de casustafel",
    "besluit_vastgelegd": "Besluit casustafel vastgelegd",
    "melder_teruggekoppeld": "Melder geïnformeerd (zonder details)",
    "zorgtraject_gestart": "Zorgtraject gestart",
    "zorgtraject_afgerond": "Zorgtraject beëindigd",
    "signaal_overgedragen": "Overgedragen aan een andere gemeente",
}


@bp.get("/signalen/<int:signal_id>")
@login_required
def signaal(signal_id: int):
    view = orchestrator().signal(g.actor, signal_id)
    if view.get("overgedragen"):  # handed over by this municipality: the reference and the fact only
        return render_template("pages/signaal_overgedragen.html", signaal=view)
    if "stappen" not in view:  # the reporter: status only
        return render_template("pages/signaal_status.html", signaal=view)
    huidig = [s for s in view["stappen"] if s.get("huidig_proces", True)]  # the diagram is the current process's
    voltooid = sorted({s["bpmn_id"] for s in huidig if s["status"] == TaskStatus.DONE})
    actief = sorted({s["bpmn_id"] for s in huidig if s["status"] == TaskStatus.OPEN})
    keuzes = orchestrator().process_choices(g.actor, signal_id)  # empty unless the actor may move it
    agenderen = orchestrator().agenda_options(g.actor, signal_id)
    overdracht = orchestrator().cases.handover_targets(g.actor, signal_id)  # empty unless the actor may hand it over
    return render_template("pages/signaal.html", signaal=view, voltooid=voltooid, actief=actief, acties=ACTIES,
                           proceskeuzes=keuzes, agenderen=agenderen, rollen=ROLES, overdracht_gemeenten=overdracht,
                           aantekening_invoer=session.pop("aantekening_invoer", None))


@bp.post("/signalen/<int:signal_id>/aantekeningen")
@login_required
def aantekening_toevoegen(signal_id: int):
    """Add a note (or a correction of one); back to the page it came from, what was typed kept on a refusal."""
    terug = safe_next(request.form.get("terug")) or url_for("pages.signaal", signal_id=signal_id)
    tekst, corrigeert = request.form.get("tekst", ""), request.form.get("corrigeert", "")
    try:
        orchestrator().dossier.add_note(g.actor, signal_id, tekst, corrigeert or None)
    except FieldErrors as exc:
        for veld, bericht in exc.fields.items():
            flash(f"{ {'tekst': 'Aantekening', 'corrigeert': 'Corrigeert'}.get(veld, veld)}: {bericht}", "fout")
        session["aantekening_invoer"] = {"tekst": tekst[:5000], "corrigeert": corrigeert}
        return redirect(terug + "#aantekeningen-kop")
    flash("De aantekening is opgeslagen.", "succes")
    return redirect(terug + "#aantekeningen-kop")


@bp.get("/signalen/<int:signal_id>/dossier.pdf")
@login_required
def dossier_pdf(signal_id: int):
    """The case file as PDF, as this user may see it (logged as an export)."""
    return pdf_response(orchestrator().dossier.export(g.actor, signal_id))


@bp.post("/signalen/<int:signal_id>/proces")
@login_required
def proces_wijzigen(signal_id: int):
    """Move the signal to another process (analist, aandachtsfunctionaris): the old one's open tasks vanish."""
    try:
        outcome = orchestrator().change_process(g.actor, signal_id, request.form.get("proces", ""),
                                                request.form.get("reden", ""))
    except FieldErrors as exc:
        for veld, bericht in exc.fields.items():
            flash(f"{ {'proces': 'Proces', 'reden': 'Reden'}.get(veld, veld)}: {bericht}", "fout")
        return redirect(url_for("pages.signaal", signal_id=signal_id) + "#proces-kop")
    flash(f"Het signaal volgt nu het proces '{outcome.proces}'. De open taken van het vorige proces zijn vervallen.",
          "succes")
    return redirect(url_for("pages.signaal", signal_id=signal_id))


@bp.get("/signalen/<int:signal_id>/diagram.bpmn")
@login_required
def diagram(signal_id: int):
    xml = orchestrator().signal_diagram(g.actor, signal_id)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=300"})
