"""/ask with history and the OpenAI-compatible routes, through the app (TestClient runs the lifespan)."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.chat.generator import NO_ANSWER_TEXT
from qa.testing.samples import RONG_TITLE

pytestmark = pytest.mark.model

DONATION = "荣氏家族给江南大学捐了多少钱？"
HISTORY = [{"role": "user", "content": DONATION}, {"role": "assistant", "content": "捐资1.1亿元[1]"}]


@pytest.fixture(scope="module")
def client(followup_index_dir: Path, model, index_store):
    index_store.publish(followup_index_dir, model.name)
    settings = index_store.settings(followup_index_dir, chat_model_name="newsqa-test")
    with TestClient(create_app(settings, embedder=model)) as client:
        yield client


def sse_events(response) -> list[str]:
    """The data of each server-sent event, checking the framing: 'data: ...' lines, blank line between."""
    text = response.read().decode("utf-8")
    assert text.endswith("\n\n") and "\r" not in text
    events = []
    for block in text.strip("\n").split("\n\n"):
        lines = [line for line in block.split("\n") if not line.startswith(":")]  # ':' lines are pings
        assert lines and all(line.startswith("data: ") for line in lines), block
        events.append("\n".join(line[len("data: ") :] for line in lines))
    return events


# -- /ask with history ---------------------------------------------------------------------------------


def test_ask_understands_a_follow_up_from_the_history(client):
    alone = client.post("/ask", json={"question": "给人民医院呢？"}).json()
    assert alone["citations"][0]["title"] != RONG_TITLE and alone["resolved_question"] is None

    body = client.post("/ask", json={"question": "给人民医院呢？", "history": HISTORY}).json()
    assert body["question"] == "给人民医院呢？"
    assert body["resolved_question"] == "荣氏家族给人民医院捐了多少钱？"
    assert "4000万元" in body["answer"] and not body["no_answer"]
    assert body["citations"][0]["title"] == RONG_TITLE and "4000万元" in body["citations"][0]["text"]


@pytest.mark.parametrize(
    "history,field",
    [
        ([{"role": "robot", "content": "x"}], "history.0.role"),
        ([{"role": "user"}], "history.0.content"),
        ([{"role": "user", "content": 42}], "history.0.content"),
        ([{"role": "user", "content": "问" * 8001}], "history.0.content"),
        ([{"role": "user", "content": "x"}] * 101, "history"),
        ("荣氏家族", "history"),
    ],
)
def test_bad_history_gets_422_naming_the_field(client, history, field):
    response = client.post("/ask", json={"question": "给人民医院呢？", "history": history})
    assert response.status_code == 422
    assert response.json()["message"].startswith(field + ":")


# -- /v1 -----------------------------------------------------------------------------------------------


def test_models_lists_the_service_model(client):
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and [m["id"] for m in body["data"]] == ["newsqa-test"]
    assert client.get("/v1/models/newsqa-test").json()["id"] == "newsqa-test"
    missing = client.get("/v1/models/gpt-4")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"


def test_chat_completion_answers_with_markers_and_citations(client):
    payload = {"model": "anything", "messages": [{"role": "user", "content": "荣氏家族向江南大学捐资多少？"}]}
    response = client.post("/v1/chat/completions", json={**payload, "temperature": 0.3, "tools": [], "seed": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "newsqa-test"
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    content = choice["message"]["content"]
    assert "1.1亿元" in content and "[1]" in content and body["no_answer"] is False
    ask = client.post("/ask", json={"question": "荣氏家族向江南大学捐资多少？"}).json()
    assert content == ask["answer"]
    assert [c["chunk_id"] for c in body["citations"]] == [c["chunk_id"] for c in ask["citations"]]
    first = body["citations"][0]
    article = client.get(f"/articles/{first['article_id']}").json()
    assert article["body"][first["start"] : first["end"]] == first["text"] and "1.1亿元" in first["text"]


def test_chat_completion_follow_up_and_content_parts(client):
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [{"type": "text", "text": DONATION}]},
        {"role": "assistant", "content": "捐资1.1亿元[1]"},
        {"role": "user", "content": [{"type": "text", "text": "给人民医院"}, {"type": "text", "text": "呢？"}]},
    ]
    body = client.post("/v1/chat/completions", json={"messages": messages}).json()
    assert "4000万元" in body["choices"][0]["message"]["content"]
    assert body["citations"][0]["title"] == RONG_TITLE


def test_no_answer_is_said_in_words(client):
    messages = [{"role": "user", "content": "量子计算机的工作原理是什么？"}]
    body = client.post("/v1/chat/completions", json={"messages": messages}).json()
    assert body["no_answer"] is True and body["choices"][0]["message"]["content"] == NO_ANSWER_TEXT
    assert body["citations"]  # the closest passages are still shown
    assert body["reason"] in {"not_found", "no_matching_fact", "low_confidence"} and body["short_answer"] is None


def test_streaming_sends_role_then_content_then_citations_then_done(client):
    payload = {"messages": [*HISTORY, {"role": "user", "content": "给人民医院呢？"}], "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=payload) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert len({c["id"] for c in chunks}) == 1 and all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    contents = [c["choices"][0]["delta"].get("content") for c in chunks[1:-1]]
    assert len(contents) > 3 and all(contents)
    assert all("citations" not in c for c in chunks[:-1])  # citations come last, once
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"] == {}
    text = "".join(contents)
    assert "4000万元" in text and last["no_answer"] is False
    assert last["citations"][0]["title"] == RONG_TITLE and "4000万元" in last["citations"][0]["text"]
    plain = client.post("/v1/chat/completions", json={**payload, "stream": False}).json()
    assert text == plain["choices"][0]["message"]["content"] and last["citations"] == plain["citations"]
    # The answer phrase and the confidence come with the citations, the same streamed or not.
    assert last["short_answer"]["text"] == "4000万元" and last["short_answer"] == plain["short_answer"]
    assert last["reason"] is None and last["confidence"] == plain["confidence"] and 0.5 < last["confidence"] <= 1


@pytest.mark.parametrize(
    "payload,param,words",
    [
        ({}, "messages", "Field required"),
        ({"messages": []}, "messages", "at least 1"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages.0.role", "'user'"),
        (
            {"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "x"}]},
            "messages",
            "last",
        ),
        ({"messages": [{"role": "user", "content": "   "}]}, "messages", "no text"),
        ({"messages": [{"role": "user", "content": "问" * 1001}]}, "messages", "1000"),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
            "messages.0.content",
            "text",
        ),
        ({"messages": [{"role": "user", "content": "你好"}], "n": 2}, "n", "less than or equal to 1"),
        ({"messages": [{"role": "user", "content": "你好"}], "temperature": 3}, "temperature", "2"),
        ({"messages": [{"role": "user", "content": "你好"}], "stream": "maybe"}, "stream", "boolean"),
        ({"messages": [{"role": "user", "content": "你好"}], "top_k": 50}, "top_k", "20"),
    ],
)
def test_bad_chat_requests_get_422_in_openai_shape_naming_the_field(client, payload, param, words):
    response = client.post("/v1/chat/completions", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert error["message"].startswith(param + ":") and words in error["message"]


def test_malformed_json_is_422_in_openai_shape(client):
    response = client.post(
        "/v1/chat/completions", content=b'{"messages": [', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "JSON" in response.json()["error"]["message"]


def test_without_an_index_chat_is_503_in_openai_shape(tmp_path: Path, model, index_store):
    with TestClient(create_app(index_store.settings(tmp_path), embedder=model)) as client:
        response = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "你好"}]})
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "index_not_ready" and "build_index.py" in error["message"]
        assert client.get("/v1/models").status_code == 200


def test_the_openapi_document_lists_the_chat_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/chat/completions", "/v1/models"} <= set(paths)
