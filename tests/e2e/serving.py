"""Start and stop the real server (python server.py, uvicorn) on a free port, for tests that talk HTTP to it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.chat.fake_upstream import free_port
from tests.conftest import ROOT


def start_server(index_dir: Path, log: Path, **env: str) -> tuple[str, subprocess.Popen]:
    """The server serving ``index_dir`` (extra ``QA_*`` settings in ``env``), its output in ``log``."""
    port = free_port()
    env = {**os.environ, "QA_INDEX_DIR": str(index_dir), "QA_PORT": str(port), "QA_HOST": "127.0.0.1", **env}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {log.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return base, process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("server did not start in 90 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)
