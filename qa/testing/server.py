"""The real server in a child process, for tests and benchmarks that talk HTTP to it.

``start_server`` sets the ``QA_*`` settings in the child's environment, optionally builds the index
first with the CLI (``build_index.py``), starts the server with a given command (``python server.py``
by default; ``uvicorn`` or a console script work too), and returns once ``/health`` answers; every
line the server prints goes to a log file. If the server exits or never answers, ``ServerFailed``
says so with the end of that log. ``LiveServer`` reads the log (and the status codes of its access
log), runs the CLI with the server's settings, and stops the server.
"""

import contextlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from qa.settings import Settings
from qa.testing.ports import free_port
from qa.testing.samples import ROOT

logger = logging.getLogger(__name__)

DEFAULT_COMMAND = (sys.executable, "server.py")
# One line of uvicorn's access log: '127.0.0.1:5000 - "GET /health HTTP/1.1" 200 OK'.
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3})')
# Levels at which uvicorn writes its access log.
ACCESS_LOG_LEVELS = {"trace", "debug", "info"}
LOG_TAIL = 3000  # characters of the log quoted when the server fails


class ServerFailed(RuntimeError):
    """The server, or the build before it, did not come up; the message ends with what it printed."""


@dataclass
class LiveServer:
    """A running server: its URL, process, log file and environment (its ``QA_*`` settings)."""

    base: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str]
    cwd: Path
    remove_log: bool = False  # the log is a temporary file of ours
    worker_pids: set[int] = field(default_factory=set)  # the processes that answered /health at start-up

    @property
    def corpus(self) -> Path:
        return self.cwd / self.env.get("QA_CORPUS_DIR", "corpus")

    @property
    def index(self) -> Path:
        return self.cwd / self.env.get("QA_INDEX_DIR", "index")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def statuses(self) -> Counter:
        """How many responses of each status code the server's access log records so far."""
        level = self.env.get("QA_LOG_LEVEL", "info").lower()
        if level not in ACCESS_LOG_LEVELS:
            raise ValueError(f"QA_LOG_LEVEL={level!r} turns uvicorn's access log off: start the server at 'info'")
        return Counter(int(m["status"]) for m in ACCESS_LINE.finditer(self.log()))

    def pids(self) -> list[int]:
        """The server's process and its direct children (uvicorn's worker processes, with QA_WORKERS > 1)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        with contextlib.suppress(OSError):
            return [pid, *(int(p) for p in children.read_text().split())]
        return [pid]

    def cli_build(self, *args: str) -> subprocess.CompletedProcess:
        """``build_index.py ARGS`` with the server's settings (same corpus, index and model), to its end."""
        return subprocess.run(
            [sys.executable, "build_index.py", *args], cwd=self.cwd, env=self.env, capture_output=True, text=True
        )

    def start_cli_build(self, *args: str) -> subprocess.Popen:
        """``build_index.py ARGS`` with the server's settings, in the background (to be killed, say)."""
        return subprocess.Popen(
            [sys.executable, "build_index.py", *args],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self, timeout: float = 30) -> None:
        """Terminate the server (uvicorn stops its workers too); killed if it takes over ``timeout`` s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning("the server (pid %d) did not stop in %s s: killed", self.process.pid, timeout)
                self.process.kill()
                self.process.wait(timeout=10)
        if self.remove_log:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def server_env(
    index: Path, corpus: Path | None, port: int, workers: int, settings: dict[str, object]
) -> dict[str, str]:
    """This process's environment with the server's ``QA_*`` settings; ``settings`` are ``Settings`` fields."""
    unknown = sorted(name for name in settings if name not in Settings.model_fields)
    if unknown:
        raise ValueError(f"unknown settings {unknown}: use the field names of qa.settings.Settings, e.g. 'log_level'")
    reserved = sorted({"index_dir", "corpus_dir", "port", "workers"} & settings.keys())
    if reserved:
        raise ValueError(f"settings {reserved} are arguments of start_server (index, corpus, port, workers)")
    env = {
        **os.environ,
        "QA_INDEX_DIR": str(index),
        "QA_HOST": "127.0.0.1",
        "QA_PORT": str(port),
        "QA_WORKERS": str(workers),
        **{f"QA_{name.upper()}": str(value) for name, value in settings.items()},
    }
    if corpus is not None:
        env["QA_CORPUS_DIR"] = str(corpus)
    return env


def start_server(
    index: Path,
    *,
    corpus: Path | None = None,
    log: Path | None = None,
    command: Sequence[str] = DEFAULT_COMMAND,
    port: int | None = None,
    build: bool = False,
    workers: int = 1,
    ready: str = "ok",
    timeout: float = 90,
    cwd: Path = ROOT,
    **settings: object,
) -> LiveServer:
    """Start the server serving ``index`` and wait until ``workers`` processes answer /health with ``ready``.

    ``settings`` are ``Settings`` fields (``model="hash-test"``, ``admin_token=...``), passed as ``QA_*``
    variables. ``build``: run ``build_index.py`` on ``corpus`` first. ``command`` is run in ``cwd``; one
    that does not read ``QA_PORT`` (``uvicorn ... --port N``) needs ``port`` set to the N it was given.
    ``ready="no_index"`` waits for a server that has nothing to serve yet. The server's output goes to
    ``log`` (a temporary file, removed on ``stop``, when not given).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if build and corpus is None:
        raise ValueError("build=True needs the corpus to build from")
    port = free_port() if port is None else port
    env = server_env(index, corpus, port, workers, settings)
    if build:
        done = subprocess.run([sys.executable, "build_index.py"], cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ServerFailed(f"build_index.py exited with code {done.returncode}: {done.stderr[-LOG_TAIL:]}")
    remove_log = log is None
    if log is None:
        handle, name = tempfile.mkstemp(prefix="newsqa-server-", suffix=".log")
        os.close(handle)
        log = Path(name)
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://{env['QA_HOST']}:{port}", process, log, env, cwd, remove_log)
    try:
        wait_until_ready(server, workers, ready, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_ready(server: LiveServer, workers: int, ready: str, timeout: float) -> None:
    """Poll /health, a new connection each time (each may reach another worker), until ``workers`` processes
    have answered with status ``ready``."""
    deadline = time.monotonic() + timeout
    seen = server.worker_pids
    while len(seen) < workers:
        code = server.process.poll()
        if code is not None:
            raise ServerFailed(f"the server exited with code {code} before it answered: {server.log()[-LOG_TAIL:]}")
        if time.monotonic() > deadline:
            raise ServerFailed(
                f"the server did not answer /health with status {ready!r} within {timeout} s "
                f"({len(seen)} of {workers} workers did): {server.log()[-LOG_TAIL:]}"
            )
        try:
            health = httpx.get(f"{server.base}/health", timeout=2).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(0.2)
            continue
        if health.get("status") == ready:
            seen.add(health.get("worker_pid", 0))
        else:
            time.sleep(0.2)
