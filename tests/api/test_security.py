"""Security of the HTTP layer: the admin token, CORS, and staying inside the corpus and index folders."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.api.routes import admin
from qa.embedders.hashing import HashEmbedder
from qa.index.store import load_index
from qa.indexing.build import build_index
from qa.ingest.jsonl import validate_article_id
from qa.settings import Settings
from qa.testing.generated import article, write_corpus
from qa.testing.ports import free_port
from qa.testing.samples import ROOT

TOKEN = "a-long-admin-token-for-tests"


def make_dirs(root: Path, tokenizer) -> tuple[Path, Path]:
    corpus, index = root / "data" / "corpus", root / "data" / "index"
    write_corpus(corpus, 10)
    build_index(corpus, index, HashEmbedder(), tokenizer)
    return corpus, index


@pytest.fixture
def dirs(tmp_path: Path, tokenizer) -> tuple[Path, Path]:
    return make_dirs(tmp_path, tokenizer)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, tokenizer):
    """A server with the admin API enabled, a file outside its folders and one of its API's files.

    The calls made to it must change nothing: each test compares every file under the root."""
    root = tmp_path_factory.mktemp("guarded")
    corpus, index = make_dirs(root, tokenizer)
    (root / "secret.jsonl").write_text(json.dumps(article(99), ensure_ascii=False) + "\n", encoding="utf-8")
    (corpus / "api").mkdir()
    (corpus / "api" / "keep.jsonl").write_text(json.dumps(article(98), ensure_ascii=False) + "\n")
    with make_client((corpus, index), admin_token=TOKEN) as client:
        yield root, client


def make_client(dirs: tuple[Path, Path], **settings) -> TestClient:
    corpus, index = dirs
    options = {"model": "hash-test", "reload_interval": 0, **settings}
    app = create_app(Settings(corpus_dir=corpus, index_dir=index, **options), embedder=HashEmbedder())
    return TestClient(app, raise_server_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the admin token -------------------------------------------------------------------------------


@pytest.mark.parametrize("configured", ["", "   ", "\t\n"])
def test_an_empty_or_blank_token_keeps_the_admin_api_disabled(dirs, configured):
    with make_client(dirs, admin_token=configured) as client:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {configured}"}):
            response = client.post("/admin/reindex", headers=headers, json={"full": True})
            assert response.status_code == 403 and "QA_ADMIN_TOKEN" in response.json()["message"]


def test_blank_token_from_the_environment_is_disabled_too(dirs, monkeypatch):
    monkeypatch.setenv("QA_ADMIN_TOKEN", "")
    corpus, index = dirs
    settings = Settings(corpus_dir=corpus, index_dir=index, model="hash-test", reload_interval=0)
    with TestClient(create_app(settings, embedder=HashEmbedder())) as client:
        assert client.delete("/articles/gen-00001", headers={"Authorization": "Bearer "}).status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN.upper()}",
        f"Basic {TOKEN}",
        f"Token {TOKEN}",
        TOKEN,
        f"Bearer {TOKEN[:10]}\u00e9",
    ],
)
def test_anything_but_the_exact_token_is_refused(guarded, header):
    root, client = guarded
    before = snapshot(root)
    headers = {"Authorization": header.encode("utf-8")} if header else {}
    response = client.post("/articles", headers=headers, json=article(50))
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert snapshot(root) == before


def test_the_token_is_compared_in_constant_time(dirs, monkeypatch):
    calls = []
    compare = admin.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(admin.hmac, "compare_digest", spy)
    with make_client(dirs, admin_token=f"  {TOKEN}\n") as client:  # surrounding whitespace is not part of it
        wrong = client.post("/admin/reindex", headers={"Authorization": f"Bearer {TOKEN[:-3]}abc"})
        right = client.post("/admin/reindex", headers={"Authorization": f"Bearer {TOKEN}"})
    assert (wrong.status_code, right.status_code) == (401, 200)
    assert calls == [(f"{TOKEN[:-3]}abc".encode(), TOKEN.encode()), (TOKEN.encode(), TOKEN.encode())]


# -- CORS ------------------------------------------------------------------------------------------

ORIGIN = "https://news.example"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def test_cors_is_closed_by_default(dirs):
    with make_client(dirs) as client:
        response = client.post("/ask", json={"question": "你好"}, headers={"Origin": ORIGIN})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers
        preflight = client.options("/ask", headers=PREFLIGHT)
        assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


def test_cors_opens_to_the_configured_origins_only(dirs, monkeypatch):
    monkeypatch.setenv("QA_CORS_ORIGINS", f"{ORIGIN}, https://other.example")
    corpus, index = dirs
    settings = Settings(corpus_dir=corpus, index_dir=index, model="hash-test", reload_interval=0)
    assert settings.cors_origins == [ORIGIN, "https://other.example"]
    with TestClient(create_app(settings, embedder=HashEmbedder())) as client:
        response = client.post("/ask", json={"question": "你好"}, headers={"Origin": ORIGIN})
        assert response.headers["access-control-allow-origin"] == ORIGIN
        preflight = client.options("/ask", headers=PREFLIGHT)
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in preflight.headers

        evil = client.post("/ask", json={"question": "你好"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in evil.headers
        refused = client.options("/ask", headers={**PREFLIGHT, "Origin": "https://evil.example"})
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


def test_cors_origins_also_read_as_a_json_list(monkeypatch):
    monkeypatch.setenv("QA_CORS_ORIGINS", json.dumps([ORIGIN]))
    assert Settings().cors_origins == [ORIGIN]
    monkeypatch.setenv("QA_CORS_ORIGINS", "")
    assert Settings().cors_origins == []


# -- staying inside the corpus and index folders ---------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["../outside", "../../etc/passwd", "a/b", "a\\b", "..", ".", "a..b", "x\n", "abc\n", "/abs", "é", "a" * 129],
)
def test_article_ids_that_could_name_another_file_are_refused(guarded, bad):
    with pytest.raises(ValueError, match="'id' must be"):
        validate_article_id(bad)
    root, client = guarded
    before = snapshot(root)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/articles", headers=auth, json={"id": bad, "title": "标题", "body": "正文。"})
    assert response.status_code == 422 and "'id' must be" in response.json()["message"]
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "path", ["..%2Foutside", "..%2F..%2Fsecret", "%2e%2e%2Fsecret", "..%5Csecret", "a%2F..%2F..%2Fsecret", "%00"]
)
def test_encoded_traversal_in_a_delete_url_touches_nothing(guarded, path):
    root, client = guarded
    before = snapshot(root)
    response = client.delete(f"/articles/{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code in (404, 405, 422), response.text
    assert response.json()["message"]
    assert snapshot(root) == before


def test_symlinks_in_the_corpus_never_read_outside_it(dirs, tokenizer):
    corpus, index = dirs
    outside = corpus.parent.parent / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = {"id": "secret", "title": "外部文件", "body": "这是语料文件夹之外的秘密内容。"}
    (outside / "secret.jsonl").write_text(json.dumps(secret, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copy(outside / "secret.jsonl", outside / "folder" / "inner.jsonl")
    (corpus / "link.jsonl").symlink_to(outside / "secret.jsonl")
    (corpus / "linked-folder").symlink_to(outside / "folder", target_is_directory=True)
    (corpus / "relative.jsonl").symlink_to(Path("..") / ".." / "outside" / "secret.jsonl")
    (corpus / "broken.jsonl").symlink_to(corpus / "gone.jsonl")
    (corpus / "own-folder").symlink_to(corpus, target_is_directory=True)
    (corpus / "inside.jsonl").symlink_to(corpus / "gen-00000.jsonl")  # inside: read (its ids are duplicates)

    summary = build_index(corpus, index, HashEmbedder(), tokenizer)
    problems = "\n".join(summary.skipped)
    assert "link.jsonl: symbolic link pointing outside the corpus folder; skipped" in problems
    assert "relative.jsonl: symbolic link pointing outside the corpus folder; skipped" in problems
    assert "linked-folder: symbolic link pointing outside the corpus folder; skipped" in problems
    assert "own-folder: symbolic link to a folder (links to folders are not followed); skipped" in problems
    assert "broken.jsonl: broken symbolic link; skipped" in problems
    assert "inside.jsonl: duplicate article id 'gen-00000' (first in gen-00000.jsonl)" in problems
    assert summary.articles == 10 and "secret" not in json.dumps(summary.to_dict(), ensure_ascii=False).lower()
    assert "secret" not in load_index(index, "hash-test").articles


def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(dirs, tokenizer):
    corpus, index = dirs
    name = b"bad-\xff-name.jsonl"
    with open(bytes(corpus) + b"/" + name, "wb") as handle:
        handle.write(json.dumps(article(77), ensure_ascii=False).encode() + b"\n")
    summary = build_index(corpus, index, HashEmbedder(), tokenizer)
    assert "bad-\ufffd-name.jsonl: file name is not valid UTF-8; rename the file" in summary.skipped
    assert summary.articles == 10


@pytest.mark.parametrize("token", ["tiny-token", "  fifteen-chars!!  "])  # whitespace around it does not count
def test_a_short_admin_token_stops_the_app_from_starting(dirs, token):
    with pytest.raises(ValueError, match=r"^QA_ADMIN_TOKEN is 1[05] characters long: use at least 16 random"):
        make_client(dirs, admin_token=token)


def test_a_short_admin_token_stops_the_server_with_a_clear_message(tmp_path: Path):
    env = {**os.environ, "QA_ADMIN_TOKEN": "tiny-token", "QA_INDEX_DIR": str(tmp_path), "QA_PORT": str(free_port())}
    done = subprocess.run([sys.executable, "server.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "error: QA_ADMIN_TOKEN is 10 characters long: use at least 16 random characters" in done.stderr
    assert "tiny-token" not in done.stderr + done.stdout  # the message never shows the token
