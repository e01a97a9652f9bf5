"""The upstream generator: prompt, marker clean-up, and the client against a real fake upstream over HTTP."""

import time

import anyio
import pytest

from qa.chat.conversation import Message
from qa.chat.generator import (
    NO_ANSWER_TEXT,
    SYSTEM_PROMPT,
    GenerationOptions,
    Generator,
    GeneratorError,
    MarkerFilter,
    Source,
    build_messages,
    clean_markers,
    is_refusal,
)
from tests.chat.fake_upstream import BAD_MARKER, UpstreamState, running_upstream

SOURCES = [
    Source(1, "赓续荣光更好为家乡发展助力添彩", "4月6日", "荣氏家族还向无锡市人民医院捐资4000万元。"),
    Source(2, "市慈善总会向人民医院捐赠医疗设备", None, "市慈善总会向无锡市人民医院捐赠价值300万元的医疗设备。"),
]


def test_the_prompt_numbers_the_sources_and_asks_for_citations():
    history = [
        Message("user", "荣氏家族给江南大学捐了多少钱？"),
        Message("assistant", "1.1亿元[1]"),
        Message("system", "x"),
    ]
    messages = build_messages("给人民医院呢？", SOURCES, history, "荣氏家族给人民医院捐了多少钱？")
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "[n]" not in SYSTEM_PROMPT and "[1]" in SYSTEM_PROMPT and NO_ANSWER_TEXT in SYSTEM_PROMPT
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]  # client system turns dropped
    prompt = messages[-1]["content"]
    assert "[1] 《赓续荣光更好为家乡发展助力添彩》（4月6日）\n荣氏家族还向无锡市人民医院捐资4000万元。" in prompt
    assert "[2] 《市慈善总会向人民医院捐赠医疗设备》\n" in prompt
    assert prompt.index("问题：给人民医院呢？") < prompt.index("荣氏家族给人民医院捐了多少钱？", prompt.index("问题："))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("捐资4000万元[1]。", "捐资4000万元[1]。"),
        ("捐资4000万元[3]。", "捐资4000万元。"),
        ("捐资4000万元【2】[0][1]。", "捐资4000万元[2][1]。"),
        ("见［ 1 ］和[12]", "见[1]和"),
        ("数组a[i]不变", "数组a[i]不变"),
    ],
)
def test_markers_are_normalised_and_those_pointing_at_no_source_removed(text, expected):
    assert clean_markers(text, 2) == expected


def test_the_stream_filter_handles_markers_split_across_pieces():
    text = "荣氏家族捐资4000万元[1][99]，另有设备【2】。[1"
    for size in (1, 2, 3, 5):
        markers = MarkerFilter(2)
        out = "".join(markers.feed(text[i : i + size]) for i in range(0, len(text), size)) + markers.flush()
        assert out == "荣氏家族捐资4000万元[1]，另有设备[2]。[1"


def test_refusals_are_recognised():
    assert is_refusal(NO_ANSWER_TEXT)
    assert is_refusal("资料中没有提到这一点。")
    assert not is_refusal("捐资4000万元[1]。")


def test_options_are_passed_only_when_set():
    assert GenerationOptions().params() == {}
    assert GenerationOptions(0.2, 100).params() == {"temperature": 0.2, "max_tokens": 100}


def test_a_model_name_is_required():
    with pytest.raises(ValueError, match="QA_LLM_MODEL"):
        Generator("http://127.0.0.1:9/v1", "", None, 5)


@pytest.fixture
def upstream():
    state = UpstreamState()
    with running_upstream(state) as url:
        yield state, url


