"""With the real model: an article added through the API is answered with a citation; deleted, it is gone."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.testing.samples import SAMPLE_PAGE

pytestmark = pytest.mark.model

AUTH = {"Authorization": "Bearer answers-admin-token"}
ARTICLE = {
    "id": "2024-06-03-mars",
    "title": "天问三号探测器成功着陆火星",
    "date": "2023-06-03",
    "author": "李明",
    "body": "国家航天局6月3日宣布，天问三号探测器当天在火星乌托邦平原南部预选区域成功着陆。\n"
    "此次任务的着陆器重约1.3吨，携带了六台科学仪器。\n"
    "专家表示，这是我国第二次实现火星着陆。",
}
QUESTION = "天问三号探测器在火星哪里着陆？"


@pytest.fixture
def client(tmp_path: Path, model, tokenizer, index_store):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    index_store.build(corpus, index, model, tokenizer)
    settings = index_store.settings(index, corpus_dir=corpus, admin_token="answers-admin-token", reload_interval=0)
    with TestClient(create_app(settings, embedder=model)) as client:
        yield client


def test_added_article_is_answered_with_a_citation_and_deleted_article_is_not(client):
    before = client.post("/ask", json={"question": QUESTION}).json()
    assert all(c["article_id"] != ARTICLE["id"] for c in before["citations"])

    added = client.post("/articles", headers=AUTH, json=ARTICLE)
    assert added.status_code == 201 and added.json()["build"]["embedded"] <= 2  # only the new article's chunks

    body = client.post("/ask", json={"question": QUESTION}).json()
    assert not body["no_answer"] and "乌托邦平原" in body["answer"]
    citation = body["citations"][0]
    assert (citation["article_id"], citation["title"], citation["author"]) == (ARTICLE["id"], ARTICLE["title"], "李明")
    article = client.get(f"/articles/{ARTICLE['id']}").json()
    assert article["body"][citation["start"] : citation["end"]] == citation["text"]

    assert client.delete(f"/articles/{ARTICLE['id']}", headers=AUTH).status_code == 200
    after = client.post("/ask", json={"question": QUESTION}).json()
    assert "乌托邦平原" not in after["answer"]
    assert all(c["article_id"] != ARTICLE["id"] for c in after["citations"])
    rebuilt = client.post("/admin/reindex", headers=AUTH, json={"full": True})
    assert rebuilt.status_code == 200 and rebuilt.json()["build"]["articles"] == 4
    assert client.get(f"/articles/{ARTICLE['id']}").status_code == 404
