"""Chat replies over a real index: follow-ups, streamed pieces, the generator and its fallbacks."""

import logging

import anyio
import pytest

from qa.chat.conversation import FollowUpResolver, Message
from qa.chat.generator import NO_ANSWER_TEXT, Generator
from qa.chat.replies import INTERRUPTED_NOTE, Chat, Reply, pieces
from qa.testing.samples import RONG_TITLE
from tests.chat.fake_upstream import BAD_MARKER, UpstreamState, running_upstream

pytestmark = pytest.mark.model

DONATION = "荣氏家族给江南大学捐了多少钱？"


@pytest.fixture(scope="module")
def resolver() -> FollowUpResolver:
    return FollowUpResolver()


def after_donation() -> list[Message]:
    return [Message("user", DONATION), Message("assistant", "以“荣毅仁教育基金”名义向江南大学捐资1.1亿元[1]")]


def collect(chat: Chat, prepared) -> tuple[list[str], Reply]:
    async def run() -> list:
        return [item async for item in chat.stream(prepared)]

    items = anyio.run(run)
    assert isinstance(items[-1], Reply) and all(isinstance(i, str) for i in items[:-1])
    return items[:-1], items[-1]


def reply_and_stream(chat: Chat, prepared) -> tuple[Reply, list[str], Reply]:
    """Both ways of answering, in one event loop (the generator's connections belong to it)."""

    async def run() -> tuple[Reply, list]:
        try:
            reply = await chat.reply(prepared)
            return reply, [item async for item in chat.stream(prepared)]
        finally:
            if chat.generator is not None:
                await chat.generator.aclose()

    reply, items = anyio.run(run)
    assert isinstance(items[-1], Reply) and all(isinstance(i, str) for i in items[:-1])
    return reply, items[:-1], items[-1]


def test_a_follow_up_is_answered_from_the_article_its_conversation_is_about(followup_service, resolver):
    chat = Chat(resolver)
    alone = anyio.run(chat.reply, chat.prepare(followup_service, "给人民医院呢？", []))
    assert alone.citations[0].article.title != RONG_TITLE  # on its own it means another donation

    prepared = chat.prepare(followup_service, "给人民医院呢？", after_donation())
    reply = anyio.run(chat.reply, prepared)
    assert reply.question == "给人民医院呢？" and reply.query == "荣氏家族给人民医院捐了多少钱？"
    assert not reply.no_answer and "4000万元" in reply.text
    first = reply.citations[0]
    assert first.article.title == RONG_TITLE and "4000万元" in first.text
    assert first.article.body[first.start : first.end] == first.text


def test_later_follow_ups_in_a_chain(followup_service, resolver):
    chat = Chat(resolver)
    history = [*after_donation(), Message("user", "给人民医院呢？"), Message("assistant", "4000万元[1]")]
    reply = anyio.run(chat.reply, chat.prepare(followup_service, "那江南大学图书馆呢？", history))
    assert reply.query == "荣氏家族给江南大学图书馆捐了多少钱？"
    history = [Message("user", "江南大学新图书馆藏书多少册？"), Message("assistant", "300万册[1]")]
    reply = anyio.run(chat.reply, chat.prepare(followup_service, "谁捐资建设的？", history))
    assert reply.citations[0].article.title == "江南大学新图书馆开馆" and "校友" in reply.text


def test_the_extractive_answer_streams_in_pieces_that_add_up_to_it(followup_service, resolver):
    chat = Chat(resolver)
    streamed, reply = collect(chat, chat.prepare(followup_service, "荣氏家族向江南大学捐资多少？", []))
    assert len(streamed) > 3 and max(len(p) for p in streamed) <= 16
    assert "".join(streamed) == reply.text and "1.1亿元" in reply.text and not reply.generated


def test_a_question_the_corpus_does_not_answer_streams_the_no_answer_sentence(followup_service, resolver):
    chat = Chat(resolver)
    streamed, reply = collect(chat, chat.prepare(followup_service, "量子计算机的工作原理是什么？", []))
    assert reply.no_answer and "".join(streamed) == NO_ANSWER_TEXT == reply.message


@pytest.mark.parametrize(
    "text",
    [
        "近年来,荣氏家族还向无锡市人民医院捐资4000万元[1]、以“荣毅仁教育基金”名义捐资1.1亿元[2]。",
        "短[1]",
        "没有标记的文字",
    ],
)
def test_pieces_never_split_a_marker(text):
    parts = pieces(text, size=5)
    assert "".join(parts) == text
    assert all(p.count("[") == p.count("]") for p in parts)


