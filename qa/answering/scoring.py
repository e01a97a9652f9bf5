"""How much of a question a candidate sentence repeats, with weights fitted to the candidates at hand.

Three views of the question are compared with each sentence: its search words (weighted by
jieba's background IDF), its character pairs and its single characters (interrogatives and
punctuation removed, so segmentation mistakes cost little). Each term is further weighted by how
rare it is among the candidate sentences (the topic every candidate shares counts little, the
detail only one has counts much) and counts ``TITLE_FACTOR`` as much when the sentence's article
title holds it (title words tell which article answers, not which sentence).
"""

import math
import re
from collections.abc import Callable

from qa.answering.cues import INTERROGATIVES
from qa.answering.retrieval import Query

CLAUSE_BREAKS = "，,；;："
WORD_SHARE, PAIR_SHARE, CHAR_SHARE = 0.3, 0.7, 0.2
TITLE_FACTOR = 0.1
# Characters too common to tell sentences apart.
FUNCTION_CHARS = frozenset("的了是在和与及或也都而就被把将对从向为以于之其这那有个")


def best_window(text: str, start: int, end: int, score: Callable[[str], float], limit: int) -> tuple[int, int]:
    """The run of whole clauses of ``text[start:end]`` with the best score, at most ``limit`` characters."""
    if end - start <= limit:
        return start, end
    cuts = [start] + [i + 1 for i in range(start, end - 1) if text[i] in CLAUSE_BREAKS] + [end]
    best = (-1.0, start, min(end, start + limit))
    for a in range(len(cuts) - 1):
        for b in range(a + 1, len(cuts)):
            if cuts[b] - cuts[a] > limit:
                break
            value = score(text[cuts[a] : cuts[b]])
            if value > best[0]:
                best = (value, cuts[a], cuts[b])
    return best[1], best[2]


def question_grams(question: str) -> tuple[set[str], set[str]]:
    """Character pairs and single characters of the question, interrogatives and punctuation removed."""
    pairs: set[str] = set()
    chars: set[str] = set()
    for piece in re.split(r"[\W_]+", INTERROGATIVES.sub(" ", question.lower())):
        pairs.update(piece[i : i + 2] for i in range(len(piece) - 1))
        chars.update(ch for ch in piece if ch not in FUNCTION_CHARS)
    return pairs, chars


class Scorer:
    """Coverage of one question by candidate texts, with weights fitted to the candidates at hand."""

    def __init__(self, query: Query, texts: list[str], weight: Callable[[str], float]) -> None:
        n = len(texts) or 1

        def rarity(term: str) -> float:
            # 1 for a term only one candidate has, towards 0 for one every candidate has.
            frequency = sum(1 for text in texts if term in text)
            return math.log(1 + n / (1 + frequency)) / math.log(1 + n)

        pairs, chars = question_grams(query.text)
        self.parts = [
            (WORD_SHARE, {t: weight(t) * rarity(t) for t in set(query.tokens)}),
            (PAIR_SHARE, {p: rarity(p) for p in pairs}),
            (CHAR_SHARE, {c: rarity(c) for c in chars}),
        ]
        self._by_title: dict[str, Callable[[str], float]] = {}

    def for_title(self, title: str) -> Callable[[str], float]:
        """Coverage for sentences of an article with this title: what the title repeats counts less."""
        if title not in self._by_title:
            lowered = title.lower()
            parts = []
            for share, weights in self.parts:
                total = math.fsum(weights.values())
                if total > 0:
                    scaled = {t: w * (TITLE_FACTOR if t in lowered else 1.0) for t, w in weights.items()}
                    parts.append((share / total, scaled))

            def coverage(text: str) -> float:
                text = text.lower()
                # fsum: exact whatever the order of the question's (set of) terms, so ties rank alike in every process.
                return math.fsum(
                    share * math.fsum(w for t, w in weights.items() if t in text) for share, weights in parts
                )

            self._by_title[title] = coverage
        return self._by_title[title]
