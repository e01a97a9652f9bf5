from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.settings import Settings
from qa.testing.samples import RONG_TITLE

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def client(sample_store_dir: Path, index_store, model):
    with TestClient(create_app(index_store.settings(sample_store_dir), embedder=model)) as client:
        yield client


def test_ask_answers_with_citations(client):
    response = client.post("/ask", json={"question": "荣氏家族向江南大学捐资多少？", "top_k": 3})
    assert response.status_code == 200
    body = response.json()
    assert "1.1亿元" in body["answer"] and not body["no_answer"]
    assert len(body["citations"]) == 3
    first = body["citations"][0]
    assert first["title"] == RONG_TITLE and first["author"] == "惠晓婧" and first["authors"] == ["惠晓婧"]
    assert first["date"] is None  # the sample page prints no year (4月6日): no date is guessed
    assert set(first) == {
        "n",
        "article_id",
        "title",
        "author",
        "authors",
        "date",
        "dateline",
        "paper",
        "page",
        "source",
        "chunk_id",
        "text",
        "start",
        "end",
        "score",
        "also_in",
    }
    article = client.get(f"/articles/{first['article_id']}").json()
    assert article["body"][first["start"] : first["end"]] == first["text"]
    assert article["title"] == RONG_TITLE and len(article["paragraphs"]) == 4
    assert body["took_ms"] > 0
    # The phrase that answers, inside the sentence cited as [1], at its offsets; and how sure the service is.
    short = body["short_answer"]
    assert short == {**short, "text": "1.1亿元", "kind": "amount", "citation": 1}
    assert article["body"][short["start"] : short["end"]] == "1.1亿元"
    assert first["start"] <= short["start"] and short["end"] <= first["end"]
    assert 0.5 < body["confidence"] <= 1 and body["reason"] is None


def test_out_of_corpus_question_gets_no_answer(client):
    body = client.post("/ask", json={"question": "量子计算机的工作原理是什么？"}).json()
    assert body["no_answer"] is True and body["answer"] == ""
    assert body["reason"] == "not_found" and body["short_answer"] is None


def test_a_fact_the_article_does_not_give_is_refused_as_no_matching_fact(client):
    # The sample page reports the donations to 江南大学 and the hospital, not to any school in 上海.
    body = client.post("/ask", json={"question": "荣氏家族向上海交通大学捐资多少？"}).json()
    assert body["no_answer"] is True and body["reason"] == "no_matching_fact"
    assert body["citations"]  # the closest passages are still there to read


def test_min_confidence_one_refuses_everything_as_low_confidence(sample_store_dir: Path, index_store, model):
    settings = index_store.settings(sample_store_dir, min_confidence=1.0)
    with TestClient(create_app(settings, embedder=model)) as strict:
        body = strict.post("/ask", json={"question": "荣氏家族向江南大学捐资多少？"}).json()
    assert body["no_answer"] is True and body["answer"] == ""
    assert body["reason"] in {"low_confidence", "not_found", "no_matching_fact"}
    assert body["confidence"] < 1


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "question"),
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "问" * 1001}, "question"),
        ({"question": 42}, "question"),
        ({"question": "你好", "top_k": 0}, "top_k"),
        ({"question": "你好", "top_k": 21}, "top_k"),
        ({"question": "你好", "top_k": "5"}, "top_k"),
    ],
)
def test_bad_requests_get_422_naming_the_field(client, payload, field):
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    body = response.json()
    assert body["message"].startswith(field + ":")
    assert body["detail"][0]["loc"][-1] == field


def test_unknown_article_is_404(client):
    response = client.get("/articles/doesnotexist")
    assert response.status_code == 404 and "doesnotexist" in response.json()["detail"]


def test_health_reports_the_index(client, index_store):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["articles"] == 4 and body["chunks"] > 4
    assert body["store"] == index_store.kind
    assert body["model"] == "m3e-small" and body["built_at"]


def test_the_interactive_docs_are_off_unless_asked_for(client, sample_index_dir: Path, model):
    # Their pages load scripts from a CDN: a server does not make browsers do that unless QA_DOCS says so.
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 404 and "described at /openapi.json" in response.json()["message"]
    assert "/ask" in client.get("/openapi.json").json()["paths"]
    with TestClient(create_app(Settings(index_dir=sample_index_dir, docs=True), embedder=model)) as with_docs:
        assert with_docs.get("/docs").status_code == 200 and with_docs.get("/redoc").status_code == 200


def test_without_an_index_ask_is_503_and_health_says_so(tmp_path: Path, index_store, model):
    with TestClient(create_app(index_store.settings(tmp_path), embedder=model)) as client:
        response = client.post("/ask", json={"question": "你好"})
        assert response.status_code == 503 and "build_index.py" in response.json()["detail"]
        assert client.get("/health").json()["status"] == "no_index"
