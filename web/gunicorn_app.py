"""``signaalroute serve``: gunicorn with several web processes, each building its own app after the fork.

SIGTERM (systemd stop) is a graceful stop: the arbiter stops accepting, each web process finishes
the requests in flight — each one command, one transaction — within ``graceful_timeout``, then
exits. SIGQUIT/SIGINT stop at once. Keep-alive outlasts the proxy's (and clients') idle time: a
connection the server closes just as a client reuses it fails that request (gunicorn's default
is 2 s; ``bench/load.py`` saw it with think times).
"""
from __future__ import annotations

from dataclasses import dataclass

from gunicorn.app.base import BaseApplication


@dataclass(frozen=True)
class ServeOptions:
    """What ``signaalroute serve`` was asked for."""

    host: str
    port: int
    workers: int
    threads: int
    graceful_timeout: int
    timeout: int
    keepalive: int
    with_clock: bool


class Signaalroute(BaseApplication):
    """The gunicorn application: ``create_app()`` in each web process, the clock there too if asked."""

    def __init__(self, options: ServeOptions):
        self.options = options
        super().__init__()

    def load_config(self):
        o = self.options
        for key, value in {"bind": f"{o.host}:{o.port}", "workers": o.workers, "threads": o.threads,
                           "worker_class": "gthread", "graceful_timeout": o.graceful_timeout, "timeout": o.timeout,
                           "keepalive": o.keepalive, "accesslog": None, "preload_app": False,
                           "post_worker_init": self._post_worker_init, "worker_exit": _worker_exit}.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        # In each worker, after the fork: no connections shared between processes. The key is
        # required here too (the default), so no web process ever signs with a made-up one.
        return create_app()

    def _post_worker_init(self, worker) -> None:
        if not self.options.with_clock:
            return
        from engine.service.scheduler import Clock

        from .extensions import orchestrator

        app = worker.wsgi
        worker.signaalroute_clock = Clock(orchestrator(app), app.config["CLOCK_INTERVAL"])
        worker.signaalroute_clock.start()  # after the fork, once per web process


def _worker_exit(_server, worker) -> None:
    clock = getattr(worker, "signaalroute_clock", None)
    if clock is not None:
        clock.stop()  # the pass in flight finishes its batch first
