"""Vectors of recently asked questions, so a repeated question is not embedded again."""

from collections import OrderedDict
from threading import Lock

import numpy as np

from qa.embedding import Embedder


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
