"""Every bad request gets a 4xx whose message names the problem; nothing a client sends causes a 500.

Plumbing only: the fake hash embedder over generated articles and the sample page.
"""

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.embedders.hashing import HashEmbedder
from qa.testing.generated import write_corpus
from qa.testing.samples import SAMPLE_PAGE
from qa.testing.stores import IndexStoreUnderTest

JSON = {"content-type": "application/json"}
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, tokenizer, index_store) -> Path:
    root = tmp_path_factory.mktemp("bad-requests")
    write_corpus(root / "corpus", 20)
    shutil.copy(SAMPLE_PAGE, root / "corpus" / SAMPLE_PAGE.name)
    index_store.build(root / "corpus", root / "index", HashEmbedder(), tokenizer)
    return root / "index"


def make_client(index_dir: Path, store: IndexStoreUnderTest, embedder=None, **settings) -> TestClient:
    options = {"model": "hash-test", "reload_interval": 0, "max_body_bytes": LIMIT, **settings}
    app = create_app(store.settings(index_dir, corpus_dir=index_dir.parent / "corpus", **options), embedder)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(index_dir: Path, index_store):
    with make_client(index_dir, index_store, HashEmbedder()) as client:
        yield client


def message(response) -> str:
    """The one-line message of an error, in either shape (ours, or OpenAI's under /v1)."""
    body = response.json()
    return body["error"]["message"] if "error" in body else body["message"]


@pytest.mark.parametrize(
    "body,headers,status,expected",
    [
        (b'{"question": "hi"', JSON, 422, "body: invalid JSON at character"),
        (b"\xff\xfe\xfa garbage", JSON, 422, "body: invalid JSON: the bytes are not UTF-8"),
        (b"[" * 20_000 + b"]" * 20_000, JSON, 422, "body: invalid JSON: nested too deeply"),
        (b'{"question": "hi", "top_k": ' + b"9" * 5000 + b"}", JSON, 422, "body: invalid JSON"),
        (b"", JSON, 422, "body: missing"),
        (b"[]", JSON, 422, "body: Input should be a valid dictionary"),
        (b'{"question": "hi"}', {"content-type": "text/plain"}, 415, "Content-Type: text/plain"),
        (b'{"question": "hi"}', {}, 415, "'Content-Type: application/json'"),
        (b"question=hi", {"content-type": "application/x-www-form-urlencoded"}, 415, "application/json"),
    ],
)
@pytest.mark.parametrize("path", ["/ask", "/v1/chat/completions"])
def test_unreadable_bodies_get_a_4xx_saying_why(client, path, body, headers, status, expected):
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == status
    assert expected in message(response)
    assert "error" in response.json() if path.startswith("/v1") else "detail" in response.json()


@pytest.mark.parametrize(
    "payload,field,words",
    [
        ({"question": 42}, "question", "valid string"),
        ({"question": ["问"]}, "question", "valid string"),
        ({"question": None}, "question", "valid string"),
        ({"question": ""}, "question", "at least 1 character"),
        ({"question": " \t\n"}, "question", "not only whitespace"),
        ({"question": "\u3000\x1c\x85"}, "question", "not only whitespace"),  # what str.strip() removes
        ({"question": "问" * 1001}, "question", "at most 1000 characters"),
        ({"question": "你好", "top_k": 0}, "top_k", "greater than or equal to 1"),
        ({"question": "你好", "top_k": -1}, "top_k", "greater than or equal to 1"),
        ({"question": "你好", "top_k": 21}, "top_k", "less than or equal to 20"),
        ({"question": "你好", "top_k": 10**30}, "top_k", "less than or equal to 20"),
        ({"question": "你好", "top_k": "5"}, "top_k", "valid integer"),
        ({"question": "你好", "top_k": True}, "top_k", "valid integer"),
        ({"question": "你好", "top_k": 2.5}, "top_k", "valid integer"),
        ({"question": "你好", "history": "不是列表"}, "history", "valid list"),
        ({"question": "你好", "history": [{"role": "robot", "content": "x"}]}, "history.0.role", "'user'"),
        ({"question": "你好", "history": [{"role": "user"}] * 101}, "history", "at most 100 items"),
    ],
)
def test_wrong_values_get_422_naming_the_field(client, payload, field, words):
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    assert message(response).startswith(f"{field}:") and words in message(response)


@pytest.mark.parametrize("raw", [b'{"question": "\\ud800"}', b'{"question": "a\\udc00b"}'])
def test_lone_surrogates_are_refused_naming_the_field(client, raw):
    response = client.post("/ask", content=raw, headers=JSON)
    assert response.status_code == 422 and message(response).startswith("question:")
    chat = b'{"messages": [{"role": "user", "content": "\\ud800"}]}'
    response = client.post("/v1/chat/completions", content=chat, headers=JSON)
    assert response.status_code == 422 and response.json()["error"]["param"] == "messages.0.content"


