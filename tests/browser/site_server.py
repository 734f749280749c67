"""The browser tests' running app: a copy of the prepared database behind werkzeug on a free port."""
from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from engine.clock import SystemClock
from engine.people.users import Actor
from engine.service.orchestrator import Orchestrator
from engine.store.db import Database, make_engine
from tests.db_views import user_id_of
from web import create_app


@dataclass
class Site:
    """The running app: its address, and the engine on the same database for test set-up."""

    url: str
    orchestrator: Orchestrator

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def actor(self, username: str) -> Actor:
        return self.orchestrator.actor(user_id_of(self.orchestrator, username))


@contextlib.contextmanager
def serve_copy(template: Path, directory: Path, name: str, **config) -> Iterator[Site]:
    """Copy ``template`` (and its WAL) into ``directory`` and serve the app on it; ``config`` adds settings."""
    target = directory / "signaalroute.db"
    for source in (template, template.with_name(template.name + "-wal")):
        if source.exists():
            shutil.copyfile(source, target.with_name(source.name))
    url = f"sqlite:///{target}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": False, "CLOCK": SystemClock(), **config})
    orch = Orchestrator(Database(make_engine(url)), SystemClock())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", orch)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        orch.db.dispose()
        app.extensions["signaalroute"].db.dispose()
