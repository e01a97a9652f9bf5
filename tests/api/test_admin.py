"""Admin API: token checks, adding and deleting articles, reindexing, live swap of index versions."""

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.embedders.hashing import HashEmbedder
from qa.index.lock import build_lock
from qa.index.store import VERSIONS, current_version_dir, set_current
from qa.indexing.chunking import chunk_article
from qa.ingest.jsonl import article_from_record
from qa.testing.generated import article, question, write_corpus, write_jsonl
from qa.testing.samples import RONG_TITLE, SAMPLE_PAGE
from qa.testing.stores import IndexStoreUnderTest

TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class FailingEmbedder(HashEmbedder):
    """Fails on any text containing 故障 (to make a build fail mid-way)."""

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if any("故障" in text for text in texts):
            raise RuntimeError("embedding backend failed")
        return super().encode(texts)


def make_dirs(root: Path, tokenizer, store: IndexStoreUnderTest) -> tuple[Path, Path]:
    corpus, index = root / "corpus", root / "index"
    write_corpus(corpus, 30)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    store.build(corpus, index, HashEmbedder(), tokenizer)
    return corpus, index


@pytest.fixture
def dirs(tmp_path: Path, tokenizer, index_store: IndexStoreUnderTest) -> tuple[Path, Path]:
    return make_dirs(tmp_path, tokenizer, index_store)


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory, tokenizer, index_store: IndexStoreUnderTest):
    """Two servers over one index for the refused calls (they change nothing): with and without a token."""
    shared = make_dirs(tmp_path_factory.mktemp("refused"), tokenizer, index_store)
    with (
        make_client(shared, index_store) as with_token,
        make_client(shared, index_store, admin_token=None) as without_token,
    ):
        yield shared, with_token, without_token


def make_client(dirs, store: IndexStoreUnderTest, **overrides) -> TestClient:
    corpus, index = dirs
    options = {"admin_token": TOKEN, "reload_interval": 0.1, "model": "hash-test", **overrides}
    settings = store.settings(index, corpus_dir=corpus, **options)
    return TestClient(create_app(settings, embedder=FailingEmbedder()), raise_server_exceptions=False)


@pytest.fixture
def client(dirs, index_store):
    with make_client(dirs, index_store) as client:
        yield client


def served(client: TestClient) -> str:
    return client.get("/health").json()["version"]


def cited_ids(client: TestClient, text: str) -> list[str]:
    body = client.post("/ask", json={"question": text}).json()
    return [c["article_id"] for c in body["citations"]]


ADMIN_CALLS = [
    ("post", "/articles", {"json": article(900)}),
    ("delete", "/articles/gen-00001", {}),
    ("post", "/admin/reindex", {"json": {"full": True}}),
]


@pytest.mark.parametrize("method,path,kwargs", ADMIN_CALLS)
def test_admin_api_is_disabled_without_a_configured_token(refusing, method, path, kwargs):
    (corpus, index), _, client = refusing
    version = served(client)
    response = getattr(client, method)(path, headers=AUTH, **kwargs)
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"] and "QA_ADMIN_TOKEN" in response.json()["detail"]
    assert current_version_dir(index).name == version and not (corpus / "api").exists()


@pytest.mark.parametrize("method,path,kwargs", ADMIN_CALLS)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_missing_or_wrong_token_is_refused(refusing, method, path, kwargs, headers):
    (corpus, index), client, _ = refusing
    version = served(client)
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "admin token" in response.json()["detail"]
    assert current_version_dir(index).name == version
    assert not (corpus / "api").exists() and not (corpus / ".deleted").exists()


def test_an_added_article_is_answerable_at_once_and_gone_after_delete(client, dirs):
    response = client.post("/articles", headers=AUTH, json=article(900))
    assert response.status_code == 201
    body = response.json()
    assert body["ids"] == ["gen-00900"] and body["build"]["added"] == 1 and body["build"]["reused"] == 34
    assert body["serving"] == body["build"]["version"] == served(client)
    assert cited_ids(client, question(900))[0] == "gen-00900"
    stored = json.loads((dirs[0] / "api" / "gen-00900.jsonl").read_text(encoding="utf-8"))
    assert stored["title"] == article(900)["title"]

    response = client.delete("/articles/gen-00900", headers=AUTH)
    assert response.status_code == 200 and response.json()["build"]["removed"] == 1
    assert client.get("/articles/gen-00900").status_code == 404
    assert "gen-00900" not in cited_ids(client, question(900))
    assert not (dirs[0] / "api" / "gen-00900.jsonl").exists() and not (dirs[0] / ".deleted").exists()


def test_an_added_article_keeps_its_authors_dateline_paper_page_and_section(client, dirs):
    record = {
        **article(904),
        "author": None,
        "authors": ["王云杉", "罗珊珊"],
        "dateline": "本报北京4月27日电",
        "paper": "人民日报",
        "page": "3",
        "section": "经济·科技",
    }
    assert client.post("/articles", headers=AUTH, json=record).status_code == 201
    stored = json.loads((dirs[0] / "api" / "gen-00904.jsonl").read_text(encoding="utf-8"))
    assert stored["authors"] == ["王云杉", "罗珊珊"]
    served_article = client.get("/articles/gen-00904").json()
    assert served_article["authors"] == ["王云杉", "罗珊珊"] and served_article["author"] == "王云杉、罗珊珊"
    assert (stored["dateline"], stored["paper"], stored["page"], stored["section"]) == (
        "本报北京4月27日电",
        "人民日报",
        "3",
        "经济·科技",
    )
    schema = client.get("/openapi.json").json()
    assert "authors" in json.dumps(schema) and "section" in json.dumps(schema)


