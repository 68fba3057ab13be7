"""The app served as in production, on loopback, for the stress and browser tests and benchmarks.

:class:`LiveServer` runs ``assessor serve`` (gunicorn, the production command), or any other
command that takes ``--host`` and ``--port``, on a free port of 127.0.0.1, in its own process
group: master and workers can then be stopped gracefully (SIGTERM to the group, as a service
manager does) or killed whole (kill -9), and nothing is left running after a test. Only loopback
is ever used.

    upgrade_database(url)
    with LiveServer(tmp_path, database_url=url) as server:
        client = Client(server.port)
        ...
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.support.data import ROOT

HOST = "127.0.0.1"  # loopback only
ASSESSOR = Path(sys.executable).with_name("assessor")  # the venv's `assessor` command
# Switches that must not leak from the test run into a production-like server.
NOT_INHERITED = ("FLASK_DEBUG", "FLASK_TESTING", "CHECKLIST_DIR")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free right now (for a server about to start)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(**extra: str) -> dict[str, str]:
    """The environment of a server: this one, without debug, testing or checklist switches
    (the real checklists, as a user gets them), the repository importable, a creation limit
    that the many users of one address (127.0.0.1) never reach, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # The default limit is tested by tests/stress/test_creation_burst.py (which sets it).
    env.setdefault("FLASK_CREATION_LIMIT", "100000 per hour")
    env.update(extra)
    return env


def upgrade_database(url: str, timeout: float = 120) -> None:
    """Create (or migrate) the schema at ``url`` with the command an operator uses."""
    done = subprocess.run(
        [str(ASSESSOR), "db", "upgrade", "--database-url", url],
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`assessor db upgrade` failed:\n{done.stdout}{done.stderr}")


class LiveServer:
    """A server process on 127.0.0.1 in its own process group: started, checked, stopped.

    By default ``assessor serve`` with ``SECRET_KEY`` (a fresh random one unless given) and
    ``DATABASE_URL``; ``env`` adds or overrides variables (``FLASK_...`` settings, say);
    ``workers``/``threads`` are passed to ``assessor serve``. ``command`` replaces it with any
    program that takes ``--host`` and ``--port`` and answers ``health_path`` with 200.

    Each :meth:`start` takes a new free port (a restart after :meth:`kill` too) and writes its
    standard output (gunicorn's access log) and error (the rest) to files in ``log_dir``:
    :attr:`logs` lists every one of them. As a context manager: started on entry, stopped
    (or killed, if it will not stop) on exit.
    """

    def __init__(
        self,
        log_dir: Path,
        *,
        database_url: str | None = None,
        secret_key: str | None = None,
        env: Mapping[str, str] | None = None,
        workers: int | None = None,
        threads: int | None = None,
        command: Sequence[str] | None = None,
        name: str = "server",
        health_path: str = "/healthz",
        start_timeout: float = 60,
    ) -> None:
        self.log_dir = log_dir
        self.secret_key = secret_key or secrets.token_hex(32)
        self.name = name
        self.health_path = health_path
        self.start_timeout = start_timeout
        # Its own report queue (without REDIS_URL an SQLite file, consumed by the worker
        # `assessor serve` starts): never the instance folder's, shared with other runs.
        settings = {
            "SECRET_KEY": self.secret_key,
            "FLASK_REPORT_QUEUE_PATH": str(log_dir / f"{name}-report-queue.sqlite"),
        }
        if database_url is not None:
            settings["DATABASE_URL"] = database_url
        self.env = server_env(**settings, **(env or {}))
        self.command = list(command) if command is not None else [str(ASSESSOR), "serve"]
        if workers is not None:
            self.command += ["--workers", str(workers)]
        if threads is not None:
            self.command += ["--threads", str(threads)]
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the server's address (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        """The process id of the server (gunicorn's master), also its process group id."""
        assert self.process is not None, "the server was never started"
        return self.process.pid

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    @property
    def logs(self) -> list[Path]:
        """Every log file the server wrote, over all its starts (``<name>-<n>-out|err.log``)."""
        return sorted(self.log_dir.glob(f"{self.name}-*.log"))

    def log_text(self) -> str:
        """Everything the server wrote to its logs, over all its starts."""
        return "\n".join(path.read_text("utf-8", "replace") for path in self.logs)

    def start(self, timeout: float | None = None) -> LiveServer:
        """Start the server on a new free port; return once ``health_path`` answers 200.

        Waits ``timeout`` seconds at most (default: ``start_timeout``). Raises RuntimeError
        (with the end of the logs) if it exits or is not healthy in time; it is then killed.
        """
        assert not self.running, "the server is already running"
        self.port = free_port()
        self.starts += 1
        stem = self.log_dir / f"{self.name}-{self.starts}"
        with open(f"{stem}-out.log", "wb") as out, open(f"{stem}-err.log", "wb") as err:
            self.process = subprocess.Popen(
                [*self.command, "--host", HOST, "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: master and workers
            )
        deadline = time.monotonic() + (self.start_timeout if timeout is None else timeout)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self._log_tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.health() == 200:
                    return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not become healthy in time:\n{self._log_tail()}")

    def health(self) -> int:
        """The status of ``GET health_path`` (raises OSError if nothing answers)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", self.health_path)
            return connection.getresponse().status
        finally:
            connection.close()

    def stop(self, timeout: float = 40) -> int:
        """Stop gracefully: SIGTERM to the process group; return the master's exit status.

        If it has not exited within ``timeout`` seconds it is killed and
        ``subprocess.TimeoutExpired`` is raised.
        """
        assert self.process is not None, "the server was never started"
        self._signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        finally:
            self._signal(signal.SIGKILL)  # nothing of the group may outlive its master

    def kill(self) -> None:
        """kill -9 the master and every worker at once, and wait for the master."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        self.process.wait(30)

    def _signal(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def _log_tail(self, size: int = 3000) -> str:
        return self.log_text()[-size:]

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        if self.running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.stop()
