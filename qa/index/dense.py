"""Dense vector index: FAISS inner product over L2-normalised vectors (= cosine similarity).

The index type follows the size: an exact flat index while scanning every vector is fast enough
(``DenseConfig.flat_max`` vectors), beyond that an inverted-file index (IVF) that scans only the
``nprobe`` lists nearest to the question. Its lists come from spherical k-means over a sample of the
vectors; a build whose previous version has lists for about as many vectors reuses them instead of
training again (an update of a few articles must not cost a k-means). ``bench/`` reports its
recall against the flat index.
"""

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np

if TYPE_CHECKING:
    from qa.settings import Settings

logger = logging.getLogger(__name__)

TRAIN_POINTS_PER_LIST = 64  # k-means sample: this many vectors per list (faiss wants at least 39)


@dataclass(frozen=True)
class DenseConfig:
    """How to index vectors: flat up to ``flat_max`` vectors, else IVF searching ``nprobe`` lists."""

    flat_max: int = 20_000
    nprobe: int = 16

    def __post_init__(self) -> None:
        if self.flat_max < 0:
            raise ValueError(f"flat_max must be >= 0, got {self.flat_max}")
        if self.nprobe < 1:
            raise ValueError(f"nprobe must be >= 1, got {self.nprobe}")

    @classmethod
    def from_settings(cls, settings: "Settings") -> "DenseConfig":
        """``QA_DENSE_FLAT_MAX`` and ``QA_DENSE_NPROBE``."""
        return cls(flat_max=settings.dense_flat_max, nprobe=settings.dense_nprobe)


def list_count(vectors: int) -> int:
    """IVF lists for ``vectors`` vectors: the power of two nearest to their square root (256 for 100k).

    Rounding to a power of two keeps the count stable across small updates, so lists are reused.
    """
    return max(16, 2 ** round(math.log2(math.sqrt(max(vectors, 1)))))


