"""The real server (python server.py, uvicorn) over HTTP: the shared read-only one of tests/conftest.py."""

import httpx
import pytest

from qa.testing.samples import RONG_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def server(shared_server) -> str:
    return shared_server.base


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
