"""The follow-up resolver on its own: no index, no model (jieba only)."""

import pytest

from qa.chat.conversation import FollowUpResolver, Message


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
