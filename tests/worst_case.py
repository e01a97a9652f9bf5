"""Conversations that make the follow-up resolver work hardest: rare characters, no punctuation but what a
rule needs, every message as long as the API allows. Used by tests/chat (a bound on the resolver's CPU)
and bench/conversation_costs.py.

jieba's part-of-speech model has no list of possible states for most CJK characters (about 17,000 of the
21,000 of the basic block): for those its Viterbi step tries all 256 states, which made each cost 10-25 ms.
The strategies make every earlier turn a follow-up, so each is read and its understood form is new text.
"""

import random
from collections.abc import Callable

from jieba.posseg.char_state_tab import P as CHAR_STATES

from qa.chat.conversation import (
    MAX_HISTORY_MESSAGES,
    MAX_MESSAGE_CHARS,
    MAX_RESOLVED_CHARS,
    MAX_USER_TURNS,
    Message,
)

RARE = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in CHAR_STATES]
QUESTION_CHARS = 1000  # the API's limit on a question
Conversation = tuple[str, list[Message]]  # the question, the history


def rare_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(RARE) for _ in range(length))


def _history(user_turns: list[str], rng: random.Random) -> list[Message]:
    """The user turns, each followed by the longest assistant turn, after as many of the longest user turns
    (the resolver skips them) as the API's message limit leaves room for."""
    pairs = [(turn, rare_text(rng, MAX_MESSAGE_CHARS)) for turn in user_turns][-(MAX_HISTORY_MESSAGES // 2) :]
    padding = [(rare_text(rng, MAX_MESSAGE_CHARS), rare_text(rng, MAX_MESSAGE_CHARS))] * (
        MAX_HISTORY_MESSAGES // 2 - len(pairs)
    )
    return [Message(role, text) for pair in padding + pairs for role, text in zip(("user", "assistant"), pair)]


def too_long(rng: random.Random) -> Conversation:
    """Every message as long as the API allows."""
    turns = [rare_text(rng, MAX_MESSAGE_CHARS) for _ in range(MAX_HISTORY_MESSAGES // 2)]
    return rare_text(rng, QUESTION_CHARS), _history(turns, rng)


def pronoun_chain(rng: random.Random) -> Conversation:
    """A person, then follow-ups with 他: each is read, and rewritten with the name (new text to tag)."""
    body = MAX_RESOLVED_CHARS - len("他是什么？")
    first = "荣智健" + rare_text(rng, body - 2) + "是什么？"
    turns = [first] + [f"他{rare_text(rng, body)}是什么？" for _ in range(MAX_USER_TURNS - 1)]
    return f"他{rare_text(rng, body)}是什么？", _history(turns, rng)


def ellipsis_chain(rng: random.Random) -> Conversation:
    """A long question holding a year, then short 那…年呢？ follow-ups: each rewrites the whole long question."""
    half = (MAX_RESOLVED_CHARS - len("2024年是什么？")) // 2
    first = f"{rare_text(rng, half)}2024年{rare_text(rng, half)}是什么？"
    turns = [first] + [f"那{1000 + n}年呢？" for n in range(MAX_USER_TURNS - 1)]
    return "那1999年呢？", _history(turns, rng)


def topic_chain(rng: random.Random) -> Conversation:
    """Questions naming something, each followed by one without a subject: the topic is put in front."""
    body = MAX_RESOLVED_CHARS - len("是什么？")
    turns = []
    for _ in range(MAX_USER_TURNS // 2):
        turns += [f"{rare_text(rng, body)}是什么？", "谁负责？"]
    return "谁负责？", _history(turns, rng)


STRATEGIES: dict[str, Callable[[random.Random], Conversation]] = {
    "too_long": too_long,
    "pronoun_chain": pronoun_chain,
    "ellipsis_chain": ellipsis_chain,
    "topic_chain": topic_chain,
}
