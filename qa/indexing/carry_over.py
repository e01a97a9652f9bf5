"""What an update takes over from the previous version: the vectors and term counts of unchanged chunks.

An unchanged article keeps its chunks, and their rows in the previous version hold everything the
new version needs of them: the vector (in ``dense.faiss``) and the term counts (in ``terms.npz``).
Taking them over in bulk costs a copy, where the cache (qa/index/chunk_cache.py) costs a database lookup
and a decode per chunk: at 100k chunks, a fraction of a second instead of several seconds. Only the
chunks of new and changed articles go through the cache and the embedder.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.embedders.protocol import Embedder
from qa.index.dense import DenseConfig, DenseIndex
from qa.index.store import manifest_space, read_terms
from qa.index.terms import TermCounts

if TYPE_CHECKING:
    from qa.indexing.previous import Previous

logger = logging.getLogger(__name__)


@dataclass
class CarriedOver:
    """The previous version's parts, for the rows ``origin`` points at."""

    origin: np.ndarray  # per new chunk: its row in the previous version, -1 for a new text
    dense: DenseIndex | None  # None: vectors cannot be taken over (other model, unreadable)
    terms: TermCounts | None  # None: that version has no term counts
    stale_terms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def _origin(self, part: object) -> np.ndarray:
        return self.origin if part is not None else np.full(len(self.origin), -1, dtype=np.int64)

    def retokenize(self, positions: list[int]) -> None:
        """Take no term counts over for the chunks at ``positions`` (segmented differently now)."""
        self.stale_terms = np.asarray(positions, dtype=np.int64)

    def _term_origin(self) -> np.ndarray:
        origin = self._origin(self.terms)
        if len(self.stale_terms):
            origin = origin.copy()
            origin[self.stale_terms] = -1
        return origin

    def vector_origin(self) -> np.ndarray:
        """Per chunk: the previous row its vector is taken from, -1 for ``need_vectors()`` chunks."""
        return self._origin(self.dense)

    def need_vectors(self) -> np.ndarray:
        """Positions of the chunks whose vectors must come from elsewhere (cache, embedder)."""
        return np.flatnonzero(self._origin(self.dense) < 0)

    def carried_rows(self) -> set[int]:
        """Rows of the previous version whose vectors are taken over."""
        return set(self.origin[self.origin >= 0].tolist()) if self.dense is not None else set()

    def need_tokens(self) -> np.ndarray:
        """Positions of the chunks whose tokens must come from elsewhere (cache, tokenizer)."""
        return np.flatnonzero(self._term_origin() < 0)

    def vectors(self, new_vectors: np.ndarray, dimension: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Vectors of all chunks in order: kept rows from the previous version, ``need_vectors()`` rows given;
        and for an IVF previous version, the list of each kept row (-1 for the others), for ``DenseIndex.build``."""
        origin = self._origin(self.dense)
        new = np.flatnonzero(origin < 0)
        if self.dense is None or len(new) == len(origin):
            return np.ascontiguousarray(new_vectors, dtype=np.float32).reshape(len(new), dimension), None
        vectors, lists = self.dense.take(origin)
        vectors[new] = new_vectors.reshape(len(new), dimension)
        return vectors, lists

    def term_counts(self, new_tokens: list[list[str]]) -> TermCounts:
        """Term counts of all chunks in order: kept rows from the previous version, ``need_tokens()`` rows given."""
        origin = self._term_origin()
        kept, new = np.flatnonzero(origin >= 0), np.flatnonzero(origin < 0)
        if self.terms is None:
            return TermCounts.from_tokens(new_tokens)
        combined = self.terms.take(origin[kept]).extend(new_tokens)
        order = np.empty(len(origin), dtype=np.int64)
        order[kept] = np.arange(len(kept))
        order[new] = len(kept) + np.arange(len(new))
        return combined.take(order)


def carry_over(
    version_dir: Path, origin: list[int], rows: int, space: str, dimension: int, manifest: dict
) -> CarriedOver:
    """Open the parts of ``version_dir`` (``rows`` chunks) that the chunks at ``origin`` can take over."""
    origin_array = np.asarray(origin, dtype=np.int64)
    dense = terms = None
    try:
        if manifest_space(manifest) == space and manifest.get("dimension") == dimension:
            dense = DenseIndex.load(version_dir / "dense.faiss", mmap=True)
            if len(dense) != rows:
                dense = None
    except Exception as exc:  # only an optimisation: the cache has the vectors too
        logger.warning("cannot take vectors over from %s: %s", version_dir, exc)
        dense = None
    try:
        terms = read_terms(version_dir)
        if terms is not None and len(terms) != rows:
            terms = None
    except Exception as exc:
        logger.warning("cannot take term counts over from %s: %s", version_dir, exc)
        terms = None
    return CarriedOver(origin_array, dense, terms)


def nothing_carried(count: int) -> CarriedOver:
    return CarriedOver(np.full(count, -1, dtype=np.int64), None, None)


def carried_from(
    reuse: "Previous | None", origin: list[int], count: int, embedder: Embedder, tokens_kind: str
) -> CarriedOver:
    """Vectors and term counts of the chunks taken over from the previous version."""
    if reuse is None or not any(row >= 0 for row in origin):
        return nothing_carried(count)
    carried = carry_over(reuse.version_dir, origin, len(reuse.rows), embedder.space, embedder.dimension, reuse.manifest)
    if reuse.manifest.get("tokens") != tokens_kind:
        carried.terms = None  # segmented by another tokenizer: every chunk is tokenised (or found in the cache)
    return carried


def dense_index(carried: CarriedOver, new_vectors: np.ndarray, dimension: int, config: DenseConfig) -> DenseIndex:
    """The new version's vector index: the previous IVF lists extended, or built from all vectors."""
    if not len(carried.origin):
        return DenseIndex.empty(dimension)
    if carried.dense is not None:  # IVF: copy the previous lists, add the new rows
        extended = carried.dense.extended(carried.vector_origin(), new_vectors, config)
        if extended is not None:
            return extended
    vectors, lists = carried.vectors(new_vectors, dimension)
    return DenseIndex.build(vectors, config, previous=carried.dense, lists=lists)
