"""Hybrid retrieval: dense and BM25 candidates fused by reciprocal rank fusion, overlaps removed.

Searches keep to the rows a ``Plan`` allows (dates, paper: ``qa.answering.scope``). A question asking for the
newest news (最新), or one about a report that recurs (several editions among the candidates), gets a recency
prior added to the fused scores (``with_recency``); and one passage stands for each story printed in several
papers (its copies, grouped at build time, are listed with its citation instead).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from qa.answering.scope import NO_DAY, Catalog, Plan
from qa.embedders.protocol import Embedder
from qa.index.store import IndexData
from qa.models import Chunk
from qa.text.segmentation import Tokenizer

RRF_K = 60
# Which retrievers feed the ranking: both fused (the service), or one alone (baselines in qa.eval).
RetrievalMode = Literal["hybrid", "dense", "bm25"]
RETRIEVAL_MODES: tuple[str, ...] = get_args(RetrievalMode)
# The recency prior: among the candidates scoring at least RECENCY_WINDOW of the best fused score (comparable
# matches), the newest gets RECENCY_WEIGHT of what rank 1 in one retriever adds (1 / (RRF_K + 1)), halved for every
# RECENCY_HALF_LIFE_DAYS an article is older than it. A candidate below the window gets nothing: newer news never
# passes a clearly better match.
RECENCY_WEIGHT = 0.5
RECENCY_HALF_LIFE_DAYS = 30.0
RECENCY_WINDOW = 0.9
# One passage stands for a story printed several times: the primary copy's (the earliest, then the longest) when it
# scores at least this share of the best-ranked copy's, else that one's.
PRIMARY_WINDOW = 0.9
# Titles of one recurring report differ only in numbers: 第一百六十五次… / 第一百六十六次….
_EDITION_MARKS = re.compile(r"[\d〇零一二三四五六七八九十百千万亿两.%％]+")


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score = sum of 1 / (k + rank). Best first; ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def with_recency(
    fused: Sequence[tuple[int, float]],
    days: Sequence[int],
    weight: float = RECENCY_WEIGHT,
    half_life: float = RECENCY_HALF_LIFE_DAYS,
    window: float = RECENCY_WINDOW,
    k: int = RRF_K,
) -> list[tuple[int, float]]:
    """``fused`` (row, score), best first, with a bonus for newer rows among the comparable matches, re-sorted.
    ``days[i]`` is row ``fused[i]``'s publication day as an ordinal (``NO_DAY``: undated, no bonus). Age counts
    from the newest comparable match, not from today: a corpus of last year's news still has a newest edition."""
    if not fused or weight <= 0:
        return list(fused)
    floor = window * max(score for _, score in fused)
    comparable = [day != NO_DAY and score >= floor for (_, score), day in zip(fused, days)]
    dated = [day for day, ok in zip(days, comparable) if ok]
    if not dated:
        return list(fused)
    newest = max(dated)
    top = weight / (k + 1)
    scored = [
        (row, score + (top * 0.5 ** ((newest - day) / half_life) if ok else 0.0))
        for (row, score), day, ok in zip(fused, days, comparable)
    ]
    return sorted(scored, key=lambda pair: -pair[1])