def test_complete_and_stream_against_the_upstream(upstream):
    state, url = upstream
    messages = build_messages("荣氏家族给人民医院捐了多少钱？", SOURCES)

    async def talk() -> tuple[str, list[str]]:
        generator = Generator(url, "fake-model", "secret", timeout=5)
        try:
            text = await generator.complete(messages, GenerationOptions(max_tokens=50))
            return text, [piece async for piece in generator.stream(messages)]
        finally:
            await generator.aclose()

    text, streamed = anyio.run(talk)
    assert text == f"根据资料，荣氏家族还向无锡市人民医院捐资4000万元。[1]{BAD_MARKER}"
    assert len(streamed) > 3 and "".join(streamed) == text
    assert state.requests[0]["model"] == "fake-model" and state.requests[0]["max_tokens"] == 50
    assert state.requests[1]["stream"] is True


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_upstream_failures_raise_generator_error_quickly(upstream, mode):
    state, url = upstream
    state.mode, state.delay = mode, 3.0
    messages = build_messages("荣氏家族给人民医院捐了多少钱？", SOURCES)

    async def talk() -> None:
        generator = Generator(url, "fake-model", None, timeout=0.5)
        try:
            with pytest.raises(GeneratorError, match="HTTP 500" if mode == "error" else "timed out"):
                await generator.complete(messages)
            with pytest.raises(GeneratorError):
                [piece async for piece in generator.stream(messages)]
        finally:
            await generator.aclose()

    started = time.monotonic()
    anyio.run(talk)
    assert time.monotonic() - started < 2.5  # no retries, no waiting for the slow upstream


def test_an_unreachable_upstream_raises_generator_error():
    async def talk() -> None:
        generator = Generator("http://127.0.0.1:9/v1", "fake-model", None, timeout=2)
        try:
            with pytest.raises(GeneratorError, match="upstream"):
                await generator.complete(build_messages("问题", SOURCES))
        finally:
            await generator.aclose()

    anyio.run(talk)


def test_the_tokens_asked_of_the_upstream_are_capped(upstream):
    state, url = upstream
    messages = build_messages("荣氏家族给人民医院捐了多少钱？", SOURCES)

    async def talk() -> None:
        generator = Generator(url, "fake-model", None, timeout=5, max_tokens=100)
        try:
            for asked in (None, 50, 5000):
                await generator.complete(messages, GenerationOptions(max_tokens=asked))
        finally:
            await generator.aclose()

    anyio.run(talk)
    assert [r["max_tokens"] for r in state.requests] == [100, 50, 100]


async def drain(generator: Generator, messages: list[dict[str, str]]) -> tuple[str, GeneratorError | None]:
    """What the stream yields, and the error that ended it (None: it finished); gives up after 20 s."""
    pieces: list[str] = []
    with anyio.fail_after(20):  # without bounds, the upstream would talk forever
        try:
            async for piece in generator.stream(messages):
                pieces.append(piece)
        except GeneratorError as exc:
            return "".join(pieces), exc
    return "".join(pieces), None


def test_an_upstream_that_drips_forever_is_cut_at_the_deadline(upstream):
    state, url = upstream
    state.mode, state.delay = "drip", 0.1  # each piece well within the timeout between pieces

    async def talk() -> tuple[str, GeneratorError | None]:
        generator = Generator(url, "fake-model", None, timeout=1, deadline=1.5)
        try:
            return await drain(generator, build_messages("问题", SOURCES))
        finally:
            await generator.aclose()

    started = time.monotonic()
    text, error = anyio.run(talk)
    assert time.monotonic() - started < 3
    assert str(error) == f"upstream {url} did not finish within 1.5 s" and len(text) >= 5


def test_an_upstream_that_talks_forever_is_cut_at_max_chars(upstream):
    state, url = upstream
    state.mode = "endless"
    messages = build_messages("问题", SOURCES)

    async def talk() -> tuple[str, GeneratorError | None]:
        generator = Generator(url, "fake-model", None, timeout=5, deadline=30, max_chars=500)
        try:
            with pytest.raises(GeneratorError, match="wrote more than 500 characters"):
                await generator.complete(messages)  # 100,000 characters at once
            return await drain(generator, messages)
        finally:
            await generator.aclose()

    text, error = anyio.run(talk)
    assert str(error) == f"upstream {url} wrote more than 500 characters" and 490 <= len(text) <= 500
