from pathlib import Path

import numpy as np

from qa.embedders.cached import DiskCachedEmbedder
from qa.embedders.hashing import HashEmbedder


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts, show_progress=False):
        self.encoded.extend(texts)
        return super().encode(texts, show_progress)


def test_vectors_are_the_inner_embedder_s_and_each_text_is_embedded_once(tmp_path: Path):
    inner = CountingEmbedder()
    cached = DiskCachedEmbedder(inner, tmp_path)
    texts = ["甲", "乙", "甲"]
    vectors = cached.encode(texts)
    assert np.allclose(vectors, HashEmbedder().encode(texts))
    assert inner.encoded == ["甲", "乙"]
    # A new run reads the vectors from disk and only embeds what is new.
    again = CountingEmbedder()
    assert np.allclose(DiskCachedEmbedder(again, tmp_path).encode(["乙", "丙"]), HashEmbedder().encode(["乙", "丙"]))
    assert again.encoded == ["丙"]
    assert DiskCachedEmbedder(again, tmp_path).encode([]).shape == (0, 64)


def test_an_unreadable_cache_is_ignored(tmp_path: Path):
    inner = CountingEmbedder()
    DiskCachedEmbedder(inner, tmp_path).path.write_bytes(b"not a numpy file")
    assert DiskCachedEmbedder(inner, tmp_path).encode(["甲"]).shape == (1, 64)
