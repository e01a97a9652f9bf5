"""The chat doors of the real server (python server.py, uvicorn), with the official openai client.

Two servers: one answering extractively (the shared read-only one of tests/conftest.py), one whose
answers are written by a fake OpenAI-compatible upstream that this test process serves over real HTTP
(tests/chat/fake_upstream.py).
"""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from qa.testing.samples import RONG_TITLE
from qa.testing.server import LiveServer, start_server
from tests.chat.fake_upstream import BAD_MARKER, UpstreamState, running_upstream

pytestmark = [pytest.mark.e2e, pytest.mark.model]

DONATION = "荣氏家族给江南大学捐了多少钱？"
RONG_QUESTION = "荣氏家族向江南大学捐资多少？"


@pytest.fixture(scope="module")
def server(shared_server: LiveServer) -> str:
    return shared_server.base


@pytest.fixture(scope="module")
def client(server: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key="not-needed", max_retries=0, timeout=30)


def extra(obj, name: str):
    """A field of ours (citations, no_answer) on an openai SDK object."""
    return (obj.model_extra or {})[name]


def test_the_openai_client_lists_the_model(client):
    assert [m.id for m in client.models.list()] == ["newsqa"]


def test_the_openai_client_gets_an_answer_with_citations(client, server):
    completion = client.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": RONG_QUESTION}])
    content = completion.choices[0].message.content
    assert "1.1亿元" in content and "[1]" in content and completion.choices[0].finish_reason == "stop"
    citation = extra(completion, "citations")[0]
    assert citation["n"] == 1 and citation["title"] == RONG_TITLE
    article = httpx.get(f"{server}/articles/{citation['article_id']}", timeout=10).json()
    assert article["body"][citation["start"] : citation["end"]] == citation["text"]


def test_the_openai_client_streams_the_answer_and_gets_citations_last(client):
    chunks = list(
        client.chat.completions.create(
            model="newsqa", stream=True, messages=[{"role": "user", "content": RONG_QUESTION}]
        )
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    contents = [c.choices[0].delta.content for c in chunks[1:-1]]
    assert len(contents) > 3 and all(contents)
    assert "1.1亿元" in "".join(contents)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert extra(last, "citations")[0]["title"] == RONG_TITLE and extra(last, "no_answer") is False
    assert all("citations" not in (c.model_extra or {}) for c in chunks[:-1])


def test_a_follow_up_over_the_openai_client_and_over_ask(client, server):
    first = client.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": DONATION}])
    messages = [
        {"role": "user", "content": DONATION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "给人民医院呢？"},
    ]
    follow_up = client.chat.completions.create(model="newsqa", messages=messages)
    assert "4000万元" in follow_up.choices[0].message.content
    assert extra(follow_up, "citations")[0]["title"] == RONG_TITLE

    history = messages[:2]
    body = httpx.post(f"{server}/ask", json={"question": "给人民医院呢？", "history": history}, timeout=30).json()
    assert "4000万元" in body["answer"] and body["citations"][0]["title"] == RONG_TITLE


def test_raw_sse_framing_first_text_before_citations_then_done(server):
    """What a browser or curl sees: data lines, role chunk, content chunks, citations chunk, [DONE]."""
    payload = {"stream": True, "messages": [{"role": "user", "content": RONG_QUESTION}]}
    events: list[tuple[float, str]] = []
    started = time.monotonic()
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=payload, timeout=30) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append((time.monotonic() - started, line[len("data: ") :]))
            else:
                assert line == "" or line.startswith(":"), line
    assert events[-1][1] == "[DONE]"
    chunks = [json.loads(data) for _, data in events[:-1]]
    kinds = [
        "citations" if "citations" in c else "content" if c["choices"][0]["delta"].get("content") else "role"
        for c in chunks
    ]
    assert kinds[0] == "role" and kinds[-1] == "citations" and set(kinds[1:-1]) == {"content"}
    assert events[1][0] <= events[-2][0]  # first text no later than the citations


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamState]:
    state = UpstreamState(delay=6.0)
    with running_upstream(state):
        yield state


@pytest.fixture(scope="module")
def llm_server(followup_index_dir: Path, upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("llm-logs") / "server.log"
    settings = {"llm_base_url": upstream.url, "llm_model": "fake-model", "llm_timeout": 2}
    with start_server(followup_index_dir, log=log, **settings) as live:
        yield live


@pytest.fixture
def llm_client(llm_server, upstream) -> Iterator[openai.OpenAI]:
    upstream.mode = "answer"
    yield openai.OpenAI(base_url=f"{llm_server.base}/v1", api_key="not-needed", max_retries=0, timeout=30)
    upstream.mode = "answer"


def test_the_upstream_writes_the_answer_and_its_deltas_are_streamed_through(llm_client, upstream):
    messages = [{"role": "user", "content": "荣氏家族给无锡市人民医院捐了多少钱？"}]
    completion = llm_client.chat.completions.create(model="newsqa", messages=messages)
    content = completion.choices[0].message.content
    assert content.startswith("根据资料，") and "4000万元" in content and BAD_MARKER not in content
    n = int(content.rsplit("[", 1)[1].rstrip("]"))
    citation = extra(completion, "citations")[n - 1]
    assert citation["n"] == n and citation["title"] == RONG_TITLE and "4000万元" in citation["text"]
    assert "荣氏家族给无锡市人民医院捐了多少钱？" in upstream.requests[-1]["messages"][-1]["content"]

    chunks = list(llm_client.chat.completions.create(model="newsqa", messages=messages, stream=True))
    contents = [c.choices[0].delta.content for c in chunks[1:-1]]
    assert len(contents) > 5 and "".join(contents) == content  # the upstream's small pieces, passed on
    assert extra(chunks[-1], "citations") == extra(completion, "citations")


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_upstream_failure_still_answers_extractively_and_logs_a_warning(llm_client, llm_server, upstream, mode):
    upstream.mode = mode
    messages = [{"role": "user", "content": RONG_QUESTION}]
    started = time.monotonic()
    completion = llm_client.chat.completions.create(model="newsqa", messages=messages)
    chunks = list(llm_client.chat.completions.create(model="newsqa", messages=messages, stream=True))
    assert time.monotonic() - started < 10  # QA_LLM_TIMEOUT=2 s each, not the upstream's 6 s
    content = completion.choices[0].message.content
    assert not content.startswith("根据资料") and "1.1亿元" in content and "[1]" in content
    assert extra(completion, "citations")[0]["title"] == RONG_TITLE
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == content
    reason = "HTTP 500" if mode == "error" else "timed out"
    warnings = [line for line in llm_server.log().splitlines() if "WARNING" in line and reason in line]
    assert len(warnings) == 2 and all("falling back to the extractive answer" in w for w in warnings)
