"""The pages people work in: report, task list, task form, signal page."""
from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, Flask, g, jsonify, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from engine import AMSTERDAM, MeetingStatus, SignalStatus, TaskStatus
from engine.errors import Conflict, FieldErrors, Forbidden, NotFound, WorkflowFailed

bp = Blueprint("pages", __name__)


def init_app(app: Flask) -> None:
    from . import audit, inbox, incidents, intake, mail_outbox, overleggen, signals, tasks  # noqa: F401 - they add their routes to bp

    app.register_blueprint(bp)
    from . import dashboard  # the managers' overview and mail settings: a blueprint of its own

    dashboard.init_app(app)
    from . import modeler  # the process owners' library, import and migration

    modeler.init_app(app)
    from . import account_tokens  # Account > API-tokens

    account_tokens.init_app(app)
    app.add_template_filter(lokaal)
    app.add_template_global(nav_counts)
    for status in (TaskStatus, SignalStatus, MeetingStatus):  # templates compare with these, never with literals
        app.add_template_global(status, status.__name__)
    app.register_error_handler(NotFound, _no_access)
    app.register_error_handler(Forbidden, _forbidden)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(FieldErrors, _field_errors)
    app.register_error_handler(WorkflowFailed, _failed)
    # The database is down or restarting (or a SQLite lock outlasted its wait): nothing was
    # written, and the client may try again — 503 with Retry-After, not a stack trace.
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def lokaal(value, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """An ISO 8601 UTC time (or datetime) as Europe/Amsterdam local time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(AMSTERDAM).strftime(fmt)


def nav_counts() -> dict | None:
    """Open tasks for the navigation, once per request."""
    if g.get("actor") is None:
        return None
    if "nav_counts" not in g:
        from .. import orchestrator

        g.nav_counts = orchestrator().inbox_counts(g.actor)
    return g.nav_counts


def _no_access(error):
    # The same answer whether the object does not exist or may not be seen: nothing leaks.
    if wants_json():
        return {"fout": "U heeft geen toegang tot deze pagina, of ze bestaat niet."}, 403
    return render_template("fout.html", titel="Geen toegang",
                           bericht="U heeft geen toegang tot deze pagina, of ze bestaat niet."), 403


def _forbidden(error: Forbidden):
    # Only raised after the user may see the object (e.g. a colleague claimed the task): say why.
    if wants_json():
        return {"fout": str(error)}, 403
    return render_template("fout.html", titel="Dat kan niet", bericht=str(error)), 403


def _conflict(error: Conflict):
    if wants_json():
        return {"fout": str(error)}, 409
    return render_template("fout.html", titel="Al gewijzigd", bericht=str(error)), 409


DATABASE_RETRY_SECONDS = 5


def _database_unavailable(error):
    logging.getLogger(__name__).warning("database unavailable: %s", type(error.orig).__name__ if getattr(
        error, "orig", None) is not None else type(error).__name__)
    bericht = "De database is even niet bereikbaar. Er is niets opgeslagen; probeer het over enkele seconden opnieuw."
    if request.path.startswith("/api/") or wants_json():
        response = jsonify(fout=bericht)
        response.status_code = 503
    else:
        response = make_response(render_template("fout.html", titel="Even niet bereikbaar", bericht=bericht), 503)
    response.headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


def _field_errors(error: FieldErrors):
    return {"fout": "Niet alle velden zijn goed ingevuld.", "velden": error.fields}, 422


def _failed(error: WorkflowFailed):
    if wants_json():
        return {"fout": f"Het proces kon niet verder: {error}. Uw invoer is niet verwerkt; meld dit aan de beheerder."}, 500
    return render_template("fout.html", titel="Het proces kon niet verder", bericht=str(error)), 500
