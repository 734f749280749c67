"""Browser sign-in: local accounts, server-side sessions, CSRF on every form.

The signed cookie carries the session id (and the CSRF token); whether the session works is
decided by its row (:mod:`engine.people.sessions`, asked through the sign-in desk): it ends at
sign-out, after ``SESSION_IDLE_MINUTES`` without a request, ``SESSION_ABSOLUTE_HOURS`` after
sign-in, and when the user's password, roles or active state change. The API has its own authentication (bearer tokens,
:mod:`web.api.routes`) and is exempt from CSRF; every other POST needs the session's CSRF token.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import time

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from engine.errors import NotFound
from engine.service.signin import ENDED, EXPIRED, IDLE, LiveSession, SignInDesk, required_for

from ..extensions import csrf, orchestrator
from ..responses import error_response, safe_next, wants_json
from ..security import code_limits, sign_in_limits

bp = Blueprint("auth", __name__)
CODE_STEP_SECONDS = 300  # after the password, the code must follow within five minutes

# What a user whose role requires two-factor sign-in may do before having set it up.
_OPEN_BEFORE_ENROLMENT = {"static", "auth.logout", "auth.login", "tweestaps.instellen", "tweestaps.qr"}


def init_app(app: Flask) -> None:
    """CSRF on every form, the session's user before each request, and the two-factor gate."""
    if app.config["ACTOR_CACHE_SECONDS"] is None:
        app.config["ACTOR_CACHE_SECONDS"] = 0 if app.testing else 5
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    csrf.init_app(app)  # WTF_CSRF_TIME_LIMIT: none by default, the session's idle timeout bounds it
    app.before_request(_load_user)
    app.before_request(_two_factor_gate)
    app.register_error_handler(CSRFError, _csrf_error)


def signin() -> SignInDesk:
    """The engine's sign-in desk: password, sessions, two-factor sign-in."""
    return orchestrator().signin


def _idle() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _lifetime() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def _load_user() -> None:
    g.actor = None
    g.sessie = None
    session_id = session.get("sid")
    if session_id is None:
        if "user_id" in session:  # a cookie from before server-side sessions: it proves nothing
            session.clear()
        return
    found = signin().resume_session(session_id, idle=_idle())
    if not isinstance(found, LiveSession):
        session.clear()
        g.sessie_verlopen = found
        return
    try:
        g.actor = _actor(found)
    except NotFound:  # the account was removed or switched off: the session ends
        session.clear()
        return
    g.sessie = found


def _actor(live: LiveSession):
    """The signed-in user with their roles, remembered per session for ``ACTOR_CACHE_SECONDS`` (0: off).

    Whether the session still works is checked on every request
    (:meth:`~engine.service.signin.SignInDesk.resume_session`); a role change ends the user's
    sessions, so a cached actor never outlives its roles. The cache belongs to the app (another
    app in the process has other sessions under the same row ids), and its key holds the user as
    well as the session row, so a row id the database hands out again (SQLite reuses the highest
    id after a delete) can never stand for someone else.
    """
    ttl = current_app.config["ACTOR_CACHE_SECONDS"]
    if not ttl:
        return dataclasses.replace(orchestrator().actor(live.user_id), tweede_factor=live.tweede_factor)
    actors: dict = current_app.extensions.setdefault("signaalroute.actors", {})
    key = (live.id, live.user_id, live.tweede_factor)
    now = time.monotonic()
    cached = actors.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    actor = dataclasses.replace(orchestrator().actor(live.user_id), tweede_factor=live.tweede_factor)
    if len(actors) > 10_000:
        actors.clear()
    actors[key] = (now + ttl, actor)
    return actor


def _two_factor_gate():
    """Users whose role requires two-factor sign-in can do nothing else until it is set up and used."""
    actor = g.get("actor")
    if actor is None or actor.tweede_factor or not required_for(actor):
        return None
    if signin().two_factor_status(actor.id).ingesteld:
        # Set up, but this session began without it (say, the role came later): sign in again with the code.
        end_session("tweede_factor_nodig")
        session["tweestaps_gebruiker"] = actor.id
        session["tweestaps_sinds"] = time.time()
        g.actor = None
        target = url_for("auth.code")
    else:
        g.alleen_inschrijven = True
        if request.endpoint in _OPEN_BEFORE_ENROLMENT:
            return None
        target = url_for("tweestaps.instellen")
    if wants_json():
        return {"fout": "Stel eerst tweestapsverificatie in (verplicht voor uw rol).", "doorsturen": target}, 403
    return redirect(target)


