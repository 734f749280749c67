"""Browser sign-in: local accounts, sessions with an idle timeout, CSRF on every form.

The API has its own authentication (bearer tokens, :mod:`web.api.routes`) and is
exempt from CSRF; every other POST needs the session's CSRF token.
"""
from __future__ import annotations

import functools
import time
from urllib.parse import urlparse

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from engine.errors import NotFound

from . import orchestrator

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("ACTOR_CACHE_SECONDS", 0 if app.testing else 5)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's idle timeout bounds it
    csrf.init_app(app)
    app.before_request(_load_user)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_blueprint(bp)


def _load_user() -> None:
    g.actor = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    last = session.get("actief_op", 0)
    if time.time() - last > idle:
        session.clear()
        g.sessie_verlopen = True
        return
    session["actief_op"] = time.time()
    try:
        g.actor = _actor(user_id)
    except NotFound:  # the account was removed or switched off: the session ends
        session.clear()


_ACTORS: dict[int, tuple[float, object]] = {}


def _actor(user_id: int):
    """The signed-in user's roles, remembered for ``ACTOR_CACHE_SECONDS`` (a role change or a
    deactivation takes at most that long to apply; 0 switches the cache off)."""
    ttl = current_app.config["ACTOR_CACHE_SECONDS"]
    now = time.monotonic()
    cached = _ACTORS.get(user_id) if ttl else None
    if cached is not None and cached[0] > now:
        return cached[1]
    actor = orchestrator().actor(user_id)
    if ttl:
        if len(_ACTORS) > 10_000:
            _ACTORS.clear()
        _ACTORS[user_id] = (now + ttl, actor)
    return actor


def login_required(view):
    """Send visitors without a (live) session to the sign-in page, back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("actor") is None:
            if g.get("sessie_verlopen"):
                flash("Uw sessie is verlopen door inactiviteit. Meld u opnieuw aan.", "waarschuwing")
            if request.accept_mimetypes.best == "application/json" or request.is_json:
                return {"fout": "U bent niet (meer) aangemeld.", "doorsturen": url_for("auth.login")}, 401
            return redirect(url_for("auth.login", volgende=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/aanmelden", methods=["GET", "POST"])
def login():
    fout = None
    gebruikersnaam = ""
    if request.method == "POST":
        gebruikersnaam = request.form.get("gebruikersnaam", "").strip()
        wachtwoord = request.form.get("wachtwoord", "")
        actor = orchestrator().authenticate(gebruikersnaam, wachtwoord) if gebruikersnaam and wachtwoord else None
        if actor is None:
            fout = "Deze combinatie van gebruikersnaam en wachtwoord is onbekend."
        else:
            session.clear()
            session["user_id"] = actor.id
            session["actief_op"] = time.time()
            return redirect(_safe_next(request.args.get("volgende")) or url_for("pages.start"))
    status = 401 if fout else 200
    return render_template("aanmelden.html", fout=fout, gebruikersnaam=gebruikersnaam), status


@bp.post("/afmelden")
def logout():
    session.clear()
    flash("U bent afgemeld.", "info")
    return redirect(url_for("auth.login"))


def _csrf_error(error: CSRFError):
    if request.is_json or request.path.startswith("/api/"):
        return {"fout": "De beveiligingscode van het formulier ontbreekt of is verlopen. Laad de pagina opnieuw."}, 400
    return render_template("fout.html", titel="Formulier verlopen",
                           bericht="De beveiligingscode van het formulier ontbreekt of is verlopen. "
                                   "Ga terug, laad de pagina opnieuw en probeer het nog eens."), 400
