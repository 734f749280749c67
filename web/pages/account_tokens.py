"""Account > API-tokens: a signed-in user makes, sees and revokes their own API tokens.

A token made here carries the session's second factor (:meth:`engine.service.signin.SignInDesk.issue_token`): made
after a two-factor sign-in it may deploy or administer as its owner's role allows; otherwise not.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import MAX_TOKEN_DAYS, TOKEN_DAYS
from engine.errors import FieldErrors
from engine.service.signin import SignInDesk

from ..auth import login_required
from ..extensions import orchestrator

bp = Blueprint("tokens", __name__, url_prefix="/account/api-tokens")


def _tokens() -> SignInDesk:
    return orchestrator().signin


def _page(nieuw: str | None = None, fouten: dict | None = None, invoer: dict | None = None, status: int = 200):
    return render_template("pages/account_tokens.html", tokens=_tokens().my_tokens(g.actor), nieuw=nieuw, fouten=fouten or {},
                           invoer=invoer or {"naam": "", "dagen": TOKEN_DAYS}, max_dagen=MAX_TOKEN_DAYS,
                           url_intrekken=lambda t: url_for("tokens.intrekken", token_id=t["id"])), status


@bp.get("")
@login_required
def lijst():
    return _page()


@bp.post("")
@login_required
def maken():
    invoer = {"naam": request.form.get("naam", "").strip(), "dagen": request.form.get("dagen", "").strip()}
    try:
        try:
            dagen = int(invoer["dagen"] or TOKEN_DAYS)
        except ValueError:
            raise FieldErrors({"dagen": "moet een geheel aantal dagen zijn"}) from None
        token = _tokens().issue_token(g.actor, naam=invoer["naam"] or None, days=dagen)
    except FieldErrors as exc:
        return _page(fouten=exc.fields, invoer=invoer, status=422)
    return _page(nieuw=token, status=201)


@bp.post("/<int:token_id>/intrekken")
@login_required
def intrekken(token_id: int):
    revoked = _tokens().revoke_my_token(g.actor, token_id)
    flash("Het token is ingetrokken." if revoked else "Dit token was al ingetrokken.", "succes" if revoked else "info")
    return redirect(url_for("tokens.lijst"))
