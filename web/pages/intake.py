"""Report a signal, and follow one's own reports."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from engine import TASK_ROLES, may_administer, may_change_processes

from ..auth import login_required
from ..extensions import orchestrator
from . import bp


@bp.get("/")
def start():
    actor = g.get("actor")
    if actor is None:
        return redirect(url_for("auth.login"))
    return redirect(start_page(actor))


def start_page(actor) -> str:
    """Where ``actor`` starts: the page of their main work, never an empty task list.

    Whoever does tasks starts at the Werkvoorraad; a manager at the Overzicht; a process owner at
    Processen; a beheerder at Gebruikers; a reporter at their own reports.
    """
    roles = actor.role_keys()
    if roles & TASK_ROLES:
        return url_for("pages.werkvoorraad")
    if "manager" in roles:
        return url_for("overzicht.board")
    if may_change_processes(actor) and "procesbeheerder" in roles:
        return url_for("modeler.bibliotheek")
    if may_administer(actor):
        return url_for("beheer.lijst")
    if may_change_processes(actor):
        return url_for("modeler.bibliotheek")
    if actor.only_reports() or not roles:
        return url_for("pages.mijn_meldingen")
    return url_for("pages.werkvoorraad")


@bp.get("/melden")
@login_required
def melden():
    schema = orchestrator().intake_form()
    gemeenten = sorted(orchestrator().inbox_filters(g.actor)["gemeenten"].values())
    defaults = {"gemeente": gemeenten[0] if gemeenten else None, "bron": "intern",
                "melder": {"naam": g.actor.naam}}
    return render_template("pages/melden.html", schema=choice_of_gemeenten(schema, gemeenten), gegevens=defaults)


def choice_of_gemeenten(schema, gemeenten: list[str]):
    """The report form with its free-text "Gemeente" as a choice of the reporter's municipalities
    (the intake refuses any other; a choice cannot be mistyped). The stored form is not changed."""
    if not isinstance(schema, dict) or not gemeenten:
        return schema

    def changed(component: dict) -> dict:
        if component.get("key") == "gemeente" and component.get("type") == "textfield":
            return {**component, "type": "select", "values": [{"label": naam, "value": naam} for naam in gemeenten]}
        if isinstance(component.get("components"), list):
            return {**component, "components": [changed(c) if isinstance(c, dict) else c
                                                 for c in component["components"]]}
        return component

    return changed(schema)


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

