"""The route set-up page (issue #17): how each municipality's intake chooses a route, per region and
municipality, for process owners and beheerders (with a second factor) of the places concerned."""
from __future__ import annotations

import functools

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import may_change_processes
from engine.errors import FieldErrors, NotFound

from ..auth.signin import login_required
from ..extensions import orchestrator

bp = Blueprint("route_inrichting", __name__, url_prefix="/beheer/route-inrichting")
_NOT_HERE = "U heeft geen toegang tot deze pagina, of ze bestaat niet."


def process_owner_required(view):
    """Signed in, and a process owner or beheerder with a second factor; anybody else: no such page."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may_change_processes(g.actor):
            raise NotFound(_NOT_HERE)
        return view(*args, **kwargs)

    return wrapped


@bp.get("")
@process_owner_required
def overzicht():
    return render_template("admin/route_inrichting.html", fouten={}, fout_plek=None,
                           **orchestrator().region.route_overview(g.actor))


@bp.post("/<scope>/<int:plek_id>")
@process_owner_required
def opslaan(scope: str, plek_id: int):
    if scope not in ("gemeente", "regio"):
        raise NotFound(_NOT_HERE)
    region = orchestrator().region
    try:
        region.set_route(g.actor, scope, plek_id, {"modus": request.form.get("modus", ""),
                                                   "proces": request.form.get("proces", "")})
    except FieldErrors as exc:
        return render_template("admin/route_inrichting.html", fouten=exc.fields, fout_plek=(scope, plek_id),
                               **region.route_overview(g.actor)), 422
    flash("De route-inrichting is opgeslagen; ze geldt voor signalen die vanaf nu worden gemeld.", "succes")
    return redirect(url_for("route_inrichting.overzicht"))