@pytest.mark.parametrize("question", ["a\x00b", "荣氏家族\x07\x1b[31m捐资多少？", "\ufeff问", "🙂" * 10, "\u202e反向"])
def test_odd_characters_in_a_question_are_answered(client, question):
    response = client.post("/ask", json={"question": question, "top_k": 3})
    assert response.status_code == 200
    assert response.json()["question"] == question.strip()


def test_a_whole_number_written_as_a_float_is_an_integer(client):
    response = client.post("/ask", content=b'{"question": "\xe4\xbd\xa0\xe5\xa5\xbd", "top_k": 3.0}', headers=JSON)
    assert response.status_code == 200 and len(response.json()["citations"]) <= 3


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/articles/..%2F..%2Fetc%2Fpasswd", 404),
        ("/articles/%2e%2e", 422),
        ("/articles/a..b", 422),
        ("/articles/.hidden", 422),
        ("/articles/abc%0A", 422),
        ("/articles/" + "a" * 129, 422),
        ("/articles/%00", 422),
        ("/articles/gen-99999", 404),
    ],
)
def test_odd_article_ids_are_refused_or_not_found(client, path, expected):
    response = client.get(path)
    assert response.status_code == expected
    assert message(response)


def test_unknown_routes_and_methods_are_json_errors_naming_them(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404 and message(response).startswith("no such endpoint: GET /nothing/here")
    response = client.get("/v1/nothing")
    assert response.status_code == 404 and response.json()["error"]["message"].startswith("no such endpoint")

    response = client.put("/ask", json={"question": "你好"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert message(response) == "method PUT is not allowed on /ask; allowed: POST"
    # GET and DELETE of /articles/{id} live in different routers; Allow names both.
    response = client.patch("/articles/gen-00001")
    assert response.status_code == 405 and {"GET", "DELETE"} <= set(response.headers["allow"].split(", "))
    response = client.delete("/v1/models")
    assert response.status_code == 405 and "allowed: GET" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/ask", "/v1/chat/completions", "/articles", "/admin/reindex"])
def test_a_body_over_the_limit_is_413_declared_or_streamed(client, path):
    question = "问" * ((LIMIT // 3) + 10)  # over the limit in UTF-8
    body = json.dumps({"question": question}, ensure_ascii=False).encode()
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 413 and f"limit of {LIMIT} bytes" in message(response)

    def chunks():  # no Content-Length: sent with Transfer-Encoding: chunked
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = client.post(path, content=chunks(), headers=JSON)
    assert response.status_code == 413 and "QA_MAX_BODY_BYTES" in message(response)


def test_a_body_under_the_limit_is_read(client):
    response = client.post("/ask", json={"question": "你好", "history": [{"role": "user", "content": "问" * 8000}]})
    assert response.status_code == 200


def test_security_headers_on_answers_and_errors(client):
    for response in (client.get("/health"), client.get("/nowhere"), client.post("/ask", json={})):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


class BrokenEmbedder(HashEmbedder):
    """An internal failure with details that must not reach the client."""

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if any("故障" in text for text in texts):
            raise ValueError("secret internal detail /srv/models/weights.bin")
        return super().encode(texts)


def test_an_unexpected_error_is_a_generic_500_logged_with_a_reference(index_dir, index_store, caplog):
    with (
        make_client(index_dir, index_store, BrokenEmbedder()) as client,
        caplog.at_level(logging.ERROR, logger="qa.api.errors"),
    ):
        for path, payload in [
            ("/ask", {"question": "故障是什么？"}),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": "故障是什么？"}]}),
        ]:
            response = client.post(path, json=payload)
            assert response.status_code == 500
            text = message(response)
            assert text.startswith("internal server error (reference ") and "secret" not in response.text
            assert "Traceback" not in response.text and "ValueError" not in response.text
            assert response.headers["x-content-type-options"] == "nosniff"
            reference = text.split("reference ")[1].split(")")[0]
            assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
        # The server goes on answering.
        assert client.post("/ask", json={"question": "项目总投资多少亿元？"}).status_code == 200


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("max_tokens", 10**30, "less than or equal to 32768"),
        ("max_tokens", 32769, "less than or equal to 32768"),
        ("max_tokens", 0, "greater than or equal to 1"),
        ("max_tokens", "100", "valid integer"),
        ("max_completion_tokens", 10**9, "less than or equal to 32768"),
    ],
)
def test_a_bad_max_tokens_gets_422_naming_the_field(client, field, value, words):
    payload = {"messages": [{"role": "user", "content": "你好"}], field: value}
    response = client.post("/v1/chat/completions", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["param"] == field and error["message"].startswith(f"{field}:") and words in error["message"]
