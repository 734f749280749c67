"""The chain partner directory pages for the ``beheerder`` (Ketenpartners): per region, add, edit, remove."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from engine.errors import FieldErrors, NotFound
from engine.service.partners import FIELDS, SOORTEN, PartnersDesk

from ..extensions import orchestrator
from .admin_users import beheerder_required

bp = Blueprint("ketenpartners", __name__, url_prefix="/beheer/ketenpartners")
_UNDO = "ketenpartner_verwijderd"  # the session key of the last removed entry (for "Terugzetten")
_UNDO_SHOWN = "ketenpartner_verwijderd_tonen"  # the list offers the undo on the page right after the removal


def _directory() -> PartnersDesk:
    return orchestrator().partners


def _form_values() -> dict:
    return {key: request.form.get(key, "") for key in FIELDS}


def _region(directory: PartnersDesk, value) -> tuple[dict[int, str], int]:
    """The regions the beheerder keeps and the chosen one (the first if none or another was asked)."""
    regios = directory.regions(g.actor)
    if not regios:
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    try:
        regio_id = int(value)
    except (TypeError, ValueError):
        regio_id = next(iter(regios))
    if regio_id not in regios:
        raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
    return regios, regio_id


@bp.get("")
@beheerder_required
def lijst():
    directory = _directory()
    if not directory.regions(g.actor):  # a region first: the directory is kept per region
        return render_template("admin/ketenpartners.html", regios={}, regio_id=None, soorten=SOORTEN, ketenpartners=[])
    regios, regio_id = _region(directory, request.args.get("regio"))
    verwijderd = session.get(_UNDO) if session.pop(_UNDO_SHOWN, False) else None  # offered once, right after
    return render_template("admin/ketenpartners.html", regios=regios, regio_id=regio_id, soorten=SOORTEN,
                           ketenpartners=directory.list(g.actor, regio_id),
                           verwijderd=verwijderd if verwijderd and verwijderd["regio_id"] == regio_id else None)


@bp.route("/nieuw", methods=["GET", "POST"])
@beheerder_required
def nieuw():
    directory = _directory()
    regios, regio_id = _region(directory, request.values.get("regio"))
    return _entry_form(lambda invoer: directory.add(g.actor, regio_id, invoer), "is toegevoegd",
                       {key: "" for key in FIELDS}, regio_id=regio_id, regio_naam=regios[regio_id], partner_id=None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@beheerder_required
def bewerken(partner_id: int):
    directory = _directory()
    entry = directory.entry(g.actor, partner_id)
    return _entry_form(lambda invoer: directory.update(g.actor, partner_id, invoer), "is opgeslagen",
                       {key: entry[key] or "" for key in FIELDS}, regio_id=entry["regio_id"],
                       regio_naam=directory.regions(g.actor).get(entry["regio_id"], ""), partner_id=partner_id)


def _entry_form(save, gelukt: str, invoer: dict, *, regio_id: int, regio_naam: str, partner_id: int | None):
    """The add/edit page: on a post ``save(invoer)`` and back to the list, or the form again with its errors."""
    fouten: dict = {}
    if request.method == "POST":
        invoer = _form_values()
        try:
            save(invoer)
        except FieldErrors as exc:
            fouten = exc.fields
        else:
            flash(f"{invoer['naam'].strip()} {gelukt}.", "succes")
            return redirect(url_for("ketenpartners.lijst", regio=regio_id))
    return render_template("admin/ketenpartner.html", invoer=invoer, fouten=fouten, soorten=SOORTEN,
                           regio_id=regio_id, regio_naam=regio_naam,
                           partner_id=partner_id), (422 if fouten else 200)


@bp.post("/<int:partner_id>/verwijderen")
@beheerder_required
def verwijderen(partner_id: int):
    directory = _directory()
    entry = directory.entry(g.actor, partner_id)
    directory.remove(g.actor, partner_id)
    # Undo is cheap: the entry's fields stay in this session until the next removal or its undo.
    session[_UNDO_SHOWN] = True
    session[_UNDO] = {"regio_id": entry["regio_id"], **{key: entry[key] or "" for key in FIELDS}}
    return redirect(url_for("ketenpartners.lijst", regio=entry["regio_id"]))


@bp.post("/terugzetten")
@beheerder_required
def terugzetten():
    """Undo the last removal in this session: add the removed entry again (a new row, the same contact)."""
    verwijderd = session.pop(_UNDO, None)
    if not verwijderd:
        flash("Er is niets om terug te zetten.", "waarschuwing")
        return redirect(url_for("ketenpartners.lijst"))
    directory = _directory()
    regio_id = verwijderd.pop("regio_id")
    directory.add(g.actor, regio_id, verwijderd)
    flash(f"{verwijderd['naam']} is teruggezet.", "succes")
    return redirect(url_for("ketenpartners.lijst", regio=regio_id))
