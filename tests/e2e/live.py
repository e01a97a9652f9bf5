"""Start the real server (``python server.py``, uvicorn) on a throwaway corpus and index; read its access log.

Shared by the fuzzing and load tests and by the commands in bench/ that produce the figures of
docs/RELIABILITY.md. The fake ``hash-test`` model keeps start-up and builds quick.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3})')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str]
    corpus: Path
    index: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def statuses(self) -> Counter:
        """How many responses of each status code the server's access log records."""
        return Counter(int(m["status"]) for m in ACCESS_LINE.finditer(self.log()))

    def cli_build(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "build_index.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(root: Path, corpus: Path, timeout: float = 90, **settings: str) -> LiveServer:
    """Build an index of ``corpus`` under ``root`` with the CLI, then start the server; ``settings`` are QA_*."""
    index = root / "index"
    env = {
        **os.environ,
        "QA_MODEL": "hash-test",
        "QA_CORPUS_DIR": str(corpus),
        "QA_INDEX_DIR": str(index),
        "QA_HOST": "127.0.0.1",
        "QA_PORT": str(free_port()),
        "QA_LOG_LEVEL": "info",  # uvicorn's access log: every request and its status
        **{f"QA_{name.upper()}": value for name, value in settings.items()},
    }
    build = subprocess.run([sys.executable, "build_index.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        raise RuntimeError(f"build_index.py failed: {build.stderr[-3000:]}")
    log_path = root / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "server.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{env['QA_PORT']}", process, log_path, env, corpus, index)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the server did not start: {server.log()[-3000:]}")
        try:
            if httpx.get(f"{server.base}/health", timeout=2).json()["status"] == "ok":
                return server
        except (httpx.HTTPError, ValueError):
            time.sleep(0.2)
