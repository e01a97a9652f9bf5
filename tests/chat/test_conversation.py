"""The follow-up resolver on its own: no index, no model (jieba only)."""

import random
import time

import pytest

from qa.chat.conversation import (
    _ELLIPSIS,
    MAX_HISTORY_CHARS,
    MAX_RESOLVED_CHARS,
    MAX_USER_TURNS,
    FollowUpResolver,
    Message,
)
from qa.testing.worst_case import STRATEGIES


@pytest.fixture(scope="module")
def resolver() -> FollowUpResolver:
    return FollowUpResolver()


def users(*turns: str) -> list[Message]:
    history: list[Message] = []
    for turn in turns:
        history += [Message("user", turn), Message("assistant", "（回答）")]
    return history


@pytest.mark.parametrize(
    "earlier,question,query,rule",
    [
        # Ellipsis: the new phrase takes the place of the phrase after the same preposition ...
        (["荣氏家族给江南大学捐了多少钱？"], "给人民医院呢？", "荣氏家族给人民医院捐了多少钱？", "ellipsis"),
        # ... or of the same kind: a person for a person, a place for a place, a date for a date.
        (["荣智健担任什么职务？"], "那杜小刚呢？", "杜小刚担任什么职务？", "ellipsis"),
        (["无锡的GDP是多少？"], "上海呢？", "上海的GDP是多少？", "ellipsis"),
        (["2024年无锡的GDP是多少？"], "那2023年呢", "2023年无锡的GDP是多少？", "ellipsis"),
        (["荣氏家族给江南大学捐了多少钱？"], "那无锡市人民医院呢", "荣氏家族给无锡市人民医院捐了多少钱？", "ellipsis"),
        (
            ["产改第五次联席会议是哪天召开的？"],
            "那集成电路产业集群建设工作推进会呢？",
            "集成电路产业集群建设工作推进会是哪天召开的？",
            "ellipsis",
        ),
        # A general word asks about another side of the same topic.
        (["产改第五次联席会议是哪天召开的？"], "地点呢？", "产改第五次联席会议 地点", "ellipsis"),
        # Pronouns: a person pronoun becomes the person named before; others get the topic in front.
        (["荣智健担任什么职务？"], "他说了什么？", "荣智健说了什么？", "pronoun"),
        (["荣氏家族给江南大学捐了多少钱？"], "他们给人民医院捐了多少？", "荣氏家族给人民医院捐了多少？", "pronoun"),
        (
            ["产改第五次联席会议是哪天召开的？"],
            "该会议有什么要求？",
            "产改第五次联席会议 该会议有什么要求？",
            "pronoun",
        ),
        # No subject: the topic (or, before a preposition, the subject) is carried over.
        (["产改第五次联席会议是哪天召开的？"], "谁出席了？", "产改第五次联席会议 谁出席了？", "no_subject"),
        (
            ["全市集成电路产业集群建设工作推进会是哪天召开的？"],
            "谁主持的？",
            "全市集成电路产业集群建设工作推进会 谁主持的？",
            "no_subject",
        ),
        (["荣氏家族给江南大学捐了多少钱？"], "给人民医院捐了多少？", "荣氏家族给人民医院捐了多少？", "no_subject"),
    ],
)
def test_follow_ups_are_rewritten_with_their_context(resolver, earlier, question, query, rule):
    resolution = resolver.resolve(question, users(*earlier))
    assert resolution.query == query
    assert resolution.rule == rule and resolution.is_follow_up
    assert resolution.question == question  # what the user typed is kept for display


@pytest.mark.parametrize(
    "earlier,question",
    [
        (["荣智健担任什么职务？"], "谁主持召开了全市集成电路产业集群建设工作推进会？"),
        (["荣智健担任什么职务？"], "集成电路产业有哪些重点工作？"),
        (["荣氏家族给江南大学捐了多少钱？"], "无锡力争用几年时间完成全国商业秘密保护创新试点任务？"),
        ([], "给人民医院呢？"),  # nothing to resolve against
        (["你好"], "给人民医院呢？"),  # nothing specific said before
    ],
)
def test_self_contained_questions_are_left_alone(resolver, earlier, question):
    resolution = resolver.resolve(question, users(*earlier))
    assert resolution.query == question and not resolution.is_follow_up


def test_a_chain_of_follow_ups_keeps_its_topic_and_replaces_the_last_new_phrase(resolver):
    history = users("荣氏家族给江南大学捐了多少钱？", "给人民医院呢？")
    resolution = resolver.resolve("那龙光塔呢？", history)
    assert resolution.query == "荣氏家族给龙光塔捐了多少钱？"


def test_small_talk_between_turns_does_not_lose_the_topic(resolver):
    history = users("荣氏家族给江南大学捐了多少钱？", "你好", "谢谢")
    assert resolver.resolve("给人民医院呢？", history).query == "荣氏家族给人民医院捐了多少钱？"


