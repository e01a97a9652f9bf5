"""Extractive answers: pick the sentence(s) of the retrieved passages that answer the question.

No language model: each sentence is scored by how much of the question's weighted vocabulary it
contains, the rank of its passage, and whether it holds the kind of thing the question asks for
(a number, a date). The best one or two sentences, at most ``MAX_ANSWER_CHARS``, become the answer,
each followed by a ``[n]`` marker naming its citation. Questions the passages do not address are
refused rather than answered with the least bad sentence.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qa.models import Article
from qa.retrieval import Hit, Query
from qa.text import sentence_spans

MAX_ANSWER_CHARS = 160
CLAUSE_BREAKS = "，,；;："
# Refuse when no top passage (with its title) holds this share of the question's weighted words.
MIN_PASSAGE_COVERAGE = 0.45
PASSAGES_FOR_RELEVANCE = 3
SECOND_SENTENCE_RATIO = 0.8

_NUMBER_Q = re.compile(r"多少|几[个位名次年天岁项件种家所座条]?|多大|多高|多长|多重|多远|多久|多深|比例|百分之")
_NUMBER_A = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+[个位名次年天岁项件种家所座条元米人%％倍]")
_DATE_Q = re.compile(r"何时|什么时候|哪一?年|哪天|几月|几号|哪个月|日期|时间|年代|朝代")
_DATE_A = re.compile(r"\d{1,4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|世纪|年代|昨天|今天|前天|[春夏秋冬]季|朝")


@dataclass(frozen=True)
class Sentence:
    """A candidate answer sentence, with offsets into its article's body."""

    article_id: str
    chunk_id: str
    start: int
    end: int
    text: str
    rank: int
    score: float
    coverage: float


@dataclass(frozen=True)
class Citation:
    n: int
    article: Article
    chunk_id: str
    text: str
    start: int
    end: int
    score: float


@dataclass
class Answer:
    question: str
    text: str
    no_answer: bool
    citations: list[Citation]
    sentences: list[Sentence] = field(default_factory=list)  # ranked candidates, best first


def _type_bonus(question: str, sentence: str) -> float:
    bonus = 0.0
    if _NUMBER_Q.search(question) and _NUMBER_A.search(sentence):
        bonus += 0.15
    if _DATE_Q.search(question) and _DATE_A.search(sentence):
        bonus += 0.15
    return bonus


def _best_window(text: str, start: int, end: int, score: Callable[[str], float]) -> tuple[int, int]:
    """The run of whole clauses of ``text[start:end]`` with the best score that fits the answer limit."""
    if end - start <= MAX_ANSWER_CHARS:
        return start, end
    cuts = [start] + [i + 1 for i in range(start, end - 1) if text[i] in CLAUSE_BREAKS] + [end]
    best = (-1.0, start, min(end, start + MAX_ANSWER_CHARS))
    for a in range(len(cuts) - 1):
        for b in range(a + 1, len(cuts)):
            if cuts[b] - cuts[a] > MAX_ANSWER_CHARS:
                break
            value = score(text[cuts[a] : cuts[b]])
            if value > best[0]:
                best = (value, cuts[a], cuts[b])
    return best[1], best[2]


class Composer:
    """Turns retrieved passages into an answer with citations."""

    def __init__(self, weight: Callable[[str], float]) -> None:
        self.weight = weight

    def _coverage(self, query: Query) -> Callable[[str], float]:
        """Share of the question's words, weighted by how specific each word is, that a text contains."""
        weights = {token: self.weight(token) for token in set(query.tokens)}
        total = sum(weights.values()) or 1.0
        return lambda text: sum(w for token, w in weights.items() if token in text) / total

    def relevance(self, query: Query, hits: list[Hit], articles: dict[str, Article]) -> float:
        """How much of the question the best of the top passages addresses (0-1)."""
        coverage = self._coverage(query)
        return max(
            (
                coverage((articles[h.chunk.article_id].title + "\n" + h.chunk.text).lower())
                for h in hits[:PASSAGES_FOR_RELEVANCE]
            ),
            default=0.0,
        )

    def rank_sentences(self, query: Query, hits: list[Hit], articles: dict[str, Article]) -> list[Sentence]:
        coverage = self._coverage(query)

        seen: set[tuple[str, int]] = set()
        ranked: list[Sentence] = []
        for rank, hit in enumerate(hits):
            body = articles[hit.chunk.article_id].body
            for s, e in sentence_spans(hit.chunk.text):
                start, end = _best_window(body, hit.chunk.start + s, hit.chunk.start + e, coverage)
                if (hit.chunk.article_id, start) in seen:
                    continue
                seen.add((hit.chunk.article_id, start))
                text = body[start:end]
                cov = coverage(text.lower())
                score = cov + 0.2 / (1 + rank) + _type_bonus(query.text, text)
                ranked.append(Sentence(hit.chunk.article_id, hit.chunk.id, start, end, text, rank, score, cov))
        ranked.sort(key=lambda sentence: -sentence.score)
        return ranked

    def compose(self, query: Query, hits: list[Hit], articles: dict[str, Article]) -> Answer:
        ranked = self.rank_sentences(query, hits, articles)
        relevant = bool(ranked) and self.relevance(query, hits, articles) >= MIN_PASSAGE_COVERAGE
        chosen: list[Sentence] = []
        if relevant:
            chosen.append(ranked[0])
            for other in ranked[1:3]:
                fits = len(ranked[0].text) + len(other.text) <= MAX_ANSWER_CHARS
                if fits and other.score >= SECOND_SENTENCE_RATIO * ranked[0].score and other.coverage > 0:
                    chosen.append(other)
                    break
        return self._cite(query.text, chosen, hits, articles, ranked)

    def _cite(
        self,
        question: str,
        chosen: list[Sentence],
        hits: list[Hit],
        articles: dict[str, Article],
        ranked: list[Sentence],
    ) -> Answer:
        citations: list[Citation] = []
        parts: list[str] = []
        hit_by_chunk = {hit.chunk.id: hit for hit in hits}
        # Keep the chosen sentences in reading order when they come from the same article.
        for sentence in sorted(chosen, key=lambda s: (s.rank, s.start)):
            n = len(citations) + 1
            hit = hit_by_chunk[sentence.chunk_id]
            citations.append(
                Citation(
                    n,
                    articles[sentence.article_id],
                    sentence.chunk_id,
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    hit.score,
                )
            )
            parts.append(f"{sentence.text}[{n}]")
        cited_chunks = {c.chunk_id for c in citations}
        for hit in hits:
            if hit.chunk.id not in cited_chunks:
                citations.append(
                    Citation(
                        len(citations) + 1,
                        articles[hit.chunk.article_id],
                        hit.chunk.id,
                        hit.chunk.text,
                        hit.chunk.start,
                        hit.chunk.end,
                        hit.score,
                    )
                )
        return Answer(question, "".join(parts), not chosen, citations, ranked)
