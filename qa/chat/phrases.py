"""The phrases of a question: runs of nouns and numbers found with jieba's part-of-speech tags.

The follow-up resolver (``qa.chat.conversation``) compares the phrases of a question with those of the
earlier ones: their kind (person, place, time, thing), whether they name something specific (荣氏家族,
2024年) or are general words (时间, 医院), and the preposition before them (给人民医院).
"""

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.text.segmentation import term_weight
from qa.text.tagging import Tagger, Token

logger = logging.getLogger(__name__)

# A single common noun (职务, 时间, 医院) is general; rarer words (龙光塔, 商业秘密) are specific.
SPECIFIC_WEIGHT = 8.0
# Texts whose phrases are remembered: a conversation resends its earlier turns with every question.
REMEMBERED_TEXTS = 2048

QUESTION_WORD = re.compile(r"什么|谁|哪|多少|几|怎|吗|何|啥|是否")
_DATE_UNITS = "年月日号天"
NOUN_ENDINGS = frozenset("会 站 厂 局 馆 院 所 处 部 组 队 团 园 区 室 展 节 赛".split())
PROPER_TAGS = {"ns", "nt", "nz", "j", "eng"}
NUMERIC_TAGS = {"m", "t", "q", "mq"}

Kind = str  # "person" | "place" | "time" | "thing"


@dataclass(frozen=True)
class Phrase:
    """A run of nouns (and numbers) in a question, with its offsets in that question."""

    text: str
    start: int
    end: int
    kind: Kind
    specific: bool
    after: str | None  # the preposition right before it, if any


def is_nominal(tag: str) -> bool:
    return tag.startswith("n") or tag in PROPER_TAGS or tag == "l"


def _is_date(run: Sequence[Token]) -> bool:
    return all(t.tag in NUMERIC_TAGS for t in run) and run[-1].word[-1] in _DATE_UNITS


def _kind(tags: Sequence[str]) -> Kind:
    if any(tag.startswith("nr") for tag in tags):
        return "person"
    if all(tag in NUMERIC_TAGS for tag in tags):
        return "time"
    # A run need not hold a noun: a number and a verbal noun (2024年发展, 三项发展) is a thing.
    nominal = [tag for tag in tags if is_nominal(tag)]
    return "place" if nominal and nominal[-1] == "ns" else "thing"


class PhraseFinder:
    """Tags texts and finds their phrases, each text once: the results of recent texts are remembered."""

    def __init__(self, weight: Callable[[str], float] = term_weight, tagger: Tagger | None = None) -> None:
        self.weight = weight
        self.tagger = tagger or Tagger()
        weight("")  # loads its table (jieba's IDF: a second) now rather than in the first question
        self._phrases = lru_cache(maxsize=REMEMBERED_TEXTS)(self._find)

    def tokens(self, text: str) -> list[Token]:
        return self.tagger.tokens(text)

    def phrases(self, text: str) -> tuple[Phrase, ...]:
        """Maximal runs of nouns, proper names and numbers; question words and verbs end a run."""
        return self._phrases(text)

    def specific(self, text: str) -> list[Phrase]:
        return [p for p in self._phrases(text) if p.specific]

    def _find(self, text: str) -> tuple[Phrase, ...]:
        tokens = self.tokens(text)
        phrases: list[Phrase] = []
        run: list[Token] = []
        before: Token | None = None

        def close() -> None:
            if run:
                phrases.append(self._phrase(text, run, before.word if before and before.tag == "p" else None))
                run.clear()

        for i, token in enumerate(tokens):
            joins = not QUESTION_WORD.search(token.word) and (
                is_nominal(token.tag) or token.tag in NUMERIC_TAGS or (token.tag == "vn" and bool(run))
            )
            # jieba cuts 推进会 into 推进/会: a verb followed by a one-character noun ending stays in the run.
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            joins = joins or bool(run and token.tag.startswith("v") and nxt and nxt.word in NOUN_ENDINGS)
            joins = joins or bool(run and token.word in NOUN_ENDINGS and run[-1].tag.startswith("v"))
            if joins and run and is_nominal(token.tag) and _is_date(run):
                close()  # 2024年 | 无锡: a date is a phrase of its own
            if joins:
                run.append(token)
                continue
            close()
            before = token
        close()
        return tuple(phrases)

    def _phrase(self, text: str, run: list[Token], after: str | None) -> Phrase:
        tags = [t.tag for t in run]
        kind = _kind(tags)
        specific = (
            kind != "thing"
            or len(run) > 1
            or any(tag in PROPER_TAGS for tag in tags)
            or max(self.weight(t.word) for t in run) >= SPECIFIC_WEIGHT
        )
        start, end = run[0].start, run[-1].start + len(run[-1].word)
        return Phrase(text[start:end], start, end, kind, specific, after)
