"""Keyword index: BM25 (the bm25s library) over jieba tokens; weights computed by ``qa.index.terms``."""

from pathlib import Path

import bm25s
import numpy as np

from qa.index.terms import TermCounts, bm25_from_counts

# Versions written before BM25 weights came from term counts hold this one document when empty.
EMPTY_PLACEHOLDER = "\x00empty-index"


class SparseIndex:
    """BM25 over pre-tokenised documents. Rows are chunk positions; ``search`` returns (rows, scores)."""

    def __init__(self, bm25: bm25s.BM25, size: int) -> None:
        self._bm25 = bm25
        self._size = size

    @classmethod
    def build(cls, documents: list[list[str]]) -> "SparseIndex":
        return cls.from_counts(TermCounts.from_tokens(documents))

    @classmethod
    def from_counts(cls, counts: TermCounts) -> "SparseIndex":
        return cls(bm25_from_counts(counts), len(counts))

    def __len__(self) -> int:
        return self._size

    @property
    def documents(self) -> int:
        """Documents in the BM25 index itself (must equal ``len``; an empty index holds a placeholder)."""
        stored = int(self._bm25.scores.get("num_docs", 0))
        return 0 if self._size == 0 and stored == 1 and EMPTY_PLACEHOLDER in self._bm25.vocab_dict else stored

    def document_frequency(self, token: str) -> int:
        """In how many documents ``token`` occurs (0 when unknown)."""
        column = self._bm25.vocab_dict.get(token)
        if column is None:
            return 0
        indptr = self._bm25.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def idf(self, token: str) -> float:
        """Inverse document frequency, smoothed; unknown tokens get the highest value."""
        return float(np.log(1 + (self._size + 1) / (self.document_frequency(token) + 0.5)))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (zeros when none is known)."""
        known = [t for t in tokens if t in self._bm25.vocab_dict]
        if not known or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        return self._bm25.get_scores(known)

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best-scoring rows for ``tokens``; with ``allowed`` (row numbers), only among those."""
        scores = self.scores(tokens)
        if allowed is not None:
            kept = np.zeros_like(scores)
            kept[allowed] = scores[allowed]
            scores = kept
        k = min(k, len(scores))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top, scores[top]

    def save(self, path: Path) -> None:
        self._bm25.save(str(path), show_progress=False)

    @classmethod
    def load(cls, path: Path, size: int, mmap: bool = False) -> "SparseIndex":
        """Read a saved index; ``mmap`` maps the score arrays read-only instead of copying them."""
        return cls(bm25s.BM25.load(str(path), mmap=mmap, show_progress=False), size)
