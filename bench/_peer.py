"""The peer for side-by-side figures: SpiffArena's backend, built and run from ``../shared/peers/spiffarena/``.

``build(folder)`` unpacks the two archives and installs the pinned requirements into a venv of
its own in ``folder`` (once; a marker file says it is done); ``PeerServer`` starts it on a fresh
SQLite database with the bench's process models, signs in as its one user and speaks its API.
Nothing of the peer is imported here: it is a separate program with its own interpreter.

What the peer's README in that folder prescribes, and this follows: SQLite, one uvicorn worker,
its built-in OpenID provider, the models inside a git work tree (else every create pays a
failing ``git rev-parse``), ``flask db upgrade`` + ``refresh_all_caches`` + ``bootstrap`` with
the scheduler off, then the server with its background scheduler on (as it runs in production).
"""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import requests
from _server import ROOT, BenchError, OwnedProcess, free_port

PEER_SOURCE = Path(os.environ.get("BENCH_PEER_SOURCE", ROOT.parent / "shared" / "peers" / "spiffarena"))
BACKEND_ARCHIVE = "spiffworkflow-backend-d7678cf.tar.gz"
CONNECTOR_ARCHIVE = "spiffworkflow-connector-command-7e20603.tar.gz"
DEFAULT_FOLDER = Path(os.environ.get("BENCH_PEER_DIR", Path.home() / ".cache" / "signaalroute-bench" /
                                     "spiffarena-d7678cf"))
MARKER = ".built"
PROCESS_MODEL = "bench:gw-two-user-tasks"
USER, PASSWORD = "bench", "bench"
# The client secret of the peer's local-development OpenID provider (bin/local_development_environment_setup).
CLIENT_ID, CLIENT_SECRET = "spiffworkflow-backend", "JXeQExm0JhQPLumgHtIIqf52bDalHz0q"

PERMISSIONS = f"""\
users:
  {USER}:
    service: local_open_id
    email: {USER}@example.com
    password: {PASSWORD}
    preferred_username: {USER}
groups:
  bench:
    users: [{USER}@example.com]
permissions:
  bench-all:
    groups: [bench]
    actions: [create, read, update, delete]
    uri: /*
"""


def find_source() -> Path:
    for candidate in (PEER_SOURCE, Path("/work/shared/peers/spiffarena")):
        if (candidate / BACKEND_ARCHIVE).is_file():
            return candidate
    raise BenchError(f"de peer ({BACKEND_ARCHIVE}) staat niet in {PEER_SOURCE}; zet BENCH_PEER_SOURCE")


def backend_dir(folder: Path) -> Path:
    return folder / "spiffworkflow-backend"


def built(folder: Path) -> bool:
    return (folder / MARKER).is_file() and (folder / "venv" / "bin" / "uvicorn").is_file()


