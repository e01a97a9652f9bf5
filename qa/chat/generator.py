"""The optional answer writer: an OpenAI-compatible chat model that answers from numbered sources.

Used only when ``QA_LLM_BASE_URL`` is set. The model sees the retrieved passages numbered [1]..[k], is
told to cite them with [n] and to say so when they do not answer; markers that point at no source are
removed from what it writes. Any upstream failure raises ``GeneratorError`` so the caller can fall back to
the extractive answer.
"""

import logging
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import openai
from openai import AsyncOpenAI

from qa.chat.conversation import Message
from qa.errors import QAError

logger = logging.getLogger(__name__)

NO_ANSWER_TEXT = "抱歉，现有新闻资料中没有找到这个问题的答案。"
SYSTEM_PROMPT = (
    "你是新闻问答助手。只依据用户消息里编号的新闻资料回答问题，不使用资料以外的知识。"
    "用简洁的中文回答；每句依据资料的话后面用方括号标出资料编号，例如 [1] 或 [2][3]，只能使用给出的编号。"
    f"如果资料不能回答这个问题，只回答：{NO_ANSWER_TEXT}"
)
# Earlier turns the model sees, newest last; each cut to this many characters.
MAX_CONTEXT_TURNS = 6
MAX_CONTEXT_CHARS = 1000
# How a refusal is recognised in what the model wrote (it was told to use NO_ANSWER_TEXT).
_REFUSALS = ("没有找到", "无法回答", "不能回答", "未提及", "没有提到", "没有相关")

_MARKER = re.compile(r"[\[【［]\s*(\d{1,3})\s*[\]】］]")
# A marker that may still be completed by the next piece of a stream: "[", "[1", "【12 ".
_OPEN_MARKER = re.compile(r"[\[【［]\s*\d{0,3}\s*$")


class GeneratorError(QAError):
    """The upstream model failed, timed out or returned nothing usable."""


@dataclass(frozen=True)
class Source:
    """One numbered passage the model may cite."""

    n: int
    title: str
    date: str | None
    text: str


@dataclass(frozen=True)
class GenerationOptions:
    """Client parameters passed on to the upstream model."""

    temperature: float | None = None
    max_tokens: int | None = None

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.temperature is not None:
            params["temperature"] = self.temperature
        if self.max_tokens is not None:
            params["max_tokens"] = self.max_tokens
        return params


def build_messages(
    question: str, sources: Sequence[Source], history: Sequence[Message] = (), understood_as: str | None = None
) -> list[dict[str, str]]:
    """The chat messages sent upstream: instructions, recent turns, then the sources and the question."""
    turns = [
        {"role": m.role, "content": m.content[:MAX_CONTEXT_CHARS]}
        for m in history
        if m.role in ("user", "assistant") and m.content.strip()
    ][-MAX_CONTEXT_TURNS:]
    numbered = "\n\n".join(
        f"[{s.n}] 《{s.title}》" + (f"（{s.date}）" if s.date else "") + f"\n{s.text}" for s in sources
    )
    prompt = f"资料：\n{numbered}\n\n问题：{question}"
    if understood_as and understood_as != question:
        prompt += f"\n（结合上文，这个问题的意思是：{understood_as}）"
    return [{"role": "system", "content": SYSTEM_PROMPT}, *turns, {"role": "user", "content": prompt}]


def clean_markers(text: str, count: int) -> str:
    """Normalise citation markers to ``[n]`` and drop those that point at no source (1..count)."""
    return _MARKER.sub(lambda m: f"[{int(m[1])}]" if 1 <= int(m[1]) <= count else "", text)


def cited(text: str) -> list[int]:
    return [int(m[1]) for m in _MARKER.finditer(text)]


def is_refusal(text: str) -> bool:
    """True when the model said the sources do not answer (and cited nothing)."""
    return not cited(text) and any(phrase in text for phrase in _REFUSALS)