def test_a_list_of_articles_is_added_and_one_without_id_gets_a_content_id(client):
    records = [article(901), {"title": "无编号的文章", "body": "这篇文章没有编号。它的编号由内容决定。"}]
    body = client.post("/articles", headers=AUTH, json=records).json()
    assert body["ids"][0] == "gen-00901" and len(body["ids"][1]) == 16 and body["build"]["added"] == 2
    assert client.get(f"/articles/{body['ids'][1]}").json()["source"] == f"api/{body['ids'][1]}.jsonl"


def test_deleting_a_page_article_keeps_it_deleted_across_full_rebuilds(client, dirs):
    rong = next(c for c in client.post("/ask", json={"question": "荣氏家族向江南大学捐资多少？"}).json()["citations"])
    assert rong["title"] == RONG_TITLE
    assert client.delete(f"/articles/{rong['article_id']}", headers=AUTH).status_code == 200
    assert rong["article_id"] in (dirs[0] / ".deleted").read_text()
    rebuilt = client.post("/admin/reindex", headers=AUTH, json={"full": True}).json()["build"]
    assert rebuilt["full"] and rebuilt["deleted"] == 1 and rebuilt["embedded"] == rebuilt["chunks"]
    assert client.get(f"/articles/{rong['article_id']}").status_code == 404
    assert client.delete(f"/articles/{rong['article_id']}", headers=AUTH).status_code == 404

    # Added again through the API: no longer deleted.
    again = {"id": rong["article_id"], "title": RONG_TITLE, "body": "荣氏家族向江南大学捐资1.1亿元。"}
    assert client.post("/articles", headers=AUTH, json=again).status_code == 201
    assert rong["article_id"] not in (dirs[0] / ".deleted").read_text()
    assert client.get(f"/articles/{rong['article_id']}").json()["body"] == again["body"]


@pytest.mark.parametrize(
    "payload,message",
    [
        ([article(902), {"body": "没有标题。"}], "articles[1]: missing or empty 'title'"),
        ({"id": "../../etc/passwd", "title": "t", "body": "b"}, "'id' must be"),
        ({"id": "a..b", "title": "t", "body": "b"}, "'id' must be"),
        ({"title": "t", "body": 3}, "'body' must be a string"),
        ([article(903), article(903)], "articles[1]: duplicate id 'gen-00903'"),
        ([], "non-empty list"),
        ({"title": "t", "body": "b", "authors": ["张三", 3]}, "'authors' must be a list of strings (or one string)"),
        ({"title": "t", "body": "b", "page": [3]}, "'page' must be a string, got list"),
    ],
)
def test_invalid_articles_are_refused_and_nothing_is_written(client, dirs, payload, message):
    version = served(client)
    response = client.post("/articles", headers=AUTH, json=payload)
    assert response.status_code == 422 and message in json.dumps(response.json(), ensure_ascii=False)
    assert not (dirs[0] / "api").exists() and served(client) == version


def test_unsafe_or_unknown_ids_cannot_be_deleted(client):
    assert client.delete("/articles/a..b", headers=AUTH).status_code == 422
    assert client.delete("/articles/.hidden", headers=AUTH).status_code == 422
    response = client.delete("/articles/no-such-article", headers=AUTH)
    assert response.status_code == 404 and "no-such-article" in response.json()["detail"]


def test_a_failed_update_leaves_corpus_and_served_version_as_they_were(client, dirs):
    version = served(client)
    broken = {"id": "breaks", "title": "故障文章", "body": "这篇文章让嵌入失败（故障）。"}
    assert client.post("/articles", headers=AUTH, json=broken).status_code == 500
    assert not (dirs[0] / "api" / "breaks.jsonl").exists()
    assert served(client) == version and current_version_dir(dirs[1]).name == version
    assert client.post("/ask", json={"question": question(3)}).status_code == 200


def test_a_running_build_makes_admin_calls_wait_then_give_up_clearly(dirs, index_store):
    with make_client(dirs, index_store, build_lock_timeout=0.3) as client, build_lock(dirs[1]):
        response = client.post("/articles", headers=AUTH, json=article(904))
        assert response.status_code == 409 and "another build is running" in response.json()["detail"]
        assert not (dirs[0] / "api").exists()


def wait_for_version(client: TestClient, version: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while served(client) != version:
        assert time.monotonic() < deadline, f"server still on {served(client)}, expected {version}"
        time.sleep(0.05)


def test_a_version_built_by_another_process_is_picked_up(client, dirs, tokenizer, index_store):
    write_jsonl(dirs[0] / "today.jsonl", [article(905)])
    summary = index_store.build(*dirs, HashEmbedder(), tokenizer)
    wait_for_version(client, summary.version)
    assert cited_ids(client, question(905))[0] == "gen-00905"


def test_a_version_that_fails_to_load_leaves_the_old_one_serving(client, dirs, tokenizer, index_store):
    if index_store.kind != "faiss":
        pytest.skip("damages version files; the Milvus store's own test: tests/index/test_milvus_store.py")
    old = served(client)
    broken = dirs[1] / VERSIONS / "29990101T000000000000Z"
    shutil.copytree(current_version_dir(dirs[1]), broken)
    (broken / "chunks.jsonl").write_text("{not json")
    set_current(dirs[1], broken)
    time.sleep(0.5)  # several watcher rounds
    assert served(client) == old
    assert client.post("/ask", json={"question": question(3)}).status_code == 200
    # The next build cannot reuse the damaged version, so it builds everything and serves again.
    write_jsonl(dirs[0] / "today.jsonl", [article(906)])
    body = client.post("/admin/reindex", headers=AUTH).json()
    assert body["serving"] == body["build"]["version"] != old
    assert body["build"]["embedded"] == len(chunk_article(article_from_record(article(906), "x")))  # rest: cache
    assert cited_ids(client, question(906))[0] == "gen-00906"
