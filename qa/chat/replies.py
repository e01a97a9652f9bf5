"""Replies to a conversation: resolve the follow-up, retrieve, then answer extractively or with the generator.

``Chat.prepare`` does the blocking part (resolution, retrieval, the extractive answer); ``Chat.reply`` and
``Chat.stream`` then write the answer, with the upstream generator when one is configured and the
extractive answer when it is not or when it fails. Both HTTP doors (/ask and /v1/chat/completions) use it.
"""

import functools
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import anyio.to_thread
from anyio import CapacityLimiter

from qa.answering.compose import REASON_NOT_FOUND, Answer, Citation, ShortAnswer
from qa.answering.dating import source_note
from qa.answering.scope import Scope
from qa.answering.service import QAService, TimedAnswer
from qa.chat.conversation import MAX_RESOLVED_CHARS, FollowUpResolver, Message, Resolution, recent_user_turns
from qa.chat.generator import (
    NO_ANSWER_TEXT,
    GenerationOptions,
    Generator,
    GeneratorError,
    MarkerFilter,
    Source,
    build_messages,
    clean_markers,
    is_refusal,
)
from qa.settings import Settings

logger = logging.getLogger(__name__)

# Streamed pieces of an extractive answer: about this many characters, cut after punctuation.
PIECE_CHARS = 12
_PIECE_BREAK = set("，,。；;：:、！!？?")
_MARKER = re.compile(r"\[(\d+)\]")
INTERRUPTED_NOTE = "\n\n（回答生成中断，以下是检索到的原文）"
# A request that reads a lot (a question, or the earlier user turns the resolver reads, longer than this)
# waits for its turn: one at a time in a server process. While many such requests arrive, the short
# questions of other clients still find the CPU free (a Python process computes one thread at a time).
HEAVY_CHARS = MAX_RESOLVED_CHARS


@dataclass
class Prepared:
    """A question understood and retrieved for, ready to be answered."""

    resolution: Resolution
    history: list[Message]
    timed: TimedAnswer
    sources: list[Citation]  # every retrieved passage, numbered in rank order: what the generator cites


@dataclass
class Reply:
    question: str
    query: str
    text: str  # the answer with [n] markers
    no_answer: bool
    citations: list[Citation]
    generated: bool
    took_ms: float
    confidence: float | None = None  # of the extractive answer; None for a generated one
    reason: str | None = None  # why there is no answer (None when answered)
    short_answer: ShortAnswer | None = None  # the extractive answer's phrase (its offsets fit its citations only)

    @property
    def message(self) -> str:
        """What a chat client shows: the answer and where and when its source was printed (（人民日报，2026年4月28日）),
        or a sentence saying there is none."""
        if self.no_answer and not self.generated:
            return NO_ANSWER_TEXT
        if self.generated or not self.citations:
            return self.text
        return self.text + source_note(self.citations[0].article)

    def as_answer(self) -> Answer:
        return Answer(
            self.question,
            "" if self.no_answer else self.text,
            self.no_answer,
            self.citations,
            confidence=self.confidence,
            reason=self.reason,
            short_answer=self.short_answer,
        )


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into short pieces for streaming: after punctuation or ``size`` characters, never
    inside a ``[n]`` marker, which stays with the text it cites."""
    out: list[str] = []
    current = ""
    for unit in re.findall(r"\[\d+\]|.", text, flags=re.DOTALL):
        if out and not current and (unit in _PIECE_BREAK or (unit.startswith("[") and len(unit) > 2)):
            out[-1] += unit  # punctuation and markers stay with the text before them
            continue
        current += unit
        if unit in _PIECE_BREAK or len(current) >= size:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def renumber(answer: Answer, sources: Sequence[Citation]) -> str:
    """The extractive answer's text with its markers pointing at ``sources`` (by passage) instead."""
    by_chunk = {source.chunk_id: source.n for source in sources}
    by_n = {c.n: by_chunk.get(c.chunk_id) for c in answer.citations}
    return _MARKER.sub(lambda m: f"[{by_n[int(m[1])]}]" if by_n.get(int(m[1])) else "", answer.text)


