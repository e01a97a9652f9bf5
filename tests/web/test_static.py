"""GET / and its assets (no browser): served by the service, same-origin only, text never parsed as HTML."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.api.routes.web import STATIC_DIR
from qa.embedders.hashing import HashEmbedder
from qa.settings import Settings

SCRIPT_OR_STYLE = re.compile(r'(?:src|href)="(/static/[^"]+)"')
IMPORT = re.compile(r'from "\./([^"]+)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(index_dir=tmp_path_factory.mktemp("empty") / "index")
    with TestClient(create_app(settings, embedder=HashEmbedder())) as client:
        yield client


def test_the_page_is_served_with_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == policy["connect-src"] == "'self'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="zh-CN">' in response.text and 'id="question"' in response.text


def test_every_asset_the_page_loads_is_served_with_its_type(client):
    page = client.get("/").text
    wanted = set(SCRIPT_OR_STYLE.findall(page))
    for script in STATIC_DIR.glob("*.js"):
        wanted |= {f"/static/{name}" for name in IMPORT.findall(script.read_text(encoding="utf-8"))}
    assert {"/static/app.js", "/static/app.css", "/static/sse.js", "/static/article.js"} <= wanted
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    for url in sorted(wanted):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith(types[Path(url).suffix]), url


def test_only_the_pages_own_files_are_served(client):
    assert client.get("/static/nothing.js").status_code == 404
    assert "nothing.js" in client.get("/static/nothing.js").json()["detail"]
    assert client.get("/static/..%2Froutes%2Fweb.py").status_code == 404
    assert client.get("/static/../routes/web.py").status_code == 404
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_assets_request_nothing_from_elsewhere_and_never_parse_text_as_html():
    for path in [*STATIC_DIR.glob("*.js"), *STATIC_DIR.glob("*.css"), *STATIC_DIR.glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{path.name} names another origin"
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", text), path.name
