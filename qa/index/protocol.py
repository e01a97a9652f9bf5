"""What the read path needs of an index store: the served version's name, a version loaded, the searches.

Two stores implement it: ``FaissStore`` (qa/index/stores.py: version folders on local disk, FAISS and
bm25s in memory) and ``MilvusStore`` (qa/index/milvus/: versions published to Milvus, searched there).
Retrieval, answering and the API see only these protocols and ``IndexData``.
"""

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from qa.index.store import IndexData


class DenseSearch(Protocol):
    """Nearest chunk vectors by inner product. Rows are positions in ``IndexData.chunks``."""

    @property
    def dimension(self) -> int: ...

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best rows and their scores, best first; with ``allowed`` (row numbers), only among those."""
        ...

    def vector(self, row: int) -> np.ndarray:
        """The stored vector of one row."""
        ...

    def set_nprobe(self, nprobe: int) -> None:
        """Lists an approximate index scans per question (a no-op where the store decides)."""
        ...


class KeywordSearch(Protocol):
    """BM25 over the chunks' jieba tokens. Rows are positions in ``IndexData.chunks``."""

    @property
    def documents(self) -> int: ...

    def __len__(self) -> int: ...

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best-scoring rows for ``tokens`` (only positive scores), best first."""
        ...


class VersionStore(Protocol):
    """Where servers find the served version and load it. ``kind`` names the store in /health and logs."""

    kind: str

    def current(self) -> str:
        """The name of the version to serve; ``IndexNotReady`` when none was ever published, ``IndexStoreError``
        when the pointer cannot be read."""
        ...

    def versions(self) -> list[str]:
        """Names of the kept versions, oldest first (a server falls back to the newest one that loads)."""
        ...

    def load(self, name: str, model: str | None) -> "IndexData":
        """Version ``name`` ready to search; ``IndexIncompatible`` when built with another model or format,
        ``IndexStoreError`` when damaged or gone."""
        ...
