"""Seeing what runs: a request id on every request, one log line per request, /metrics and /health.

* **Request id**: ``X-Request-ID`` from the request (a proxy's, if it is a sane token),
  else a new one; echoed in the response header and carried by every log line written
  during the request.
* **Logs**: ``LOG_FORMAT=json`` writes one JSON object per line (time, level, logger,
  message, request_id, endpoint, status, duration_ms); ``text`` (the default) the usual
  lines. The request line names the Flask endpoint, never the URL or the body, so it
  carries no personal data; what the engine logs names ids and kinds, never values.
* **/metrics**: Prometheus text (see :mod:`engine.ops.metrics` for several processes). With
  ``METRICS_TOKEN`` set it needs ``Authorization: Bearer <token>``; without, it answers
  only a direct request from this machine (loopback, no proxy header in between).
* **/health**: the database and the clocks' last pass (:mod:`engine.ops.health`); 503 with
  a JSON ``reden`` when unhealthy. No sign-in: a load balancer asks it.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, jsonify, request

from engine import REQUEST_LATENCY, REQUESTS

from .extensions import orchestrator

bp = Blueprint("observability", __name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_LOOPBACK = {"127.0.0.1", "::1"}
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
log = logging.getLogger("signaalroute.request")


def init_app(app: Flask) -> None:
    """Logging as ``LOG_FORMAT`` and ``LOG_LEVEL`` say (checked by :mod:`web.settings`), and the request hooks."""
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)


# --- logs ------------------------------------------------------------------------------------------

class JsonFormatter(logging.Formatter):
    """One JSON object per line; the request's id, endpoint, status and duration when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "endpoint": getattr(record, "endpoint", None),
            "status": getattr(record, "status", None),
            "duration_ms": getattr(record, "duration_ms", None),
        }
        if record.exc_info:  # the type and where, as the text format shows it
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _RequestContext(logging.Filter):
    """Adds the request id and endpoint to every record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if getattr(record, "request_id", None) is None:
                record.request_id = g.get("request_id")
            if getattr(record, "endpoint", None) is None:
                record.endpoint = request.endpoint
        return True


_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", None) or "-"
        return super().format(record)


def configure_logging(fmt: str, level: str = "INFO") -> logging.Handler:
    """Install (or replace) the one handler of ours on the root logger, in ``fmt``."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_signaalroute", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._signaalroute = True
    handler.setFormatter(JsonFormatter() if fmt == "json" else _TextFormatter(_TEXT))
    handler.addFilter(_RequestContext())
    root.addHandler(handler)
    root.setLevel(level)
    # SpiffWorkflow logs every task state change and APScheduler every job run at INFO: at
    # our INFO that floods a worker's log, so they speak from WARNING unless DEBUG is asked.
    chatty = logging.DEBUG if logging.getLevelName(str(level).upper()) == logging.DEBUG else logging.WARNING
    for name in _CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(chatty)
    return handler


_CHATTY_LIBRARIES = ("SpiffWorkflow", "spiff", "apscheduler")


# --- the request's id and its line -----------------------------------------------------------------

def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("request_started", None)
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "geen_route"  # a 404 has no endpoint: one label for all of them
    REQUEST_LATENCY.labels(endpoint, request.method).observe(seconds)
    REQUESTS.labels(endpoint, str(response.status_code)).inc()
    if endpoint != "static":
        log.info("%s %s %s", request.method, endpoint, response.status_code,
                 extra={"endpoint": endpoint, "status": response.status_code, "duration_ms": round(seconds * 1000, 2)})
    return response


# --- the endpoints ---------------------------------------------------------------------------------

def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    return request.remote_addr in _LOOPBACK and not any(h in request.headers for h in _PROXY_HEADERS)


@bp.get("/metrics")
def metrics():
    if not _may_scrape():
        if current_app.config.get("METRICS_TOKEN"):
            return jsonify(fout="Geef het metrics-token mee: Authorization: Bearer <token>."), 401
        return jsonify(fout="/metrics is zonder METRICS_TOKEN alleen vanaf deze machine bereikbaar."), 403
    return Response(orchestrator().metrics_text(), mimetype="text/plain; version=0.0.4; charset=utf-8")


@bp.get("/health")
def health():
    window = dt.timedelta(seconds=current_app.config["HEALTH_CLOCK_WINDOW"])
    report = orchestrator().health(window)
    response = jsonify(report.as_json())
    response.status_code = 200 if report.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
