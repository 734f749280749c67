"""The JSON API under ``/api/v1`` (blueprint :data:`web.api.routes.bp`, registered by ``create_app``)."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from ..extensions import csrf
from ..responses import http_error, json_response


def init_app(app: Flask) -> None:
    """Exempt the API from CSRF (it authenticates each request with a bearer token); unknown API
    addresses answer in JSON."""
    from . import routes

    csrf.exempt(routes.bp)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _api_not_found(exc: HTTPException):
        # Unknown URLs never reach the blueprint's handlers; answer API clients in JSON.
        if request.path.startswith(routes.bp.url_prefix + "/"):
            return json_response(exc.code, fout="Deze URL bestaat niet in de API." if exc.code == 404
                                 else "Deze methode kan hier niet.")
        return http_error(exc)
