"""The JSON API under ``/api/v1``."""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    from . import routes

    app.register_blueprint(routes.bp)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _api_not_found(exc: HTTPException):
        # Unknown URLs never reach the blueprint's handlers; answer API clients in JSON.
        if request.path.startswith(routes.bp.url_prefix + "/"):
            response = jsonify(fout="Deze URL bestaat niet in de API." if exc.code == 404 else "Deze methode kan hier niet.")
            response.status_code = exc.code
            return response
        return exc
