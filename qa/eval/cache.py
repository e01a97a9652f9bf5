"""An embedder wrapper that remembers the vectors of texts it has seen, on disk between runs.

Embedding a corpus is the slow part of an evaluation run; chunk texts rarely change between runs,
so their vectors are kept in ``<cache_dir>/<model>.npz`` keyed by a hash of the text.
"""

import hashlib
import logging
import re
from pathlib import Path

import numpy as np

from qa.embedding import Embedder

logger = logging.getLogger(__name__)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class CachingEmbedder:
    """Same vectors as ``inner``; texts already embedded (this run or an earlier one) are not re-encoded."""

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.space = inner.space
        self.dimension = inner.dimension
        self.path = cache_dir / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', inner.space)}-{inner.dimension}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            try:
                with np.load(self.path) as stored:
                    self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("ignoring unreadable embedding cache %s: %s", self.path, exc)

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        keys = [_key(text) for text in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            by_key = dict(zip(keys, texts))
            fresh = self.inner.encode([by_key[k] for k in missing], show_progress=show_progress)
            self._vectors.update(zip(missing, fresh))
            self._save()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        keys = list(self._vectors)
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
        tmp.replace(self.path)
