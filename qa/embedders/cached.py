"""Embedders that remember vectors instead of computing them again.

``QuestionCache``: the last questions a server process embedded, in memory (a repeated question costs nothing).
``DiskCachedEmbedder``: every text an evaluation run embedded, on disk between runs (chunk texts rarely change).
"""

import hashlib
import logging
import re
from collections import OrderedDict
from pathlib import Path
from threading import Lock

import numpy as np

from qa.embedders.protocol import Embedder

logger = logging.getLogger(__name__)


class QuestionCache:
    """An ``Embedder`` that remembers the vectors of the last ``size`` single texts it encoded.

    Only one-text calls (a question) are cached; batches (builds) go straight to the model.
    """

    def __init__(self, embedder: Embedder, size: int) -> None:
        if size < 0:
            raise ValueError(f"size must be >= 0, got {size}")
        self.inner = embedder
        self.name = embedder.name
        self.space = embedder.space
        self.dimension = embedder.dimension
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()
        self.hits = 0

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if len(texts) != 1 or not self.size:
            return self.inner.encode(texts, show_progress)
        text = texts[0]
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                self.hits += 1
                return vector[None, :]
        vector = self.inner.encode(texts)[0]
        vector.setflags(write=False)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector[None, :]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class DiskCachedEmbedder:
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
