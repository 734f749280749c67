"""``/metrics`` for a ``signaalroute worker``: a worker has no web server, so it gets a tiny one.

On a machine with web processes the multiprocess directory lets any web process report
the workers' counters too; on a worker-only machine this is what Prometheus scrapes.
It answers ``GET /metrics`` only, with the same exposition and the same access rule as
the web endpoint: a bearer ``METRICS_TOKEN`` when set, else loopback clients only.
"""
from __future__ import annotations

import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_LOOPBACK = {"127.0.0.1", "::1"}


def serve_metrics(render, host: str, port: int, token: str | None = None) -> ThreadingHTTPServer:
    """Serve ``render()`` (the exposition bytes) at ``http://host:port/metrics`` from a daemon thread.

    :param render: called for each scrape, e.g. ``Orchestrator.metrics_text``.
    :param token: required as ``Authorization: Bearer <token>`` when given.
    Returns the server; ``shutdown()`` stops it.
    """

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path.split("?", 1)[0] != "/metrics":
                return self._answer(404, b"niet gevonden\n")
            if token:
                scheme, _, given = self.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
                    return self._answer(401, b"Geef het metrics-token mee: Authorization: Bearer <token>.\n")
            elif self.client_address[0] not in _LOOPBACK:
                return self._answer(403, b"/metrics is zonder METRICS_TOKEN alleen vanaf deze machine bereikbaar.\n")
            try:
                body = render()
            except Exception:  # noqa: BLE001 - e.g. the database is down: say so, keep serving
                return self._answer(503, b"de database is niet bereikbaar\n")
            return self._answer(200, body, "text/plain; version=0.0.4; charset=utf-8")

        def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):  # scrapes every few seconds: not worth a log line each
            pass

    server = ThreadingHTTPServer((host, port), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="signaalroute-metrics", daemon=True).start()
    return server
