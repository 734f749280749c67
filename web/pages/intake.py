"""Report a signal, and follow one's own reports."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from ..auth import login_required
from ..extensions import orchestrator
from . import bp


@bp.get("/")
def start():
    actor = g.get("actor")
    if actor is None:
        return redirect(url_for("auth.login"))
    if not actor.only_reports():
        return redirect(url_for("pages.werkvoorraad"))
    return redirect(url_for("pages.mijn_meldingen"))


@bp.get("/melden")
@login_required
def melden():
    schema = orchestrator().intake_form()
    defaults = {"gemeente": _own_gemeente(), "bron": "intern",
                "melder": {"naam": g.actor.naam}}
    return render_template("pages/melden.html", schema=schema, gegevens=defaults)


@bp.post("/melden")
@login_required
def melden_versturen():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return {"fout": "Het formulier kwam niet goed aan; probeer het opnieuw."}, 400
    outcome = orchestrator().report_signal(g.actor, body["data"])
    return {"doorsturen": url_for("pages.mijn_meldingen", nieuw=outcome.referentie)}, 201


@bp.get("/mijn-meldingen")
@login_required
def mijn_meldingen():
    meldingen = orchestrator().my_signals(g.actor, limit=100)
    return render_template("pages/mijn_meldingen.html", meldingen=meldingen, nieuw=request.args.get("nieuw"))


def _own_gemeente() -> str | None:
    names = orchestrator().inbox_filters(g.actor)["gemeenten"]
    return next(iter(sorted(names.values())), None)