class MarkerFilter:
    """``clean_markers`` over a stream: holds back a marker split across pieces until it is complete."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pending = ""

    def feed(self, piece: str) -> str:
        text = self._pending + piece
        open_marker = _OPEN_MARKER.search(text)
        if open_marker:
            text, self._pending = text[: open_marker.start()], text[open_marker.start() :]
        else:
            self._pending = ""
        return clean_markers(text, self.count)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return clean_markers(text, self.count)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return f"{type(exc).__name__}: {exc}"


class Generator:
    """Writes answers with an OpenAI-compatible upstream (the official ``openai`` client).

    Bounded whatever the upstream does: ``timeout`` seconds for the reply to start (a whole non-streamed
    reply) and between two streamed pieces, ``deadline`` seconds for the whole answer, ``max_chars``
    characters of it, and ``max_tokens`` asked for (a client's ``max_tokens`` is capped to it). An upstream
    that overruns raises ``GeneratorError``: the caller answers extractively instead."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        timeout: float,
        *,
        deadline: float = 60.0,
        max_chars: int = 4000,
        max_tokens: int = 1024,
    ) -> None:
        if not model:
            raise ValueError("QA_LLM_MODEL must be set when QA_LLM_BASE_URL is")
        for name, value in (("timeout", timeout), ("deadline", deadline), ("max_chars", max_chars)):
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
        self.base_url = base_url
        self.model = model
        self.timeout = timeout
        self.deadline = deadline
        self.max_chars = max_chars
        self.max_tokens = max_tokens
        # No retries: a slow or failing upstream should fall back quickly, not multiply the wait.
        self._client = AsyncOpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout, max_retries=0)

    def _params(self, options: GenerationOptions | None) -> dict[str, Any]:
        params = (options or GenerationOptions()).params()
        params["max_tokens"] = min(params.get("max_tokens", self.max_tokens), self.max_tokens)
        return params

    def _too_long(self) -> GeneratorError:
        return GeneratorError(f"upstream {self.base_url} wrote more than {self.max_chars} characters")

    async def complete(self, messages: list[dict[str, str]], options: GenerationOptions | None = None) -> str:
        params = self._params(options)
        try:
            with anyio.fail_after(min(self.timeout, self.deadline)):
                response = await self._client.chat.completions.create(
                    model=self.model, messages=messages, stream=False, **params
                )
        except (openai.OpenAIError, TimeoutError) as exc:
            raise GeneratorError(f"upstream {self.base_url} {_describe(exc)}") from exc
        content = response.choices[0].message.content if response.choices else None
        if not content or not content.strip():
            raise GeneratorError(f"upstream {self.base_url} returned no text")
        if len(content) > self.max_chars:
            raise self._too_long()
        return content

    async def stream(
        self, messages: list[dict[str, str]], options: GenerationOptions | None = None
    ) -> AsyncIterator[str]:
        """The upstream's text deltas as they arrive, within the bounds (see the class)."""
        params = self._params(options)
        deadline = anyio.current_time() + self.deadline
        written = 0
        try:
            with anyio.fail_after(min(self.timeout, self.deadline)):
                stream = await self._client.chat.completions.create(
                    model=self.model, messages=messages, stream=True, **params
                )
            async with stream:
                chunks = aiter(stream)
                while True:
                    # Each wait is bounded separately: a scope around a ``yield`` would span the consumer's code.
                    left = deadline - anyio.current_time()
                    try:
                        with anyio.fail_after(max(0.0, min(self.timeout, left))):
                            chunk = await anext(chunks)
                    except StopAsyncIteration:
                        break
                    except TimeoutError:
                        if anyio.current_time() < deadline:
                            raise
                        raise GeneratorError(
                            f"upstream {self.base_url} did not finish within {self.deadline:g} s"
                        ) from None
                    for choice in chunk.choices:
                        if choice.delta and choice.delta.content:
                            written += len(choice.delta.content)
                            if written > self.max_chars:
                                raise self._too_long()
                            yield choice.delta.content
        except (openai.OpenAIError, TimeoutError) as exc:
            raise GeneratorError(f"upstream {self.base_url} {_describe(exc)}") from exc

    async def aclose(self) -> None:
        await self._client.close()