def build(folder: Path = DEFAULT_FOLDER, log=print) -> Path:
    """Unpack and install the peer into ``folder`` unless that was done already; returns ``folder``."""
    if built(folder):
        return folder
    source = find_source()
    log(f"peer: bouwen in {folder} (eenmalig, een paar minuten: pip uit het register)")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for archive in (BACKEND_ARCHIVE, CONNECTOR_ARCHIVE):
        with tarfile.open(source / archive) as tar:
            tar.extractall(folder, filter="data")
    python = shutil.which("python3") or sys.executable
    pip = [str(folder / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    steps = [
        [python, "-m", "venv", str(folder / "venv")],
        [*pip, "-c", str(source / "constraints.txt"), "-r", str(source / "requirements.txt"),
         str(folder / "spiffworkflow-connector-command")],
        [*pip, "--no-deps", "-e", str(backend_dir(folder))],
    ]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BenchError(f"peer bouwen: {' '.join(step[:4])} … faalde:\n{proc.stderr[-3000:]}")
    (folder / MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
    return folder


class PeerServer(OwnedProcess):
    """The peer on a fresh SQLite database in ``workdir``; ``stop()`` is safe to call more than once."""

    def __init__(self, folder: Path, workdir: Path):
        self.folder = folder
        self.workdir = workdir
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "peer.log"
        self.stop_timeout = 15

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict:
        models = self.workdir / "models"
        prefix = "SPIFFWORKFLOW_BACKEND_"
        settings = {
            "ENV": "local_development", "DATABASE_TYPE": "sqlite",
            "DATABASE_URI": f"sqlite:///{self.workdir / 'peer.sqlite3'}",
            "BPMN_SPEC_ABSOLUTE_DIR": str(models), "PERMISSIONS_FILE_ABSOLUTE_PATH": str(self.workdir / "perm.yml"),
            "URL": self.base, "AUTH_CONFIGS__0__identifier": "default",
            "AUTH_CONFIGS__0__uri": f"{self.base}/openid", "AUTH_CONFIGS__0__client_id": CLIENT_ID,
            "AUTH_CONFIGS__0__client_secret": CLIENT_SECRET, "RUN_BACKGROUND_SCHEDULER_IN_CREATE_APP": "false",
            "LOG_LEVEL": "info", "CHECK_FRONTEND_AND_BACKEND_URL_COMPATIBILITY": "false",
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefix) and k not in ("PYTHONPATH",
                                                                                             "DATABASE_URL")}
        env.update({prefix + k: v for k, v in settings.items()})
        env["FLASK_SESSION_SECRET_KEY"] = "bench-" + os.urandom(16).hex()
        env["PATH"] = f"{self.folder / 'venv' / 'bin'}:{env.get('PATH', '')}"
        return env

    def _run(self, env: dict, *cmd: str) -> None:
        with open(self.log_path, "ab") as log:
            proc = subprocess.run(list(cmd), env=env, cwd=backend_dir(self.folder), stdout=log,
                                  stderr=subprocess.STDOUT, timeout=600)
        if proc.returncode != 0:
            raise BenchError(f"peer: {' '.join(cmd)} faalde; log:\n{self.log_tail()}")

    def start(self) -> None:
        models = self.workdir / "models"
        shutil.copytree(find_source() / "models", models)
        # A committed git work tree: the peer asks ``git rev-parse HEAD`` on each create and caches only a success.
        git = ["git", "-C", str(models), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench models"]):
            subprocess.run([*git, *step], check=True, capture_output=True)
        (self.workdir / "perm.yml").write_text(PERMISSIONS)
        self.port = free_port()
        env = self._env()
        python = str(self.folder / "venv" / "bin" / "python")
        self._run(env, str(self.folder / "venv" / "bin" / "flask"), "db", "upgrade")
        self._run(env, python, "bin/refresh_all_caches.py")
        self._run(env, python, "bin/bootstrap.py")
        env["SPIFFWORKFLOW_BACKEND_RUN_BACKGROUND_SCHEDULER_IN_CREATE_APP"] = "true"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.folder / "venv" / "bin" / "uvicorn"), "spiff_web_server:asgi_app", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", "1", "--no-access-log"],
                env=env, cwd=backend_dir(self.folder), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(f"{self.base}/v1.0/status", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchError(f"de peer kwam niet op; log:\n{self.log_tail()}")

    def token(self) -> str:
        """Sign in with the built-in OpenID provider: an access token the API accepts."""
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        r = requests.post(f"{self.base}/openid/token", headers={"Authorization": f"Basic {basic}"}, data={
            "grant_type": "password", "code": f"{USER}:this_is_not_secure_do_not_use_in_production",
            "username": USER, "password": PASSWORD})
        if r.status_code != 200 or "access_token" not in r.text:
            raise BenchError(f"peer: aanmelden faalde: {r.status_code} {r.text[:300]}")
        token = r.json()["access_token"]
        r = requests.post(f"{self.base}/v1.0/login_with_access_token",
                          params={"authentication_identifier": "default"},
                          headers={"Authorization": f"Bearer {token}"}, data={"access_token": token})
        if r.status_code != 200:
            raise BenchError(f"peer: login_with_access_token faalde: {r.status_code} {r.text[:300]}")
        return token
