"""The catalog pages for the ``beheerder`` (issue #17): roles, case tables, chain-partner kinds and
covenants, each a list with an add form, an edit page per entry, and removal of added entries."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import ROLES
from engine.errors import FieldErrors, NotFound
from engine.service.region import KINDS, LEVELS, ROUTE_NAMES

from ..extensions import orchestrator
from .admin_users import beheerder_required

bp = Blueprint("catalogus", __name__, url_prefix="/beheer/catalogus")
_LIST_FIELDS = ("deelnemers", "voorzitters", "routes")
# What needs no catalog: assets, and the probes that must answer when the database does not.
_WITHOUT_CATALOG = frozenset({"static", "observability.health", "observability.metrics"})


@bp.before_app_request
def follow_the_catalog():
    """The catalog (roles, case tables, partner kinds) is data another worker may have changed: each request
    follows it (one indexed read when nothing changed), after the request id and the session are set."""
    if request.endpoint not in _WITHOUT_CATALOG:
        orchestrator().region.refresh()


def _kind(soort: str) -> str:
    if soort not in KINDS:
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    return soort


def _values() -> dict:
    values = {key: request.form.get(key, "") for key in ("sleutel", "naam", "niveau", "escalatie_rol")}
    values.update(regionaal=request.form.get("regionaal") == "ja", taakrol=request.form.get("taakrol") == "ja")
    values.update({key: request.form.getlist(key) for key in _LIST_FIELDS})
    return values


def _page(soort: str, *, invoer: dict, fouten: dict, sleutel: str | None, status: int = 200):
    region = orchestrator().region
    template = "admin/catalogus_item.html" if sleutel else "admin/catalogus.html"
    return render_template(template, soort=soort, soorten=KINDS, entries=region.entries(soort), invoer=invoer,
                           fouten=fouten, sleutel=sleutel, rollen=ROLES, niveaus=LEVELS, routes=ROUTE_NAMES), status


@bp.get("")
@beheerder_required
def start():
    return redirect(url_for("catalogus.lijst", soort="rol"))


@bp.route("/<soort>", methods=["GET", "POST"])
@beheerder_required
def lijst(soort: str):
    """The entries of one kind, and the form to add one."""
    soort = _kind(soort)
    if request.method == "POST":
        invoer = _values()
        try:
            sleutel = orchestrator().region.save(g.actor, soort, invoer)
        except FieldErrors as exc:
            return _page(soort, invoer=invoer, fouten=exc.fields, sleutel=None, status=422)
        flash(f"{invoer['naam'].strip()} ({sleutel}) is toegevoegd.", "succes")
        return redirect(url_for("catalogus.lijst", soort=soort))
    return _page(soort, invoer={}, fouten={}, sleutel=None)


@bp.route("/<soort>/<sleutel>", methods=["GET", "POST"])
@beheerder_required
def bewerken(soort: str, sleutel: str):
    soort = _kind(soort)
    region = orchestrator().region
    try:
        entry = region.entry(soort, sleutel)
    except NotFound:
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.") from None
    if request.method == "POST":
        invoer = _values()
        try:
            region.save(g.actor, soort, invoer, sleutel=sleutel)
        except FieldErrors as exc:
            return _page(soort, invoer={**entry, **invoer}, fouten=exc.fields, sleutel=sleutel, status=422)
        flash(f"{invoer['naam'].strip()} is opgeslagen.", "succes")
        return redirect(url_for("catalogus.lijst", soort=soort))
    return _page(soort, invoer=entry, fouten={}, sleutel=sleutel)


@bp.post("/<soort>/<sleutel>/verwijderen")
@beheerder_required
def verwijderen(soort: str, sleutel: str):
    soort = _kind(soort)
    try:
        orchestrator().region.remove(g.actor, soort, sleutel)
    except FieldErrors as exc:
        flash(f"Niet verwijderd: {exc.fields.get('sleutel', 'de invoer is niet geldig')}.", "fout")
    except NotFound:
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.") from None
    else:
        flash(f"'{sleutel}' is verwijderd.", "succes")
    return redirect(url_for("catalogus.lijst", soort=soort))
