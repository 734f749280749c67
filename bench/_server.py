"""What the benchmarks share for running the project itself: its CLI and its server.

``ServerProcess`` starts ``signaalroute run`` or ``signaalroute serve`` on a free port
with the benchmark's own database, waits until ``/api/v1/health`` answers, and always
stops it again; ``cpu_seconds`` counts the server and its worker processes.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


def run_main(main: Callable[[], int | None], name: str) -> None:
    """A bench script's entry point: its exit code; a :class:`BenchError` as one line (exit 1); Ctrl-C exits 130."""
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


def signaalroute_cli() -> Path:
    """The project's own ``signaalroute`` script: next to this interpreter, else in .venv."""
    for candidate in (Path(sys.executable).parent / "signaalroute", ROOT / ".venv" / "bin" / "signaalroute"):
        if candidate.is_file():
            return candidate
    raise BenchError("signaalroute niet gevonden; draai eerst `make install`.")


def run_cli(env: dict, *args: str, timeout: float = 300) -> str:
    """Run ``signaalroute ARGS`` with ``env``; its stdout, or :class:`BenchError` with its output."""
    proc = subprocess.run([str(signaalroute_cli()), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise BenchError(f"signaalroute {' '.join(args)} faalde ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return proc.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnedProcess:
    """A server this bench started (``self.proc``, its log at ``self.log_path``): whether it runs, its CPU
    (with its worker processes), stopping it (safe to call more than once) and its log's tail."""

    proc: subprocess.Popen | None = None
    log_path: Path
    stop_timeout = 10

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cpu_seconds(self) -> float | None:
        """utime + stime of the server process and its worker processes (Linux /proc); ``None`` elsewhere."""
        try:
            pids = [self.proc.pid]
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
            if children.exists():
                pids += [int(pid) for pid in children.read_text().split()]
            total = 0
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(geen log)"


class ServerProcess(OwnedProcess):
    """``signaalroute <command> --port N`` as a subprocess; ``stop()`` is safe to call more than once.

    :param command: e.g. ``["run"]``, ``["run", "--no-clock"]`` or ``["serve", "--workers", "2"]``.
    """

    def __init__(self, command: list[str], env: dict, workdir: Path):
        self.command = command
        self.env = env
        self.log_path = workdir / "server.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self, attempts: int = 3) -> None:
        for _ in range(attempts):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen([str(signaalroute_cli()), *self.command, "--port", str(self.port)],
                                             env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_healthy(timeout=180):  # a busy machine can take a minute to import and migrate
                return
            self.stop()  # e.g. the port was taken in between: try another one
        raise BenchError(f"de server kwam niet op; log:\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/api/v1/health")
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status == 200 and b'"ok"' in body:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False
