"""User administration pages for the ``beheerder`` (Gebruikersbeheer)."""
from __future__ import annotations

import functools

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import ROLES, grant_scopes, may_administer
from engine.errors import FieldErrors, NotFound
from engine.service.admin import AdminDesk, NewUser

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number

bp = Blueprint("beheer", __name__, url_prefix="/beheer/gebruikers")
PAGE_SIZE = 50


def _admin() -> AdminDesk:
    return orchestrator().admin


def beheerder_required(view):
    """Signed in, and a ``beheerder``; anybody else gets the same answer as for a page that does not exist."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may_administer(g.actor):
            raise NotFound("U heeft geen toegang tot deze pagina, of ze bestaat niet.")
        return view(*args, **kwargs)

    return wrapped


def _grid(admin: AdminDesk) -> dict:
    """The role grid: roles as rows; the installation, each region and each municipality as
    columns; per role the scopes the policy lets it be granted in."""
    return {"rollen": ROLES, "scopes": {rol: grant_scopes(rol) for rol in ROLES}, **admin.places(g.actor)}


@bp.get("")
@beheerder_required
def lijst():
    rol = request.args.get("rol") or None
    if rol not in ROLES:
        rol = None
    status = request.args.get("status") or None
    actief = {"actief": True, "uit": False}.get(status or "")
    pagina = page_number()
    result = _admin().users(g.actor, rol=rol, actief=actief, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    paginas = page_count(result["totaal"], PAGE_SIZE)
    return render_template("admin/gebruikers.html", gebruikers=result["gebruikers"], totaal=result["totaal"],
                           rollen=ROLES, filters={"rol": rol, "status": status if actief is not None else None},
                           pagina=pagina, paginas=paginas)


@bp.route("/nieuw", methods=["GET", "POST"])
@beheerder_required
def nieuw():
    admin = _admin()
    fouten: dict[str, str] = {}
    invoer = {"gebruikersnaam": "", "naam": "", "rollen": set()}
    if request.method == "POST":
        invoer = {"gebruikersnaam": request.form.get("gebruikersnaam", "").strip(),
                  "naam": request.form.get("naam", "").strip(), "rollen": set(request.form.getlist("rollen"))}
        try:
            grants = admin.grants_from_form(request.form.getlist("rollen"))
        except FieldErrors as exc:
            fouten.update(exc.fields)
            grants = frozenset()
        try:
            user_id = admin.create(g.actor, NewUser(invoer["gebruikersnaam"], invoer["naam"],
                                                    request.form.get("wachtwoord", ""), grants))
        except FieldErrors as exc:
            fouten = {**exc.fields, **fouten}
        else:
            flash(f"Gebruiker {invoer['gebruikersnaam']} is aangemaakt. Geef het wachtwoord langs een andere weg door.",
                  "succes")
            return redirect(url_for("beheer.gebruiker", user_id=user_id))
    return render_template("admin/gebruiker_nieuw.html", invoer=invoer, fouten=fouten, **_grid(admin)), \
        (422 if fouten else 200)


@bp.get("/<int:user_id>")
@beheerder_required
def gebruiker(user_id: int):
    return _detail(user_id)


def _detail(user_id: int, fouten: dict | None = None, gekozen: set | None = None, getoond: set | None = None):
    admin = _admin()
    detail = admin.user(g.actor, user_id)
    tokens = admin.tokens_of(g.actor, user_id)
    return render_template("admin/gebruiker.html", gebruiker=detail, fouten=fouten or {}, tokens=tokens,
                           url_intrekken=lambda t: url_for("beheer.token_intrekken", user_id=user_id, token_id=t["id"]),
                           gekozen=detail["toekenningen"] if gekozen is None else gekozen,
                           getoond=detail["toekenningen"] if getoond is None else getoond, **_grid(admin)), \
        (422 if fouten else 200)


@bp.post("/<int:user_id>/rollen")
@beheerder_required
def rollen(user_id: int):
    admin = _admin()
    values = request.form.getlist("rollen")
    # The grants the form showed as held: only what was ticked or unticked changes (see set_roles).
    shown_values = [v for v in request.form.getlist("getoond") if v] if "getoond" in request.form else None
    try:
        shown = None if shown_values is None else admin.grants_from_form(shown_values, skip_unknown=True)
        changed = admin.set_roles(g.actor, user_id, admin.grants_from_form(values), shown)
    except FieldErrors as exc:
        return _detail(user_id, exc.fields, set(values), None if shown_values is None else set(shown_values))
    flash("De rollen zijn opgeslagen." if changed else "Er was niets gewijzigd.", "succes" if changed else "info")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))


@bp.post("/<int:user_id>/uitschakelen")
@beheerder_required
def uitschakelen(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/inschakelen")
@beheerder_required
def inschakelen(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, actief: bool):
    try:
        _admin().set_active(g.actor, user_id, actief)
    except FieldErrors as exc:
        return _detail(user_id, exc.fields)
    flash("De gebruiker is weer ingeschakeld." if actief
          else "De gebruiker is uitgeschakeld: aanmelden en API-tokens werken niet meer.", "succes")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))


@bp.post("/<int:user_id>/tweestaps-herstellen")
@beheerder_required
def tweestaps_herstellen(user_id: int):
    if _admin().reset_two_factor(g.actor, user_id):
        flash("Tweestapsverificatie is gewist. De gebruiker stelt het opnieuw in bij de volgende aanmelding "
              "(verplicht voor beheerders en procesbeheerders).", "succes")
    else:
        flash("Deze gebruiker had geen tweestapsverificatie ingesteld.", "info")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))


@bp.post("/<int:user_id>/wachtwoord")
@beheerder_required
def wachtwoord(user_id: int):
    try:
        _admin().set_password(g.actor, user_id, request.form.get("wachtwoord", ""))
    except FieldErrors as exc:
        return _detail(user_id, exc.fields)
    flash("Het nieuwe wachtwoord is ingesteld. Geef het langs een andere weg door.", "succes")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))


@bp.post("/<int:user_id>/tokens/<int:token_id>/intrekken")
@beheerder_required
def token_intrekken(user_id: int, token_id: int):
    revoked = _admin().revoke_token(g.actor, user_id, token_id)
    flash("Het API-token is ingetrokken: wat het gebruikt, werkt niet meer." if revoked
          else "Dit API-token was al ingetrokken.", "succes" if revoked else "info")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))


@bp.post("/<int:user_id>/sessies-beeindigen")
@beheerder_required
def sessies_beeindigen(user_id: int):
    ended = _admin().end_sessions(g.actor, user_id)
    flash(f"{ended} sessie(s) beëindigd: de gebruiker moet zich opnieuw aanmelden." if ended
          else "Deze gebruiker had geen lopende sessies.", "succes" if ended else "info")
    return redirect(url_for("beheer.gebruiker", user_id=user_id))
