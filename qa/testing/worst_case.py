"""Conversations that make the follow-up resolver work hardest: rare characters, no punctuation but what a
rule needs, every message as long as the API allows. Used by tests/chat (a bound on the resolver's CPU)
and bench/conversation_costs.py.

jieba's part-of-speech model has no list of possible states for most CJK characters (about 14,000 of the
21,000 of the basic block): for those its Viterbi step tries all 256 states, which made each cost 10-25 ms.
The strategies make every earlier turn a follow-up, so each is read and its understood form is new text.
"""

import random
from collections.abc import Callable
from functools import cache

from jieba.posseg.char_state_tab import P as CHAR_STATES

from qa.chat.conversation import (
    MAX_HISTORY_MESSAGES,
    MAX_MESSAGE_CHARS,
    MAX_RESOLVED_CHARS,
    MAX_USER_TURNS,
    Message,
)
from qa.settings import Settings

RARE = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in CHAR_STATES]
QUESTION_CHARS = 1000  # the API's limit on a question
# What a request body may hold (QA_MAX_BODY_BYTES), less room for the question and the JSON around it.
BODY_BYTES = Settings.model_fields["max_body_bytes"].default - 3 * QUESTION_CHARS - 1000
Conversation = tuple[str, list[Message]]  # the question, the history


def rare_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(RARE, k=length))


@cache
def _padding(count: int) -> tuple[Message, ...]:
    """``count`` messages as long as the API allows: the same each time, as the resolver skips them."""
    rng = random.Random(0)
    roles = ("user", "assistant")
    return tuple(Message(roles[n % 2], rare_text(rng, MAX_MESSAGE_CHARS)) for n in range(count))


def _history(user_turns: list[str]) -> list[Message]:
    """The user turns, each followed by an assistant turn, after as many of the longest messages (the
    resolver skips a long user turn) as the API's limits on messages and on the body leave room for."""
    history = [Message(role, text) for turn in user_turns for role, text in (("user", turn), ("assistant", "好"))]
    room = BODY_BYTES - sum(len(m.content.encode()) + 50 for m in history)
    count = min(MAX_HISTORY_MESSAGES - len(history), room // (3 * MAX_MESSAGE_CHARS + 50))  # UTF-8, JSON
    return [*_padding(max(count, 0)), *history][-MAX_HISTORY_MESSAGES:]


def too_long(rng: random.Random) -> Conversation:
    """Every message as long as the API allows (the resolver reads none of it)."""
    return rare_text(rng, QUESTION_CHARS), _history([])


def pronoun_chain(rng: random.Random) -> Conversation:
    """A person, then follow-ups with 他: each is read, and rewritten with the name (new text to tag)."""
    body = MAX_RESOLVED_CHARS - len("他是什么？")
    first = "荣智健" + rare_text(rng, body - 2) + "是什么？"
    turns = [first] + [f"他{rare_text(rng, body)}是什么？" for _ in range(MAX_USER_TURNS - 1)]
    return f"他{rare_text(rng, body)}是什么？", _history(turns)


def ellipsis_chain(rng: random.Random) -> Conversation:
    """A long question holding a year, then short 那…年呢？ follow-ups: each rewrites the whole long question."""
    half = (MAX_RESOLVED_CHARS - len("2024年是什么？")) // 2
    first = f"{rare_text(rng, half)}2024年{rare_text(rng, half)}是什么？"
    turns = [first] + [f"那{1000 + n}年呢？" for n in range(MAX_USER_TURNS - 1)]
    return "那1999年呢？", _history(turns)


def topic_chain(rng: random.Random) -> Conversation:
    """Questions naming something, each followed by one without a subject: the topic is put in front."""
    body = MAX_RESOLVED_CHARS - len("是什么？")
    turns = []
    for _ in range(MAX_USER_TURNS // 2):
        turns += [f"{rare_text(rng, body)}是什么？", "谁负责？"]
    return "谁负责？", _history(turns)


STRATEGIES: dict[str, Callable[[random.Random], Conversation]] = {
    "too_long": too_long,
    "pronoun_chain": pronoun_chain,
    "ellipsis_chain": ellipsis_chain,
    "topic_chain": topic_chain,
}
