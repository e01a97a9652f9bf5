"""Start the real server (python server.py, uvicorn) on a free port and talk HTTP to it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import RONG_TITLE, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_index_dir: Path):
    port = free_port()
    env = {**os.environ, "QA_INDEX_DIR": str(sample_index_dir), "QA_PORT": str(port), "QA_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "server.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {process.stdout.read()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("server did not start in 90 s")
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_ask_over_http(server):
    response = httpx.post(f"{server}/ask", json={"question": "荣氏家族向江南大学捐资多少？"}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert "1.1亿元" in body["answer"]
    citation = body["citations"][0]
    assert citation["title"] == RONG_TITLE
    article = httpx.get(f"{server}/articles/{citation['article_id']}", timeout=10).json()
    assert article["body"][citation["start"] : citation["end"]] == citation["text"]
    assert "1.1亿元" in citation["text"]


def test_health_and_bad_request_over_http(server):
    assert httpx.get(f"{server}/health", timeout=10).json()["status"] == "ok"
    response = httpx.post(f"{server}/ask", json={"question": "你好", "top_k": 99}, timeout=10)
    assert response.status_code == 422 and "top_k" in response.json()["message"]
