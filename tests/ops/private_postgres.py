"""A PostgreSQL server of the test's own: initdb into a temp dir, start, restart, stop.

The fault tests restart and dump their database server; they must never do that to the
shared server at 127.0.0.1:5432 that other tests use. This starts Debian's PostgreSQL
binaries (``/usr/lib/postgresql/<version>/bin``, or ``PG_BINDIR``) on a free port with
its socket in the data directory. initdb refuses to run as root, so as root the
commands run as the ``postgres`` OS user (``runuser``); as any other user they run as
that user. :func:`unavailable_reason` says why it cannot start, for a clear skip.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.store.db import normalise_url


def _bindir() -> Path | None:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin") if (p / "initdb").is_file()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def _os_user() -> str | None:
    """Who runs the server: ``postgres`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return ""
    return "postgres"


def unavailable_reason() -> str | None:
    """Why a private server cannot be started here, or ``None`` when it can."""
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").is_file():
        return "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin; set PG_BINDIR"
    for tool in ("pg_ctl", "pg_dump", "pg_restore"):
        if not (bindir / tool).is_file():
            return f"{bindir / tool} is missing"
    if _os_user() == "":
        return "running as root but there is no 'postgres' OS user to run initdb as"
    if _os_user() == "postgres" and shutil.which("runuser") is None:
        return "running as root without 'runuser' to start PostgreSQL as the postgres user"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """One throwaway PostgreSQL cluster. ``start()`` … ``stop()``; ``restart(mode)`` in between."""

    def __init__(self):
        self.bindir = _bindir()
        self.os_user = _os_user()
        self.root = Path(tempfile.mkdtemp(prefix="signaalroute-pg-"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "server.log"
        self.port = _free_port()
        if self.os_user:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.os_user, self.os_user)

    # --- running the binaries ---------------------------------------------------------------
    def _run(self, tool: str, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}\n"
                               f"{self.log_tail()}")
        return proc

    def start(self) -> None:
        if not self.datadir.exists():
            self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, mode: str = "fast", downtime: float = 0.0) -> None:
        """Stop (``fast``: sessions are ended, a clean shutdown; ``immediate``: a crash, WAL replayed at
        start), stay down ``downtime`` seconds, and start again on the same port."""
        self.stop(mode)
        time.sleep(downtime)
        self.start()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # --- databases ----------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        admin = create_engine(normalise_url(self.url()), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)

    def dump(self, database: str, path: Path) -> None:
        """``pg_dump -Fc``: one consistent snapshot (a single repeatable-read transaction)."""
        self._run("pg_dump", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-Fc", "-f", str(path), database)

    def restore(self, path: Path, database: str) -> None:
        """``pg_restore`` into an existing, empty ``database``; any error fails."""
        self._run("pg_restore", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "--exit-on-error",
                  "--no-owner", "-d", database, str(path))

    def writable_path(self, name: str) -> Path:
        """A path in the server's temp dir that the tools (maybe another OS user) may write."""
        return self.root / name

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def wait_ready(self, timeout: float = 30) -> None:
        engine = create_engine(normalise_url(self.url()))
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(text("SELECT 1"))
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            engine.dispose()
