"""The Signalen list (filtered, paged) and handing a signal over to another municipality."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from engine.errors import FieldErrors
from engine.service.cases import HANDED_OVER, MINDERJARIG, ROUTES, STATUSES

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number
from . import bp

PAGE_SIZE = 25
FILTERS = ("referentie", "status", "fase", "route", "proces", "gemeente", "ontvangen_van", "ontvangen_tot",
           "minderjarige", "acute", "overdue")
LABELS = {"referentie": "Referentie", "status": "Status", "fase": "Fase", "route": "Route", "proces": "Proces",
          "gemeente": "Gemeente", "ontvangen_van": "Ontvangen van", "ontvangen_tot": "Ontvangen tot en met",
          "minderjarige": "Minderjarige", "acute": "Acuut", "overdue": "Deadline verstreken", "reden": "Reden"}


@bp.get("/signalen")
@login_required
def signalen():
    cases = orchestrator().cases
    raw = {name: request.args.get(name, "") for name in FILTERS}
    fouten: dict[str, str] = {}
    result = {"signalen": [], "totaal": 0}
    pagina = page_number()
    try:
        flt = cases.parse_filter(raw)
        result = cases.signals(g.actor, flt, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    except FieldErrors as exc:
        fouten = exc.fields
    actief = {name: value for name, value in raw.items() if value}
    return render_template("pages/signalen.html", signalen=result["signalen"], totaal=result["totaal"],
                           pagina=pagina, paginas=page_count(result["totaal"], PAGE_SIZE), filters=raw, actief=actief,
                           fouten=fouten, labels=LABELS, keuzes=cases.filter_choices(g.actor), statussen=STATUSES,
                           routes=ROUTES, minderjarig=MINDERJARIG, overgedragen=raw["status"] == HANDED_OVER)


@bp.post("/signalen/<int:signal_id>/overdracht")
@login_required
def overdragen(signal_id: int):
    """Hand the signal over (its aandachtsfunctionaris); afterwards this municipality keeps only the fact."""
    try:
        done = orchestrator().cases.hand_over(g.actor, signal_id, request.form.get("gemeente", ""),
                                              request.form.get("reden", ""))
    except FieldErrors as exc:
        for veld, bericht in exc.fields.items():
            flash(f"{LABELS.get(veld, veld.capitalize())}: {bericht}", "fout")
        return redirect(url_for("pages.signaal", signal_id=signal_id) + "#overdracht-kop")
    flash(f"Signaal {done.referentie} is overgedragen aan de gemeente {done.naar}. De aandachtsfunctionaris daar "
          "heeft bericht; uw gemeente houdt alleen de referentie en de overdracht.", "succes")
    return redirect(url_for("pages.signalen"))
