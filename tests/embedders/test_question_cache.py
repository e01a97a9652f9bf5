"""The question cache: a repeated question is not embedded again; batches are never cached."""

import numpy as np
import pytest

from qa.embedders.cached import QuestionCache
from qa.embedders.hashing import HashEmbedder


class Counting(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts, show_progress=False):
        self.calls.append(list(texts))
        return super().encode(texts, show_progress)


def test_repeated_questions_are_served_from_the_cache_least_recent_evicted():
    inner = Counting()
    cache = QuestionCache(inner, size=2)
    first = cache.encode(["龙光塔在哪里"])
    np.testing.assert_array_equal(cache.encode(["龙光塔在哪里"]), first)
    cache.encode(["江南大学"])
    cache.encode(["荣智健"])  # evicts 龙光塔在哪里
    cache.encode(["龙光塔在哪里"])
    assert inner.calls == [["龙光塔在哪里"], ["江南大学"], ["荣智健"], ["龙光塔在哪里"]]
    assert cache.hits == 1 and (cache.name, cache.dimension) == (inner.name, inner.dimension)


def test_batches_and_a_zero_size_bypass_the_cache():
    inner = Counting()
    cache = QuestionCache(inner, size=0)
    cache.encode(["a"])
    cache.encode(["a"])
    QuestionCache(inner, size=8).encode(["b", "c"])
    assert inner.calls == [["a"], ["a"], ["b", "c"]]
    with pytest.raises(ValueError, match="size"):
        QuestionCache(inner, size=-1)
