"""The task list ("Werkvoorraad"): mine and my roles', filtered, sorted, paged."""
from __future__ import annotations

import datetime as dt

from flask import flash, g, redirect, render_template, request, url_for

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number, safe_next
from . import bp

PAGE_SIZE = 25
DUE_SOON = dt.timedelta(days=2)


@bp.get("/werkvoorraad")
@login_required
def werkvoorraad():
    orch = orchestrator()
    stap = request.args.get("stap") or None
    gemeente = request.args.get("gemeente", type=int)
    if gemeente not in g.actor.gemeenten():
        gemeente = None
    mijn = request.args.get("mijn") == "1"
    aflopend = request.args.get("volgorde") == "laatst"
    pagina = page_number()
    result = orch.task_list(g.actor, bpmn_id=stap, gemeente_id=gemeente, alleen_mijn=mijn, latest_first=aflopend,
                            limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    g.nav_counts = result["tellers"]  # the navigation shows the same counts: no second count
    keuzes = {"stappen": result["stappen"], "gemeenten": result["gemeenten"]}
    now = orch.clock.now()
    # url_for per row is a measurable share of a 25-row page: build the row links from one prefix each.
    task_url, signal_url = url_for("pages.taak", task_id=0)[:-1], url_for("pages.signaal", signal_id=0)[:-1]
    for taak in result["taken"]:
        taak["markering"] = _marking(taak, now)
        taak["url"] = f"{task_url}{taak['id']}"
        taak["signaal_url"] = f"{signal_url}{taak['signaal_id']}" if taak["signaal_id"] else None
        taak["mijn"] = taak["toegewezen_aan"] == g.actor.gebruikersnaam
    pages = page_count(result["totaal"], PAGE_SIZE)
    filters = {"stap": stap, "gemeente": gemeente, "mijn": "1" if mijn else None,
               "volgorde": "laatst" if aflopend else None}
    return render_template("pages/werkvoorraad.html", taken=result["taken"], totaal=result["totaal"], pagina=pagina,
                           paginas=pages, keuzes=keuzes, filters=filters,
                           actief={k: v for k, v in filters.items() if v})


def _marking(taak: dict, now: dt.datetime) -> str | None:
    if not taak["deadline"]:
        return None
    due = dt.datetime.fromisoformat(taak["deadline"].replace("Z", "+00:00"))
    if due < now:
        return "te-laat"
    if due < now + DUE_SOON:
        return "bijna"
    return None


def _back() -> str:
    return safe_next(request.form.get("terug")) or url_for("pages.werkvoorraad")


@bp.post("/taken/<int:task_id>/claimen")
@login_required
def claimen(task_id: int):
    orchestrator().claim(g.actor, task_id)
    flash("De taak staat nu op uw naam.", "succes")
    return redirect(_back())


@bp.post("/taken/<int:task_id>/vrijgeven")
@login_required
def vrijgeven(task_id: int):
    orchestrator().unclaim(g.actor, task_id)
    flash("De taak is teruggegeven aan de werkvoorraad van de rol.", "succes")
    return redirect(_back())