@pytest.fixture
def upstream():
    state = UpstreamState(delay=3.0)
    with running_upstream(state) as url:
        yield state, url


def generating_chat(resolver: FollowUpResolver, url: str, timeout: float = 5, **limits) -> Chat:
    return Chat(resolver, Generator(url, "fake-model", None, timeout, **limits))


def test_the_generator_writes_the_answer_from_numbered_passages(followup_service, resolver, upstream):
    state, url = upstream
    chat = generating_chat(resolver, url)
    prepared = chat.prepare(followup_service, "给人民医院呢？", after_donation())
    reply, streamed, streamed_reply = reply_and_stream(chat, prepared)

    prompt = state.requests[0]["messages"][-1]["content"]
    assert "问题：给人民医院呢？" in prompt and "荣氏家族给人民医院捐了多少钱？" in prompt
    assert [m["role"] for m in state.requests[0]["messages"]] == ["system", "user", "assistant", "user"]
    assert reply.generated and not reply.no_answer
    assert reply.text.startswith("根据资料，") and "4000万元" in reply.text and BAD_MARKER not in reply.text
    n = int(reply.text.rsplit("[", 1)[1].rstrip("]"))
    cited = reply.citations[n - 1]
    assert cited.n == n and cited.article.title == RONG_TITLE and "4000万元" in cited.text
    assert [c.n for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    # Streaming passes the upstream's pieces through (cleaned), in order.
    assert len(streamed) > 5 and "".join(streamed) == reply.text == streamed_reply.text


def test_a_refusal_by_the_generator_is_no_answer(followup_service, resolver, upstream):
    state, url = upstream
    state.mode = "refuse"
    chat = generating_chat(resolver, url)
    reply, _, _ = reply_and_stream(chat, chat.prepare(followup_service, "荣氏家族向江南大学捐资多少？", []))
    assert reply.generated and reply.no_answer and reply.as_answer().text == ""


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_upstream_failure_falls_back_to_the_extractive_answer(followup_service, resolver, upstream, mode, caplog):
    state, url = upstream
    state.mode = mode
    chat = generating_chat(resolver, url, timeout=0.5)
    prepared = chat.prepare(followup_service, "荣氏家族向江南大学捐资多少？", [])
    with caplog.at_level(logging.WARNING, logger="qa.chat.replies"):
        reply, streamed, streamed_reply = reply_and_stream(chat, prepared)
    for answer in (reply, streamed_reply):
        assert not answer.generated and "1.1亿元" in answer.text
        assert answer.text == prepared.timed.answer.text and answer.citations == prepared.timed.answer.citations
    assert "".join(streamed) == reply.text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all("falling back to the extractive answer" in w for w in warnings)


def test_an_upstream_that_stalls_mid_answer_is_finished_with_the_extractive_passage(
    followup_service, resolver, upstream, caplog
):
    state, url = upstream
    state.mode = "cutoff"
    chat = generating_chat(resolver, url, timeout=0.5)
    prepared = chat.prepare(followup_service, "荣氏家族向江南大学捐资多少？", [])
    with caplog.at_level(logging.WARNING, logger="qa.chat.replies"):
        streamed, reply = collect(chat, prepared)
    text = "".join(streamed)
    assert text.startswith("根据资料，") and INTERRUPTED_NOTE in text and "1.1亿元" in text.split(INTERRUPTED_NOTE)[1]
    n = int(text.rsplit("[", 1)[1].rstrip("]"))
    assert "1.1亿元" in reply.citations[n - 1].text  # the renumbered marker points at the passage
    assert any("mid-answer" in r.getMessage() for r in caplog.records)


def test_an_upstream_that_overruns_is_replaced_by_the_extractive_answer(followup_service, resolver, upstream):
    state, url = upstream
    state.mode = "endless"
    chat = generating_chat(resolver, url, deadline=10, max_chars=300)
    prepared = chat.prepare(followup_service, "荣氏家族向江南大学捐资多少？", [])
    reply, streamed, streamed_reply = reply_and_stream(chat, prepared)
    assert not reply.generated and reply.text == prepared.timed.answer.text and "1.1亿元" in reply.text
    # Streamed: what was sent stays, and the passage the extractive answer comes from follows.
    text = "".join(streamed)
    written, note, passage = text.partition(INTERRUPTED_NOTE)
    assert note and len(written) <= 300 and "1.1亿元" in passage
