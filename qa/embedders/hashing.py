"""A model-free embedder for tests and benchmarks of the plumbing: deterministic, instant, not semantic."""

import hashlib

import numpy as np

HASH_MODEL = "hash-test"


class HashEmbedder:
    """Deterministic character-bigram hashing embedder: no model, for fast tests of the plumbing."""

    def __init__(self, dimension: int = 64, name: str = HASH_MODEL) -> None:
        self.name = name
        self.space = name
        self.dimension = dimension

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in (text[i : i + 2] for i in range(max(len(text) - 1, 1))):
                bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                vectors[row, bucket % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
