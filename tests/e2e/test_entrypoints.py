"""The ways users start the server all serve answers: ``uvicorn server:app``, ``fastapi run server.py``,
``newsqa serve`` (the installed command) and ``python server.py`` (the other e2e tests)."""

import sys
from pathlib import Path

import httpx
import pytest

from qa.testing.ports import free_port
from qa.testing.samples import SAMPLE_CORPUS
from qa.testing.server import start_server

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def commands(port: int) -> dict[str, list[str]]:
    return {
        "uvicorn server:app": [sys.executable, "-m", "uvicorn", "server:app", "--port", str(port)],
        "fastapi run server.py": [str(BIN / "fastapi"), "run", "server.py", "--host", "127.0.0.1", "--port", str(port)],
        "newsqa serve": [str(BIN / "newsqa"), "serve"],
    }


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample page indexed once (fake model), served by each command in turn."""
    index = tmp_path_factory.mktemp("entrypoints") / "index"
    server = start_server(index, corpus=SAMPLE_CORPUS, build=True, model="hash-test")
    server.stop()
    return index


@pytest.mark.parametrize("name", ["uvicorn server:app", "fastapi run server.py", "newsqa serve"])
def test_each_way_of_starting_the_server_answers_with_citations(built_index: Path, name: str):
    port = free_port()
    with start_server(built_index, command=commands(port)[name], port=port, model="hash-test") as server:
        reply = httpx.post(f"{server.base}/ask", json={"question": "荣氏家族向江南大学捐资多少？"}, timeout=30)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert "1.1亿元" in body["answer"]
        assert body["citations"][0]["title"] == "赓续荣光更好为家乡发展助力添彩"


def test_importing_server_loads_nothing_until_an_asgi_server_asks_for_app():
    import server
    from qa.api.serve import lazy_app

    lazy_app.cache_clear()
    assert "app" in dir(server)  # found by tools that list the module (fastapi run)
    assert lazy_app.cache_info().currsize == 0  # importing made no app, read no settings