class Chat:
    """Answers conversations. Holds the follow-up resolver and the optional generator, not the index:
    the service is passed per call, so a newly loaded index version is used at once."""

    def __init__(self, resolver: FollowUpResolver, generator: Generator | None = None) -> None:
        self.resolver = resolver
        self.generator = generator
        self._heavy: CapacityLimiter | None = None  # made in the event loop, on first use

    @staticmethod
    def is_heavy(question: str, history: Sequence[Message]) -> bool:
        return len(question) > HEAVY_CHARS or sum(map(len, recent_user_turns(history))) > HEAVY_CHARS

    async def prepare_in_turn(
        self,
        service: QAService,
        question: str,
        history: Sequence[Message],
        top_k: int = 5,
        scope: Scope | None = None,
    ) -> Prepared:
        """``prepare`` in a worker thread; a heavy request (``is_heavy``) first waits for the other heavy ones."""
        limiter = None
        if self.is_heavy(question, history):
            self._heavy = self._heavy or CapacityLimiter(1)
            limiter = self._heavy
        work = functools.partial(self.prepare, service, question, history, top_k, scope)
        return await anyio.to_thread.run_sync(work, limiter=limiter)

    def prepare(
        self,
        service: QAService,
        question: str,
        history: Sequence[Message],
        top_k: int = 5,
        scope: Scope | None = None,
    ) -> Prepared:
        """Resolve the follow-up and retrieve (blocking: run it in a worker thread). ``scope``: the request's day
        and date / paper filters."""
        resolution = self.resolver.resolve(question, history)
        timed = service.ask(resolution.question, top_k, retrieval_query=resolution.query, scope=scope)
        articles = service.data.articles
        sources = [
            service.with_copies(
                Citation(n, articles[h.chunk.article_id], h.chunk.id, h.chunk.text, h.chunk.start, h.chunk.end, h.score)
            )
            for n, h in enumerate(timed.hits, start=1)
        ]
        return Prepared(resolution, list(history), timed, sources)

    def _extractive(self, prepared: Prepared, took_ms: float | None = None) -> Reply:
        answer = prepared.timed.answer
        return Reply(
            prepared.resolution.question,
            prepared.resolution.query,
            answer.text,
            answer.no_answer,
            answer.citations,
            False,
            prepared.timed.took_ms if took_ms is None else took_ms,
            answer.confidence,
            answer.reason if answer.no_answer else None,
            answer.short_answer,
        )

    def _generated(self, prepared: Prepared, text: str, started: float) -> Reply:
        took_ms = prepared.timed.took_ms + (time.perf_counter() - started) * 1000
        refused = is_refusal(text)
        # The upstream model wrote it: the extractive answer's confidence does not describe it.
        reason = (prepared.timed.answer.reason or REASON_NOT_FOUND) if refused else None
        return Reply(
            prepared.resolution.question,
            prepared.resolution.query,
            text,
            refused,
            prepared.sources,
            True,
            took_ms,
            None,
            reason,
        )

    def _messages(self, prepared: Prepared) -> list[dict[str, str]]:
        sources = [Source(c.n, c.article.title, c.article.date, c.text) for c in prepared.sources]
        resolution = prepared.resolution
        return build_messages(resolution.question, sources, prepared.history, resolution.query)

    def _fallback(self, prepared: Prepared, exc: GeneratorError, started: float) -> Reply:
        logger.warning("generator failed (%s); falling back to the extractive answer", exc)
        return self._extractive(prepared, prepared.timed.took_ms + (time.perf_counter() - started) * 1000)

    async def reply(self, prepared: Prepared, options: GenerationOptions | None = None) -> Reply:
        if self.generator is None or not prepared.sources:
            return self._extractive(prepared)
        started = time.perf_counter()
        try:
            text = await self.generator.complete(self._messages(prepared), options)
        except GeneratorError as exc:
            return self._fallback(prepared, exc, started)
        return self._generated(prepared, clean_markers(text, len(prepared.sources)).strip(), started)

    async def stream(self, prepared: Prepared, options: GenerationOptions | None = None) -> AsyncIterator[str | Reply]:
        """Pieces of the answer text as they are ready, then the finished ``Reply``."""
        if self.generator is None or not prepared.sources:
            reply = self._extractive(prepared)
            for piece in pieces(reply.message):
                yield piece
            yield reply
            return
        started = time.perf_counter()
        markers = MarkerFilter(len(prepared.sources))
        sent: list[str] = []
        try:
            async for delta in self.generator.stream(self._messages(prepared), options):
                piece = markers.feed(delta if sent else delta.lstrip())
                if piece:
                    sent.append(piece)
                    yield piece
            tail = markers.flush()
            if tail:
                sent.append(tail)
                yield tail
            if not "".join(sent).strip():
                raise GeneratorError("upstream returned no text")
        except GeneratorError as exc:
            if not sent:
                reply = self._fallback(prepared, exc, started)
                for piece in pieces(reply.message):
                    yield piece
                yield reply
                return
            # Part of the answer is already on the client's screen: finish with the passage it came from.
            logger.warning("generator failed mid-answer (%s); appending the extractive answer", exc)
            extractive = prepared.timed.answer
            tail = INTERRUPTED_NOTE + (renumber(extractive, prepared.sources) if not extractive.no_answer else "")
            for piece in pieces(tail):
                sent.append(piece)
                yield piece
        yield self._generated(prepared, "".join(sent), started)


def create_chat(settings: Settings) -> Chat:
    """The chat part of the app: the resolver always, the generator when ``QA_LLM_BASE_URL`` is set."""
    generator = None
    if settings.llm_base_url:
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        generator = Generator(
            settings.llm_base_url,
            settings.llm_model or "",
            api_key,
            settings.llm_timeout,
            deadline=settings.llm_deadline,
            max_chars=settings.llm_max_chars,
            max_tokens=settings.llm_max_tokens,
        )
        logger.info("answers are written by %s at %s", settings.llm_model, settings.llm_base_url)
    return Chat(FollowUpResolver(), generator)
