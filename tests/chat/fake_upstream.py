"""A small OpenAI-compatible chat server for tests: real HTTP (uvicorn in a thread), real SSE streaming.

It answers like a grounded model would, from the numbered sources in the prompt it receives: the sentence
of the source that shares most words with the question, followed by that source's [n] marker and one
marker pointing at no source (which the service must remove). ``mode`` makes it fail instead: "error"
(HTTP 500), "slow" (no reply for ``delay`` seconds), "cutoff" (streams part of the answer, then stalls),
"drip" (streams a character every ``delay`` seconds, forever), "endless" (streams as fast as it can, forever;
not streamed: 100,000 characters).
"""

import asyncio
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse

from qa.testing.ports import free_port

BAD_MARKER = "[99]"
_SOURCE = re.compile(r"^\[(\d+)\] 《[^》]*》[^\n]*\n(.+)$", re.MULTILINE)
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


@dataclass
class UpstreamState:
    mode: str = "answer"  # answer | refuse | error | slow | cutoff | drip | endless
    delay: float = 5.0
    url: str = ""  # set by running_upstream
    requests: list[dict] = field(default_factory=list)


def grounded_answer(prompt: str) -> str:
    """The best-matching sentence of the best-matching numbered source, cited."""
    question = prompt.rsplit("问题：", 1)[-1]
    grams = {question[i : i + 2] for i in range(len(question) - 1)}
    best = (-1, 0, "")
    for n, text in _SOURCE.findall(prompt):
        for sentence in _SENTENCE.findall(text):
            overlap = sum(1 for g in grams if g in sentence)
            if overlap > best[0]:
                best = (overlap, int(n), sentence.strip())
    _, n, sentence = best
    return f"根据资料，{sentence}[{n}]{BAD_MARKER}"


def create_upstream(state: UpstreamState) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request):
        body = await request.json()
        state.requests.append(body)
        if state.mode == "error":
            return JSONResponse({"error": {"message": "upstream broke", "type": "server_error"}}, status_code=500)
        if state.mode == "slow":
            await asyncio.sleep(state.delay)
        prompt = body["messages"][-1]["content"]
        text = "抱歉，现有新闻资料中没有找到这个问题的答案。" if state.mode == "refuse" else grounded_answer(prompt)
        if state.mode == "endless" and not body.get("stream"):
            text = "很长" * 50_000
        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.get("stream"):
            message = {"role": "assistant", "content": text}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": body["model"],
                "choices": [choice],
            }

        def chunk(delta: dict, finish: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return json.dumps(
                {
                    "id": ident,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": body["model"],
                    "choices": [choice],
                },
                ensure_ascii=False,
            )

        async def events() -> AsyncIterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            while state.mode in ("drip", "endless"):
                yield chunk({"content": "很" if state.mode == "drip" else "很长的回答，"})
                await asyncio.sleep(state.delay if state.mode == "drip" else 0)
            # Small pieces, so markers arrive split across chunks as they do from real models.
            for i in range(0, len(text), 3):
                if state.mode == "cutoff" and i >= 6:
                    await asyncio.sleep(state.delay)
                yield chunk({"content": text[i : i + 3]})
            yield chunk({}, "stop")
            yield "[DONE]"

        return EventSourceResponse(events(), sep="\n")

    return app


@contextmanager
def running_upstream(state: UpstreamState) -> Iterator[str]:
    """Serve the fake upstream on a free port; yields its base URL (ending in /v1)."""
    port = free_port()
    config = uvicorn.Config(create_upstream(state), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake upstream did not start")
        time.sleep(0.05)
    state.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state.url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
