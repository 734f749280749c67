"""Two-factor sign-in pages: set it up (QR code), recovery codes, switch it off (when optional)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from engine.errors import Conflict, FieldErrors
from engine.service.signin import required_for

from .signin import end_session, login_required, set_second_factor, signin, start_session

bp = Blueprint("tweestaps", __name__, url_prefix="/account/tweestapsverificatie")


@bp.get("")
@login_required
def account():
    return render_template("auth/tweestaps_account.html", status=signin().two_factor_status(g.actor.id),
                           verplicht=required_for(g.actor))


@bp.route("/instellen", methods=["GET", "POST"])
@login_required
def instellen():
    tf = signin()
    if tf.two_factor_status(g.actor.id).ingesteld:
        flash("Tweestapsverificatie is al ingesteld.", "info")
        return redirect(url_for("tweestaps.account"))
    fout = None
    if request.method == "POST":
        try:
            codes = tf.confirm_enrolment(g.actor.id, request.form.get("code", ""))
        except FieldErrors as exc:
            fout = exc.fields["code"]
        else:
            user_id = g.actor.id
            end_session("nieuwe_sessie")  # a fresh session that knows the second factor was shown
            start_session(user_id, tweestaps=True)
            return render_template("auth/tweestaps_herstelcodes.html", codes=codes, nieuw=True)
    enrolment = tf.start_enrolment(g.actor.id)
    return render_template("auth/tweestaps_instellen.html", enrolment=enrolment, fout=fout,
                           verplicht=required_for(g.actor)), (422 if fout else 200)


@bp.get("/qr.svg")
@login_required
def qr():
    """The QR code of the pending enrolment (an image of its own: no inline SVG in the page)."""
    if signin().two_factor_status(g.actor.id).ingesteld:
        return Response(status=404)
    return Response(signin().start_enrolment(g.actor.id).qr_svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@bp.post("/herstelcodes")
@login_required
def herstelcodes():
    try:
        codes = signin().regenerate_recovery_codes(g.actor.id, request.form.get("code", ""))
    except FieldErrors as exc:
        return _account_with_error(exc.fields["code"])
    except Conflict as exc:
        flash(str(exc), "fout")
        return redirect(url_for("tweestaps.account"))
    return render_template("auth/tweestaps_herstelcodes.html", codes=codes, nieuw=False)


@bp.post("/uitzetten")
@login_required
def uitzetten():
    try:
        signin().switch_off_two_factor(g.actor, request.form.get("code", ""))
    except FieldErrors as exc:
        return _account_with_error(exc.fields["code"])
    set_second_factor(False)
    flash("Tweestapsverificatie staat uit. U meldt zich voortaan aan met alleen uw wachtwoord.", "succes")
    return redirect(url_for("tweestaps.account"))


def _account_with_error(fout: str):
    return render_template("auth/tweestaps_account.html", status=signin().two_factor_status(g.actor.id),
                           verplicht=required_for(g.actor), fout=fout), 422
