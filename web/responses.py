"""How the web answers: JSON or a page, the status of each engine error, paging and safe back-links.

One :func:`wants_json` decides the form of every answer that can be either. :data:`STATUS` maps
the engine's errors (:mod:`engine.errors`) to HTTP statuses; the pages' handlers (registered by
:func:`init_app`) and the API's (:func:`web.api.errors.register_common`) both read it.

A page denies in one form: an object that does not exist and one the user may not know about
both answer 403 "Geen toegang, of ze bestaat niet" (:data:`PAGE_STATUS`; ``docs/privacy.md``,
*deny by default*), so no page reveals that an id exists. The API answers both with 404.
"""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from engine.errors import Conflict, DeployRejected, FieldErrors, Forbidden, NotFound, WorkflowFailed

log = logging.getLogger(__name__)

STATUS: dict[type[Exception], int] = {
    NotFound: 404,        # does not exist, or the user may not know it exists
    Forbidden: 403,       # the user may see it, not do this with it
    Conflict: 409,        # the state changed under the user
    FieldErrors: 422,     # the input is invalid, per field
    DeployRejected: 422,  # a process package failed validation
    WorkflowFailed: 500,  # the process could not continue; nothing was written
}
PAGE_STATUS: dict[type[Exception], int] = {**STATUS, NotFound: 403}  # see the module docstring

DATABASE_RETRY_SECONDS = 5
NO_ACCESS = "U heeft geen toegang tot deze pagina, of ze bestaat niet."


def wants_json() -> bool:
    """Whether this request gets a JSON answer: a JSON body, an API address, or JSON asked first."""
    return request.is_json or request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def status_for(error: Exception, *, page: bool = False) -> int:
    """The HTTP status of an engine error (on a page: :data:`PAGE_STATUS`)."""
    table = PAGE_STATUS if page else STATUS
    return next((status for kind, status in table.items() if isinstance(error, kind)), 500)


def json_response(status: int, **body):
    """``body`` as JSON with ``status``."""
    response = jsonify(body)
    response.status_code = status
    return response


def error_response(status: int, titel: str, bericht: str, **extra):
    """``{"fout": bericht, **extra}`` for JSON clients, else the error page with ``titel``."""
    if wants_json():
        return json_response(status, fout=bericht, **extra)
    return make_response(render_template("fout.html", titel=titel, bericht=bericht), status)


# --- paging --------------------------------------------------------------------------------------------

def page_number(name: str = "pagina") -> int:
    """The page asked for in the query string (from 1); 1 when it is missing or not a number."""
    try:
        return max(1, int(request.args.get(name, "1")))
    except ValueError:
        return 1


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` hold ``total`` rows (at least one)."""
    return max(1, -(-total // size))


# --- back-links ----------------------------------------------------------------------------------------

def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect (a backslash too: browsers read ``/\\`` as ``//``)."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# --- the pages' answers to engine errors -----------------------------------------------------------------

def init_app(app: Flask) -> None:
    """Answer engine errors and an unreachable database on every page (blueprints may answer their own)."""
    app.register_error_handler(NotFound, _no_access)
    app.register_error_handler(Forbidden, _forbidden)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(FieldErrors, _field_errors)
    app.register_error_handler(WorkflowFailed, _failed)
    # The database is down or restarting (or a SQLite lock outlasted its wait): nothing was
    # written, and the client may try again — 503 with Retry-After, not a stack trace.
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)


def _no_access(error: NotFound):
    # The same answer whether the object does not exist or may not be seen: nothing leaks.
    return error_response(status_for(error, page=True), "Geen toegang", NO_ACCESS)


def _forbidden(error: Forbidden):
    # Only raised after the user may see the object (e.g. a colleague claimed the task): say why.
    return error_response(status_for(error, page=True), "Dat kan niet", str(error))


def _conflict(error: Conflict):
    return error_response(status_for(error, page=True), "Al gewijzigd", str(error))


def _field_errors(error: FieldErrors):
    return json_response(status_for(error, page=True), fout="Niet alle velden zijn goed ingevuld.", velden=error.fields)


def _failed(error: WorkflowFailed):
    if wants_json():
        return json_response(status_for(error, page=True), fout=f"Het proces kon niet verder: {error}. Uw invoer is "
                                                                "niet verwerkt; meld dit aan de beheerder.")
    return error_response(status_for(error, page=True), "Het proces kon niet verder", str(error))


def _database_unavailable(error):
    orig = getattr(error, "orig", None)
    log.warning("database unavailable: %s", type(orig if orig is not None else error).__name__)
    response = error_response(503, "Even niet bereikbaar", "De database is even niet bereikbaar. Er is niets "
                              "opgeslagen; probeer het over enkele seconden opnieuw.")
    response.headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response
