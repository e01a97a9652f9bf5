"""The dense index type follows the size: exact flat, then IVF (lists reused by the next build)."""

from pathlib import Path

import numpy as np
import pytest

from qa.index.dense import DenseConfig, DenseIndex, list_count


def _vectors(n: int, d: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_flat_up_to_the_threshold_ivf_beyond():
    x = _vectors(3000)
    assert DenseIndex.build(x, DenseConfig(flat_max=3000)).kind == "flat"
    ivf = DenseIndex.build(x, DenseConfig(flat_max=2999, nprobe=8))
    assert ivf.kind == f"ivf{list_count(3000)}"
    for row in (0, 1234, 2999):  # every vector finds itself, and reads back exactly
        rows, scores = ivf.search(x[row], 3)
        assert rows[0] == row and scores[0] == pytest.approx(1.0, abs=1e-5)
        np.testing.assert_array_equal(ivf.vector(row), x[row])
    np.testing.assert_array_equal(ivf.vectors(), x)


def test_ivf_saved_mapped_and_its_lists_reused(tmp_path: Path):
    x = _vectors(4000, seed=1)
    built = DenseIndex.build(x, DenseConfig(flat_max=100, nprobe=4))
    built.save(tmp_path / "dense.faiss")
    mapped = DenseIndex.load(tmp_path / "dense.faiss", mmap=True)
    assert mapped.kind == built.kind and mapped.search(x[7], 1)[0][0] == 7
    np.testing.assert_array_equal(mapped.vectors(), x)
    grown = DenseIndex.build(np.vstack([x, _vectors(50, seed=2)]), DenseConfig(flat_max=100), previous=mapped)
    np.testing.assert_array_equal(grown.centroids(), built.centroids())  # no k-means: the lists are kept
    assert len(grown) == 4050 and grown.search(x[4000 - 1], 1)[0][0] == 3999


def test_rows_taken_with_their_lists_build_the_same_index():
    x = _vectors(3000, seed=5)
    config = DenseConfig(flat_max=100, nprobe=4)
    previous = DenseIndex.build(x, config)
    origin = np.concatenate([np.arange(2000, 3000), [-1] * 10, np.arange(0, 1500)])  # reordered, 500 dropped, 10 new
    taken, lists = previous.take(origin)
    new = _vectors(10, seed=6)
    taken[origin < 0] = new
    expected = np.concatenate([x[2000:3000], new, x[:1500]])
    np.testing.assert_array_equal(taken, expected)
    assert lists is not None and (lists[origin < 0] == -1).all() and (lists[origin >= 0] >= 0).all()
    fast = DenseIndex.build(taken, config, previous=previous, lists=lists)
    slow = DenseIndex.build(taken, config, previous=previous)
    copied = previous.extended(origin, new, config)  # lists copied, not vectors
    assert copied is not None and len(copied) == len(expected)
    for built in (fast, copied):
        np.testing.assert_array_equal(built.vectors(), expected)
        np.testing.assert_array_equal(built.vector(1005), new[5])
        for q in _vectors(20, seed=7):
            assert sorted(built.search(q, 5)[0].tolist()) == sorted(slow.search(q, 5)[0].tolist())
    assert previous.extended(origin, new, DenseConfig(flat_max=10_000)) is None  # small enough for flat now


def test_nprobe_trades_recall_for_time():
    x = _vectors(5000, seed=3)
    exact = DenseIndex.build(x)
    ivf = DenseIndex.build(x, DenseConfig(flat_max=0, nprobe=1))
    queries = _vectors(50, seed=4)

    def recall() -> float:
        return np.mean([len(set(ivf.search(q, 10)[0]) & set(exact.search(q, 10)[0])) / 10 for q in queries])

    low = recall()
    ivf.set_nprobe(10_000)  # every list: exact
    assert recall() == 1.0 and low < 1.0


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="nprobe"):
        DenseConfig(nprobe=0)