def test_assistant_and_system_turns_are_not_context(resolver):
    history = [
        Message("system", "荣氏家族给江南大学捐了多少钱？"),
        Message("assistant", "荣氏家族给江南大学捐资1.1亿元。"),
    ]
    resolution = resolver.resolve("给人民医院呢？", history)
    assert resolution.query == "给人民医院呢？" and not resolution.is_follow_up


def test_only_recent_user_turns_are_the_context(resolver):
    history = users("荣智健担任什么职务？", "产改第五次联席会议是哪天召开的？")
    assert resolver.resolve("谁出席了？", history).query == "产改第五次联席会议 谁出席了？"


def test_the_carried_phrases_are_reported(resolver):
    resolution = resolver.resolve("谁出席了？", users("产改第五次联席会议是哪天召开的？"))
    assert resolution.carried == ("产改第五次联席会议",)


def test_an_empty_question_is_rejected(resolver):
    with pytest.raises(ValueError, match="empty"):
        resolver.resolve("  ", users("荣智健担任什么职务？"))


def test_phrases_have_offsets_and_kinds(resolver):
    text = "2024年荣氏家族给江南大学捐了多少钱？"
    phrases = resolver.phrases(text)
    assert [(p.text, p.kind) for p in phrases if p.specific] == [
        ("2024年", "time"),
        ("荣氏家族", "person"),
        ("江南大学", "thing"),
    ]
    assert all(text[p.start : p.end] == p.text for p in phrases)
    assert [p.after for p in phrases][:3] == [None, None, "给"]


@pytest.mark.parametrize(
    "earlier,topic",
    [
        # A number and a verbal noun, no noun: the phrase has no noun to name its kind (was an IndexError).
        ("2024年发展怎么样？", "2024年发展"),
        ("三项发展是什么？", "三项发展"),
        ("两个研究是什么？", "两个研究"),
    ],
)
def test_a_phrase_without_a_noun_is_a_topic_to_follow_up(resolver, earlier, topic):
    resolution = resolver.resolve("谁负责？", users(earlier))
    assert resolution.query == f"{topic} 谁负责？" and resolution.rule == "no_subject"
    # ... and the conversation goes on: the web page resends it with every question.
    assert resolver.resolve("那2023年呢？", users(earlier, "谁负责？")).is_follow_up
    assert [(p.text, p.kind) for p in resolver.phrases(earlier)] == [(topic, "thing")]


def test_a_long_question_stands_alone(resolver):
    question = "他" + "在无锡市人民医院新门诊楼启用仪式上说了什么" * 5 + "？"
    assert len(question) > MAX_RESOLVED_CHARS
    resolution = resolver.resolve(question, users("荣智健担任什么职务？"))
    assert resolution.query == question and not resolution.is_follow_up


def test_a_pasted_text_does_not_change_the_topic(resolver):
    pasted = "无锡市人民医院新门诊楼正式启用，总投资6.5亿元。" * 10 + "这是什么？"
    assert len(pasted) > MAX_RESOLVED_CHARS
    history = users("荣氏家族给江南大学捐了多少钱？", pasted)
    assert resolver.resolve("给人民医院呢？", history).query == "荣氏家族给人民医院捐了多少钱？"


def test_only_the_last_turns_are_read(resolver):
    history = users("荣智健担任什么职务？", *["你好"] * MAX_USER_TURNS)
    assert not resolver.resolve("他说了什么？", history).is_follow_up
    history = users("荣智健担任什么职务？", *["你好"] * (MAX_USER_TURNS - 1))
    assert resolver.resolve("他说了什么？", history).query == "荣智健说了什么？"
    # ... and only as many as hold MAX_HISTORY_CHARS characters together.
    long_small_talk = "你好" * (MAX_RESOLVED_CHARS // 2)
    history = users("荣智健担任什么职务？", *[long_small_talk] * (MAX_HISTORY_CHARS // len(long_small_talk)))
    assert not resolver.resolve("他说了什么？", history).is_follow_up


def test_the_ellipsis_pattern_takes_linear_time():
    # Separators, then a newline the body cannot cross: the separators were given back one at a time.
    line = "，" * 20_000 + "x\ny"
    started = time.process_time()
    assert _ELLIPSIS.match(line) is None
    assert time.process_time() - started < 0.5  # was about 8 s


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_the_resolver_cpu_is_bounded_on_the_worst_conversations(strategy):
    question, history = STRATEGIES[strategy](random.Random(1))
    resolver = FollowUpResolver()  # nothing remembered from earlier tests
    started = time.process_time()
    resolver.resolve(question, history)
    # About 50 ms on a loaded 2-core machine (docs/RELIABILITY.md); before the bounds, minutes.
    assert time.process_time() - started < 1.0
