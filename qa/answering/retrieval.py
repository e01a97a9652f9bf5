"""Hybrid retrieval: dense and BM25 candidates fused by reciprocal rank fusion, overlaps removed."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from qa.embedders.protocol import Embedder
from qa.index.store import IndexData
from qa.models import Chunk
from qa.text.segmentation import Tokenizer

RRF_K = 60
# Which retrievers feed the ranking: both fused (the service), or one alone (baselines in qa.eval).
RetrievalMode = Literal["hybrid", "dense", "bm25"]
RETRIEVAL_MODES: tuple[str, ...] = get_args(RetrievalMode)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score = sum of 1 / (k + rank). Best first; ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


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

    def prepare(self, question: str) -> Query:
        return Query(question, self.tokenizer.tokens(question), self.embedder.encode([question])[0])

    def search(self, query: Query, top_k: int) -> list[Hit]:
        rankings: list[list[int]] = []
        dense_by_row: dict[int, float] = {}
        sparse_by_row: dict[int, float] = {}
        if self.mode != "bm25":
            rows, scores = self.data.dense.search(query.vector, self.candidates)
            rankings.append(rows.tolist())
            dense_by_row = dict(zip(rankings[-1], scores.tolist()))
        if self.mode != "dense":
            rows, scores = self.data.sparse.search(query.tokens, self.candidates)
            rankings.append(rows.tolist())
            sparse_by_row = dict(zip(rankings[-1], scores.tolist()))
        fused = reciprocal_rank_fusion(rankings)
        dense_rank = {row: rank for rank, row in enumerate(dense_by_row, start=1)}
        bm25_rank = {row: rank for rank, row in enumerate(sparse_by_row, start=1)}
        hits: list[Hit] = []
        for row, score in fused:
            chunk = self.data.chunks[row]
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