def has_editions(titles: Sequence[str], days: Sequence[int]) -> bool:
    """Whether two of the candidates are editions of one report: titles equal but for their numbers, other days."""
    seen: dict[str, int] = {}
    for title, day in zip(titles, days):
        key = _EDITION_MARKS.sub("#", "".join(title.split()))
        if day != NO_DAY and seen.setdefault(key, day) != day:
            return True
    return False


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the evidence behind it."""

    chunk: Chunk
    row: int
    score: float
    dense_score: float
    bm25_score: float
    # 1-based rank in each retriever's own list (None: not among its candidates); their agreement is evidence.
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class Query:
    """A question prepared once for every stage: its tokens and its vector."""

    text: str
    tokens: list[str]
    vector: np.ndarray


class Retriever:
    """Searches one loaded index version. Built with its parts; never loads a model itself."""

    def __init__(
        self,
        data: IndexData,
        embedder: Embedder,
        tokenizer: Tokenizer,
        candidates: int = 30,
        mode: RetrievalMode = "hybrid",
    ) -> None:
        if mode not in RETRIEVAL_MODES:
            raise ValueError(f"mode must be one of {', '.join(RETRIEVAL_MODES)}, got {mode!r}")
        self.data = data
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.candidates = candidates
        self.mode = mode
        self.catalog = Catalog(data)
        self.recency_weight = RECENCY_WEIGHT

    def prepare(self, question: str) -> Query:
        return Query(question, self.tokenizer.tokens(question), self.embedder.encode([question])[0])

    def search(self, query: Query, top_k: int, plan: Plan | None = None) -> list[Hit]:
        """The ``top_k`` best passages, one per story; under ``plan``, only from the articles it allows."""
        allowed = self.catalog.rows(plan) if plan is not None else None
        if allowed is not None and not len(allowed):
            return []
        rankings: list[list[int]] = []
        dense_by_row: dict[int, float] = {}
        sparse_by_row: dict[int, float] = {}
        if self.mode != "bm25":
            rows, scores = self.data.dense.search(query.vector, self.candidates, allowed)
            rankings.append(rows.tolist())
            dense_by_row = dict(zip(rankings[-1], scores.tolist()))
        if self.mode != "dense":
            rows, scores = self.data.sparse.search(query.tokens, self.candidates, allowed)
            rankings.append(rows.tolist())
            sparse_by_row = dict(zip(rankings[-1], scores.tolist()))
        fused = reciprocal_rank_fusion(rankings)
        if plan is not None and (plan.recent or plan.recurring):
            fused = self._newer_first(fused, plan)
        return self._distinct(fused, query, top_k, dense_by_row, sparse_by_row)

    def _newer_first(self, fused: list[tuple[int, float]], plan: Plan) -> list[tuple[int, float]]:
        days = [int(self.catalog.day[row]) for row, _ in fused]
        if not plan.recent:
            titles = [self.data.articles[self.data.chunks[row].article_id].title for row, _ in fused]
            if not has_editions(titles, days):
                return fused
        return with_recency(fused, days, self.recency_weight)

    def _primary_rows(self, fused: list[tuple[int, float]]) -> dict[int, tuple[int, float]]:
        """Per story among ``fused``, the best row of its primary copy and its score."""
        best: dict[int, tuple[int, float]] = {}
        for row, score in fused:
            story = int(self.catalog.story[row])
            if story >= 0 and story not in best and self.data.chunks[row].article_id == self.catalog.primary[story]:
                best[story] = (row, score)
        return best

    def _distinct(
        self,
        fused: list[tuple[int, float]],
        query: Query,
        top_k: int,
        dense_by_row: dict[int, float],
        sparse_by_row: dict[int, float],
    ) -> list[Hit]:
        """Hits in fused order, skipping a passage another hit mostly shows and a copy of a story already hit."""
        hits: list[Hit] = []
        # Each retriever's own rank of a row: their agreement is evidence for the answerability judge.
        dense_rank = {row: rank for rank, row in enumerate(dense_by_row, start=1)}
        bm25_rank = {row: rank for rank, row in enumerate(sparse_by_row, start=1)}
        primary = self._primary_rows(fused)
        shown: dict[int, str] = {}  # story -> the article whose passages stand for it
        for row, score in fused:
            story = int(self.catalog.story[row])
            if story >= 0 and story not in shown and story in primary and primary[story][1] >= PRIMARY_WINDOW * score:
                row, score = primary[story]
            chunk = self.data.chunks[row]
            if story >= 0 and shown.setdefault(story, chunk.article_id) != chunk.article_id:
                continue
            if any(_mostly_inside(chunk, kept.chunk) for kept in hits):
                continue
            dense = dense_by_row.get(row)
            if dense is None:
                dense = float(np.dot(self.data.dense.vector(row), query.vector))
            hits.append(
                Hit(chunk, row, score, dense, sparse_by_row.get(row, 0.0), dense_rank.get(row), bm25_rank.get(row))
            )
            if len(hits) == top_k:
                break
        return hits


def _mostly_inside(chunk: Chunk, other: Chunk) -> bool:
    """True when more than half of ``chunk`` is text ``other`` already shows."""
    if chunk.article_id != other.article_id:
        return chunk.text == other.text
    shared = min(chunk.end, other.end) - max(chunk.start, other.start)
    return shared > (chunk.end - chunk.start) / 2
