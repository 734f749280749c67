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
from werkzeug.exceptions import HTTPException

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
    """``{"fout": bericht, **extra}`` for JSON clients, else the error page with ``titel`` and a way back."""
    if wants_json():
        return json_response(status, fout=bericht, **extra)
    return make_response(render_template("fout.html", titel=titel, bericht=bericht, status=status,
                                         terug=_referrer_path()), status)


def _referrer_path() -> str | None:
    """The page the user came from, if it is one of ours (the error page's "back" link)."""
    referrer = urlparse(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    back = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else "")) if referrer.path else None
    return back if back and back != request.full_path.rstrip("?") else None


# What a person reads for an HTTP error no other handler answers: a title and what to do.
HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Verzoek niet begrepen", "Het verzoek kwam niet goed aan. Ga terug en probeer het opnieuw."),
    401: ("Aanmelden nodig", "Meld u aan om deze pagina te zien."),
    403: ("Geen toegang", NO_ACCESS),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres, of ga terug naar de "
                                  "vorige pagina of de startpagina."),
    405: ("Dat kan hier niet", "Deze pagina kan dit verzoek niet verwerken. Ga terug en gebruik de knoppen op de pagina."),
    406: ("Dat kan hier niet", "Deze pagina is er niet in de gevraagde vorm."),
    408: ("Te lang gewacht", "Het verzoek duurde te lang. Er is niets opgeslagen; probeer het opnieuw."),
    409: ("Al gewijzigd", "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw."),
    410: ("Niet meer beschikbaar", "Deze pagina is er niet meer."),
    413: ("Te groot", "Het verzoek is te groot. Er is niets opgeslagen."),
    414: ("Adres te lang", "Het adres van deze pagina is te lang. Ga terug en probeer het opnieuw."),
    415: ("Soort niet ondersteund", "Deze soort gegevens kan hier niet worden verwerkt."),
    422: ("Niet verwerkt", "Niet alle gegevens zijn goed ingevuld. Ga terug en controleer ze."),
    429: ("Te veel verzoeken", "U heeft in korte tijd te veel verzoeken gedaan. Wacht even en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Er is niets opgeslagen. Probeer het later opnieuw; "
                              "blijft het misgaan, meld het dan aan de beheerder."),
    501: ("Dat kan (nog) niet", "Deze functie bestaat (nog) niet."),
    502: ("Even niet bereikbaar", "Signaalroute is even niet bereikbaar. Probeer het over enkele minuten opnieuw."),
    503: ("Even niet bereikbaar", "Signaalroute is even niet bereikbaar. Probeer het over enkele minuten opnieuw."),
    504: ("Even niet bereikbaar", "Signaalroute antwoordde niet op tijd. Probeer het over enkele minuten opnieuw."),
}


def http_error(error: HTTPException):
    """Any HTTP error without a handler of its own: in Dutch, JSON for the API, else a page in the app's layout."""
    code = error.code or 500
    titel, bericht = HTTP_MESSAGES.get(code) or (("Er ging iets mis", HTTP_MESSAGES[500][1]) if code >= 500
                                                 else ("Dat kan niet", HTTP_MESSAGES[400][1]))
    response = error_response(code, titel, bericht)
    headers = dict(error.get_headers())
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):  # what the client needs to try again
        if header in headers:
            response.headers[header] = headers[header]
    return response


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
    app.register_error_handler(HTTPException, http_error)  # Werkzeug's English pages never show
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
