"""Dense and keyword search of one version in Milvus, shaped as ``DenseSearch`` and ``KeywordSearch``.

Rows the read path sees are positions in ``IndexData.chunks``; Milvus knows each chunk by its row
number in the generation (``rows``, ascending), so results are mapped back with a binary search.
"""

from collections import OrderedDict
from typing import Any

import numpy as np

from qa.index.milvus.layout import query_vector, visible

MAX_LIMIT = 16_384  # Milvus's largest top-k
MAX_LISTED = 16_384  # rows named in a filter; a larger allowed set is filtered after the search
VECTOR_CACHE = 4096  # stored vectors kept per version (``vector`` is asked for a few rows per question)


class _Search:
    def __init__(self, client: Any, collection: str, seq: int, rows: np.ndarray) -> None:
        self.client = client
        self.collection = collection
        self.seq = seq
        self.rows = rows  # Milvus row number of each position, ascending

    def __len__(self) -> int:
        return len(self.rows)

    def _search(self, query: Any, field: str, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.rows))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        expression = visible(self.seq)
        limit = k
        if allowed is not None:
            if len(allowed) <= MAX_LISTED:
                listed = ",".join(str(int(row)) for row in self.rows[np.asarray(allowed, dtype=np.int64)])
                expression += f" and row in [{listed}]"
            else:
                limit = MAX_LIMIT
        params = {"metric_type": "IP", "params": {"ef": max(64, limit)}}
        hits = self.client.search(
            self.collection,
            data=[query],
            anns_field=field,
            limit=min(limit, MAX_LIMIT),
            filter=expression,
            output_fields=["row"],
            search_params=params,
        )[0]
        found = np.asarray([hit.id for hit in hits], dtype=np.int64)
        scores = np.asarray([hit["distance"] for hit in hits], dtype=np.float32)
        positions = np.searchsorted(self.rows, found)
        if allowed is not None and limit != k:
            keep = np.isin(positions, allowed)
            positions, scores = positions[keep][:k], scores[keep][:k]
        return positions.astype(np.int64), scores


class MilvusDense(_Search):
    """Inner product over the chunks' vectors (exact in a FLAT generation, HNSW in a large one)."""

    def __init__(self, client: Any, collection: str, seq: int, rows: np.ndarray, dimension: int) -> None:
        super().__init__(client, collection, seq, rows)
        self._dimension = dimension
        self._vectors: OrderedDict[int, np.ndarray] = OrderedDict()

    @property
    def dimension(self) -> int:
        return self._dimension

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self._search(np.asarray(query, dtype=np.float32).tolist(), "dense", k, allowed)

    def vector(self, row: int) -> np.ndarray:
        vector = self._vectors.get(row)
        if vector is None:
            found = self.client.get(self.collection, ids=[int(self.rows[row])], output_fields=["dense"])
            vector = np.asarray(found[0]["dense"], dtype=np.float32)
            self._vectors[row] = vector
            if len(self._vectors) > VECTOR_CACHE:
                self._vectors.popitem(last=False)
        return vector

    def set_nprobe(self, nprobe: int) -> None:
        """Milvus chooses how much of its index to scan (``ef`` follows the number of candidates)."""


class MilvusSparse(_Search):
    """BM25: the build's weights per chunk token, summed over the question's tokens (inner product)."""

    @property
    def documents(self) -> int:
        return len(self.rows)

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        vector = query_vector(tokens)
        if not vector:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        positions, scores = self._search(vector, "sparse", k, allowed)
        keep = scores > 0
        return positions[keep], scores[keep]
