"""The regional monitor (managers' and figures area): anonymised figures per municipality and region, per
quarter and half-year; the half-yearly report as PDF or Excel; mailing it to the ketenregisseur.

Parse, one front-door call (``Orchestrator.monitor``), render. Who sees which region, and every
suppressed count, come from the engine; downloads and mails are logged there."""
from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for

from engine.errors import FieldErrors
from engine.service.monitor import MIMETYPES, report_filename

from ..auth import login_required
from ..extensions import orchestrator
from ..monitor_pdf import render_report_pdf
from ..responses import wants_json
from .dashboard import bp

PERIODS = ("1", "2", "3", "4", "h")


def _choice() -> tuple[dict, dict]:
    """Region, year and half-year asked for (``regio``, ``jaar``, ``halfjaar``), defaults filled in; field errors."""
    jaar, halfjaar = orchestrator().monitor.current_half_year()
    values, errors = {"regio_id": None, "jaar": jaar, "halfjaar": halfjaar}, {}
    for name, key in (("regio", "regio_id"), ("jaar", "jaar"), ("halfjaar", "halfjaar")):
        raw = (request.values.get(name) or "").strip()
        if not raw:
            continue
        if raw.isdigit() and len(raw) <= 9:
            values[key] = int(raw)
        else:
            errors[name] = "vul een geheel getal in"
    return values, errors


@bp.get("/overzicht/monitor")
@login_required
def monitor():
    keuze, errors = _choice()
    cijfers = None
    if not errors:
        try:
            cijfers = orchestrator().monitor.figures(g.actor, **keuze)
        except FieldErrors as error:
            errors = error.fields
    if wants_json():
        return ({"fout": "Kies een geldig jaar en halfjaar.", "velden": errors}, 422) if errors else cijfers
    periode = request.args.get("periode") if request.args.get("periode") in PERIODS else "h"
    if cijfers and periode not in [p["sleutel"] for p in cijfers["perioden"]]:
        periode = "h"
    query = {"regio": cijfers["regio"]["id"], "jaar": cijfers["jaar"], "halfjaar": cijfers["halfjaar"]} if cijfers else {}
    return render_template("dashboard/monitor.html", cijfers=cijfers, fouten=errors, keuze=keuze, periode=periode,
                           query=query), 422 if errors else 200


@bp.get("/overzicht/monitor/rapport.<soort>")
@login_required
def monitor_report(soort: str):
    if soort not in MIMETYPES:
        return render_template("fout.html", titel="Onbekend bestand", bericht="Kies PDF of Excel."), 404
    keuze, errors = _choice()
    if errors:
        raise FieldErrors(errors)
    result = orchestrator().monitor.report(g.actor, soort, **keuze)
    body = render_report_pdf(result) if soort == "pdf" else result
    name = report_filename(keuze["jaar"], keuze["halfjaar"], soort)
    return Response(body, mimetype=MIMETYPES[soort], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                             "Cache-Control": "private, no-store"})


@bp.post("/overzicht/monitor/rapport/mailen")
@login_required
def monitor_mail():
    keuze, errors = _choice()
    if errors:
        raise FieldErrors(errors)
    queued = orchestrator().monitor.mail_report(g.actor, render_pdf=render_report_pdf, **keuze)
    delivers = orchestrator().mail_delivery_on()
    if wants_json():
        return {"in_wachtrij": queued, "maildienst_aan": delivers}, 202 if queued else 200
    if not queued:
        flash("Er is niets verstuurd: geen ketenregisseur van deze regio heeft een e-mailadres ingesteld.", "fout")
    elif delivers:
        flash(f"De mail met het rapport (PDF en Excel als bijlage) staat in de wachtrij voor {queued} "
              "ketenregisseur(s) en gaat met de volgende mailronde apart de deur uit, ook bij wie een dagoverzicht "
              "koos. Verzonden is hij pas als de mailserver hem aanneemt (zie Mail bij de beheerder).", "succes")
    else:
        flash(f"Het rapport staat klaar voor {queued} ketenregisseur(s), maar de maildienst staat uit: de mail wordt "
              "niet verstuurd en komt als 'niet bezorgd' bij Mail van de beheerder.", "fout")
    return redirect(url_for("overzicht.monitor", regio=keuze["regio_id"], jaar=keuze["jaar"],
                            halfjaar=keuze["halfjaar"]), 303)