def login_required(view):
    """Send visitors without a (live) session to the sign-in page, back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("actor") is None:
            if g.get("sessie_verlopen") in _ENDED_MESSAGES:
                flash(_ENDED_MESSAGES[g.sessie_verlopen], "waarschuwing")
            if wants_json():
                return {"fout": "U bent niet (meer) aangemeld.", "doorsturen": url_for("auth.login")}, 401
            return redirect(url_for("auth.login", volgende=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


_ENDED_MESSAGES = {
    IDLE: "Uw sessie is verlopen door inactiviteit. Meld u opnieuw aan.",
    EXPIRED: "Uw sessie heeft de maximale duur bereikt. Meld u opnieuw aan.",
    ENDED: "Uw sessie is beëindigd (afgemeld, of uw account is gewijzigd). Meld u opnieuw aan.",
}


@bp.route("/aanmelden", methods=["GET", "POST"])
@sign_in_limits
def login():
    fout = None
    gebruikersnaam = ""
    if request.method == "POST":
        gebruikersnaam = request.form.get("gebruikersnaam", "").strip()
        wachtwoord = request.form.get("wachtwoord", "")
        actor = signin().authenticate(gebruikersnaam, wachtwoord) if gebruikersnaam and wachtwoord else None
        if actor is None:
            fout = "Deze combinatie van gebruikersnaam en wachtwoord is onbekend."
        else:
            return _password_accepted(actor)
    status = 401 if fout else 200
    return render_template("auth/aanmelden.html", fout=fout, gebruikersnaam=gebruikersnaam), status


def _password_accepted(actor):
    """The first factor passed: ask for the code, or sign in (and send to enrolment if it is required)."""
    volgende = safe_next(request.args.get("volgende"))
    end_session("nieuwe_aanmelding")  # a new session at every sign-in: no session fixation
    if signin().two_factor_status(actor.id).ingesteld:
        session["tweestaps_gebruiker"] = actor.id
        session["tweestaps_sinds"] = time.time()
        session["volgende"] = volgende
        return redirect(url_for("auth.code"))
    start_session(actor.id, tweestaps=False)
    signin().signed_in(actor.id, "wachtwoord")
    if required_for(actor):
        flash("Voor uw rol is tweestapsverificatie verplicht. Stel het nu in; daarna kunt u verder.", "waarschuwing")
        return redirect(url_for("tweestaps.instellen"))
    return redirect(volgende or url_for("pages.start"))


def start_session(user_id: int, *, tweestaps: bool) -> None:
    """Sign ``user_id`` in: a new server-side session (``tweestaps``: a second factor was verified),
    its id in the cookie. Callers clear the cookie first (:func:`end_session`)."""
    session["sid"] = signin().start_session(user_id, tweede_factor=tweestaps, lifetime=_lifetime())


def end_session(reden: str = "afgemeld") -> None:
    """End the cookie's session (if any) on the server, and clear the cookie."""
    session_id = session.get("sid")
    if session_id is not None:
        signin().end_session(session_id, reden)
    session.clear()


def set_second_factor(tweestaps: bool) -> None:
    """Record on the current session whether a second factor was verified in it."""
    signin().set_second_factor(session["sid"], tweestaps)


@bp.route("/aanmelden/code", methods=["GET", "POST"])
@code_limits
def code():
    """The second factor: a code from the authenticator app, or a recovery code."""
    user_id = session.get("tweestaps_gebruiker")
    if user_id is None or time.time() - session.get("tweestaps_sinds", 0) > CODE_STEP_SECONDS:
        session.clear()
        flash("Meld u opnieuw aan met uw gebruikersnaam en wachtwoord.", "waarschuwing")
        return redirect(url_for("auth.login"))
    fout = None
    if request.method == "POST":
        verified = signin().verify_code(user_id, request.form.get("code", ""))
        if verified is None:
            fout = "Deze code klopt niet of is al gebruikt. Typ de zes cijfers die uw app nu toont, of een herstelcode."
        else:
            volgende = session.get("volgende")
            eerste_factor = session.get("eerste_factor", "wachtwoord")  # or "oidc" (web.auth.oidc)
            session.clear()
            start_session(user_id, tweestaps=True)
            signin().signed_in(user_id, f"{eerste_factor}+{verified.methode}")
            if verified.methode == "herstelcode":
                flash(f"U bent aangemeld met een herstelcode; u heeft er nog {verified.herstelcodes_over}. "
                      "Maak nieuwe herstelcodes als u er weinig over heeft.", "waarschuwing")
            return redirect(volgende or url_for("pages.start"))
    return render_template("auth/tweestaps_code.html", fout=fout), (401 if fout else 200)


@bp.post("/afmelden")
def logout():
    end_session("afgemeld")
    flash("U bent afgemeld.", "info")
    return redirect(url_for("auth.login"))


def _csrf_error(error: CSRFError):
    if wants_json():
        return {"fout": "De beveiligingscode van het formulier ontbreekt of is verlopen. Laad de pagina opnieuw."}, 400
    return error_response(400, "Formulier verlopen", "De beveiligingscode van het formulier ontbreekt of is verlopen. "
                                                     "Ga terug, laad de pagina opnieuw en probeer het nog eens.")
