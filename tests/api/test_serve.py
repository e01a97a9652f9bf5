"""``python server.py`` starts uvicorn with the connection limits of the settings, one process or several."""

from pathlib import Path

import pytest

from qa.api import serve
from qa.api.connections import HeaderDeadline
from qa.settings import Settings


@pytest.mark.parametrize("workers", [1, 2])
def test_uvicorn_gets_the_connection_limits(monkeypatch, tmp_path: Path, workers: int):
    calls: list[dict] = []
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **options: calls.append(options))
    limits = {"limit_concurrency": 7, "timeout_keep_alive": 3, "header_timeout": 2.5}
    settings = Settings(index_dir=tmp_path, workers=workers, **limits)
    serve.run(settings)
    options = calls[0]
    assert options["limit_concurrency"] == 7 and options["timeout_keep_alive"] == 3
    protocol = options["http"]
    assert protocol.func is HeaderDeadline and protocol.keywords == {"header_timeout": 2.5}
