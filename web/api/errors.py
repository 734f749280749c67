"""Engine errors to HTTP: ``{"fout": ...}``, with ``velden`` or ``problemen`` where they apply.

The statuses are :data:`web.responses.STATUS`, the table the pages use too."""
from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, DeployRejected, FieldErrors, Forbidden, NotFound, WorkflowFailed

from ..responses import json_response, status_for


class Unauthorized(Exception):
    pass


class BadRequest(Exception):
    pass


_json = json_response  # the short name used below


def register_common(bp: Blueprint) -> None:
    """The engine's refusals every JSON blueprint answers alike: 404, 403, 409 and HTTP errors as ``{"fout"}``."""

    @bp.errorhandler(NotFound)
    @bp.errorhandler(Forbidden)
    @bp.errorhandler(Conflict)
    def _refused(exc):
        return _json(status_for(exc), fout=str(exc))

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return _json(exc.code or 500, fout=exc.description or exc.name)


def register(bp: Blueprint) -> None:
    """The API's error answers: :func:`register_common`, plus 422 for field errors and rejected deploys."""
    register_common(bp)

    @bp.errorhandler(FieldErrors)
    def _fields(exc: FieldErrors):
        return _json(status_for(exc), fout=str(exc), velden=exc.fields)

    @bp.errorhandler(DeployRejected)
    def _deploy(exc: DeployRejected):
        return _json(status_for(exc), fout="Het proces is afgewezen; er is niets opgeslagen.",
                     problemen=[p.as_dict() for p in exc.problems])

    @bp.errorhandler(WorkflowFailed)
    def _failed(exc: WorkflowFailed):
        return _json(status_for(exc), fout=str(exc), element=exc.element_id)

    @bp.errorhandler(Unauthorized)
    def _unauthorized(exc):
        response = _json(401, fout=str(exc))
        response.headers["WWW-Authenticate"] = 'Bearer realm="signaalroute"'
        return response

    @bp.errorhandler(BadRequest)
    def _bad_request(exc):
        return _json(400, fout=str(exc))