class DenseIndex:
    """Rows are chunk positions; ``search`` returns (rows, scores) best first."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index
        ivf = _ivf(index)
        if ivf is not None and ivf.ntotal and not ivf.direct_map.type:
            ivf.make_direct_map()  # lets ``vector(row)`` read a row back

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        config: DenseConfig | None = None,
        previous: "DenseIndex | None" = None,
        lists: np.ndarray | None = None,
    ) -> "DenseIndex":
        """Index ``vectors``; IVF lists of ``previous`` are reused when it has as many as these need.

        ``lists`` (from ``previous.take``) gives the list of each vector already in ``previous``, -1 for
        the others: with reused lists, only those are assigned (a search per vector otherwise)."""
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-d array, got shape {vectors.shape}")
        config = config or DenseConfig()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dimension = vectors.shape
        if n <= config.flat_max:
            dense = cls.empty(dimension)
            dense._index.add(vectors)
            return dense
        nlist = list_count(n)
        centroids = previous.centroids() if previous is not None else None
        quantizer = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        if centroids is not None and centroids.shape == (nlist, dimension):
            quantizer.add(centroids)
            index.is_trained = True
            if lists is not None and len(lists) == n:
                lists = np.array(lists, dtype=np.int64)
                new = np.flatnonzero(lists < 0)
                if len(new):
                    lists[new] = quantizer.search(vectors[new], 1)[1][:, 0]
                index.nprobe = min(config.nprobe, nlist)
                index.add_core(n, faiss.swig_ptr(vectors), None, faiss.swig_ptr(lists))
                index.make_direct_map()
                return cls(index)
        else:
            index.cp.spherical = True  # centroids on the unit sphere, as the vectors are
            sample = vectors
            if n > TRAIN_POINTS_PER_LIST * nlist:
                rows = np.random.default_rng(0).choice(n, TRAIN_POINTS_PER_LIST * nlist, replace=False)
                sample = vectors[np.sort(rows)]
            index.train(sample)
            logger.info("trained %d IVF lists on %d of %d vectors", nlist, len(sample), n)
        index.nprobe = min(config.nprobe, nlist)
        index.add(vectors)
        index.make_direct_map()
        return cls(index)

    @classmethod
    def empty(cls, dimension: int) -> "DenseIndex":
        return cls(faiss.IndexFlatIP(dimension))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        """``flat`` or ``ivf<lists>`` (what the manifest and the benchmark report)."""
        ivf = _ivf(self._index)
        return "flat" if ivf is None else f"ivf{ivf.nlist}"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def vector(self, row: int) -> np.ndarray:
        """The stored vector of one row."""
        return self._index.reconstruct(int(row))

    def vectors(self) -> np.ndarray:
        """Every stored vector, in row order: a read-only view of a flat index's vectors, else a copy."""
        n, d = len(self), self.dimension
        if not n:
            return np.zeros((0, d), dtype=np.float32)
        ivf = _ivf(self._index)
        if ivf is None:
            if isinstance(self._index, faiss.IndexFlat):
                view = faiss.rev_swig_ptr(self._index.get_xb(), n * d).reshape(n, d)
                view.flags.writeable = False
                return view
            return self._index.reconstruct_n(0, n)
        # List by list (reconstruct_n looks every row up through the direct map: several times slower).
        out = np.empty((n, d), dtype=np.float32)
        lists = ivf.invlists
        for number in range(ivf.nlist):
            size = lists.list_size(number)
            if size:
                ids = faiss.rev_swig_ptr(lists.get_ids(number), size)
                codes = faiss.rev_swig_ptr(lists.get_codes(number), size * ivf.code_size)
                out[ids] = codes.view(np.float32).reshape(size, d)
        return out

    def take(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Vectors of ``rows`` in that order (zeros where a row is -1) and, for an IVF index, the list each
        row is in (-1 where the row is -1); None for a flat index. One pass over the index's lists."""
        rows = np.asarray(rows, dtype=np.int64)
        present = rows >= 0
        ivf = _ivf(self._index)
        unique = np.bincount(rows[present], minlength=1).max(initial=0) <= 1
        if ivf is None or not unique:
            vectors = np.take(self.vectors(), np.where(present, rows, 0), axis=0)
            vectors[~present] = 0
            return vectors, None
        d = self.dimension
        out = np.zeros((len(rows), d), dtype=np.float32)
        lists = np.full(len(rows), -1, dtype=np.int64)
        position = np.full(len(self), -1, dtype=np.int64)
        position[rows[present]] = np.flatnonzero(present)
        for number, at, codes in _lists(ivf, position):
            wanted = at >= 0
            out[at[wanted]] = codes[wanted].view(np.float32)
            lists[at[wanted]] = number
        return out, lists

    def extended(
        self, origin: np.ndarray, new_vectors: np.ndarray, config: DenseConfig | None = None
    ) -> "DenseIndex | None":
        """A new IVF index whose row ``i`` is this index's row ``origin[i]``, or, where that is -1, the next of
        ``new_vectors``: kept rows are copied list by list (no vector gathered, none assigned again), new ones
        assigned to the same lists. None when that does not apply (a flat index, or a size that needs
        another number of lists or a flat index): build from all vectors then."""
        config = config or DenseConfig()
        ivf = _ivf(self._index)
        origin = np.asarray(origin, dtype=np.int64)
        n, present = len(origin), origin >= 0
        if ivf is None or n <= config.flat_max or list_count(n) != ivf.nlist:
            return None
        if len(origin) and np.bincount(origin[present], minlength=1).max(initial=0) > 1:
            return None  # a row taken twice: not a copy of lists
        d = self.dimension
        quantizer = faiss.IndexFlatIP(d)
        quantizer.add(self.centroids())
        index = faiss.IndexIVFFlat(quantizer, d, ivf.nlist, faiss.METRIC_INNER_PRODUCT)
        index.is_trained = True
        index.nprobe = min(config.nprobe, ivf.nlist)
        position = np.full(len(self), -1, dtype=np.int64)
        position[origin[present]] = np.flatnonzero(present)
        target = index.invlists
        for number, at, codes in _lists(ivf, position):
            keep = at >= 0
            if not keep.any():
                continue
            ids, kept = np.ascontiguousarray(at[keep]), np.ascontiguousarray(codes[keep])  # alive during the call
            target.add_entries(number, len(ids), faiss.swig_ptr(ids), faiss.swig_ptr(kept))
        index.ntotal = int(present.sum())
        new_rows = np.flatnonzero(~present)
        if len(new_rows):
            new = np.ascontiguousarray(new_vectors, dtype=np.float32).reshape(len(new_rows), d)
            lists = np.ascontiguousarray(quantizer.search(new, 1)[1][:, 0], dtype=np.int64)
            index.add_core(len(new_rows), faiss.swig_ptr(new), faiss.swig_ptr(new_rows), faiss.swig_ptr(lists))
        index.make_direct_map()
        return DenseIndex(index)

    def centroids(self) -> np.ndarray | None:
        """The IVF list centroids, or None for a flat index."""
        ivf = _ivf(self._index)
        if ivf is None:
            return None
        return ivf.quantizer.reconstruct_n(0, ivf.nlist)

    def set_nprobe(self, nprobe: int) -> None:
        """Lists an IVF index scans per search (more: closer to exact, slower); no effect on a flat one."""
        ivf = _ivf(self._index)
        if ivf is not None:
            ivf.nprobe = max(1, min(int(nprobe), ivf.nlist))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` rows nearest ``query``, best first; with ``allowed`` (row numbers), only among those."""
        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        vector = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            scores, rows = self._index.search(vector, k)
        else:
            scores, rows = self._index.search(vector, k, params=self._only(allowed))
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def _only(self, allowed: np.ndarray) -> "faiss.SearchParameters":
        """Search parameters keeping to ``allowed`` rows. An IVF index scans every list for a narrow selection:
        the few allowed rows may lie outside the lists nearest the query."""
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        ivf = _ivf(self._index)
        if ivf is None:
            return faiss.SearchParameters(sel=selector)
        nprobe = ivf.nlist if len(allowed) * 10 < len(self) else ivf.nprobe
        return faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, mmap: bool = False) -> "DenseIndex":
        """Read a saved index; ``mmap`` maps the file instead of copying it (read-only, shared between processes).

        ``IO_FLAG_MMAP_IFC`` is the flag that maps a flat index's vectors (and an IVF index's lists) in
        place (``IO_FLAG_MMAP`` alone still copies them into memory).
        """
        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mmap else 0))


def _ivf(index: faiss.Index) -> "faiss.IndexIVF | None":
    return faiss.try_extract_index_ivf(index)


def _lists(ivf: faiss.IndexIVF, position: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Each non-empty list of ``ivf``: its number, ``position`` of each entry's row, and the entries' codes
    (one row of ``code_size`` bytes each: the float32 vector of a flat IVF index), read in place."""
    invlists = ivf.invlists
    for number in range(ivf.nlist):
        size = invlists.list_size(number)
        if size:
            at = position[faiss.rev_swig_ptr(invlists.get_ids(number), size)]
            codes = faiss.rev_swig_ptr(invlists.get_codes(number), size * ivf.code_size).reshape(size, ivf.code_size)
            yield number, at, codes
