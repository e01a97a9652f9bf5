"""Term counts per chunk, kept with each version, and the BM25 index computed from them in one pass.

bm25s builds its score matrix document by document in Python (about 8 s for 100k chunks here) and
keeps no term counts, so every update would tokenise or read back the tokens of every chunk and
build again. A version therefore also stores its chunks' term counts (``terms.npz``: a sparse
chunks x vocabulary matrix and the vocabulary); an update takes the rows of unchanged chunks from
the previous version, adds rows for new chunks, and recomputes every BM25 weight with numpy (the
weights change with every document added: document frequencies and the average length move).

The weights are bm25s's own (its default ``lucene`` variant: k1 = 1.5, b = 0.75), put into a
``bm25s.BM25`` object, which is saved, loaded and searched as before.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import scipy.sparse as sp

K1 = 1.5
B = 0.75
FILE = "terms.npz"


@dataclass
class TermCounts:
    """Row ``i``: how often each vocabulary token occurs in chunk ``i``."""

    vocab: list[str]
    matrix: sp.csr_matrix  # chunks x len(vocab), int32 counts

    @classmethod
    def from_tokens(cls, documents: Sequence[Sequence[str]], vocab: Sequence[str] = ()) -> "TermCounts":
        """Counts of ``documents``; columns of ``vocab`` keep their position, new tokens are appended."""
        columns = {token: i for i, token in enumerate(vocab)}
        indptr = np.zeros(len(documents) + 1, dtype=np.int64)
        ids: list[int] = []
        for row, tokens in enumerate(documents):
            for token in tokens:
                column = columns.get(token)
                if column is None:
                    column = columns[token] = len(columns)
                ids.append(column)
            indptr[row + 1] = len(ids)
        data = np.ones(len(ids), dtype=np.int32)
        # Duplicates within a row are summed by the conversion.
        matrix = sp.csr_matrix((data, np.asarray(ids, dtype=np.int32), indptr), shape=(len(documents), len(columns)))
        matrix.sum_duplicates()
        return cls(list(columns), matrix)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def take(self, rows: np.ndarray) -> "TermCounts":
        """Only ``rows``, in that order (same vocabulary)."""
        return TermCounts(self.vocab, self.matrix[np.asarray(rows, dtype=np.int64)])

    def extend(self, documents: Sequence[Sequence[str]]) -> "TermCounts":
        """These rows followed by the counts of ``documents`` (the vocabulary grows as needed)."""
        new = TermCounts.from_tokens(documents, self.vocab)
        old = self.matrix
        old.resize((old.shape[0], len(new.vocab)))
        return TermCounts(new.vocab, sp.vstack([old, new.matrix], format="csr"))

    def save(self, path: Path) -> None:
        m = self.matrix
        with path.open("wb") as handle:
            np.savez(
                handle,
                data=m.data,
                indices=m.indices,
                indptr=m.indptr,
                shape=np.asarray(m.shape),
                vocab=np.frombuffer(json.dumps(self.vocab, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            )

    @classmethod
    def load(cls, path: Path) -> "TermCounts":
        with np.load(path) as parts:
            shape = tuple(int(x) for x in parts["shape"])
            matrix = sp.csr_matrix((parts["data"], parts["indices"], parts["indptr"]), shape=shape)
            vocab = json.loads(parts["vocab"].tobytes().decode("utf-8"))
        if len(vocab) != shape[1]:
            raise ValueError(f"{path}: {len(vocab)} vocabulary entries for {shape[1]} columns")
        return cls(vocab, matrix)


def bm25_weights(counts: TermCounts) -> sp.csr_matrix:
    """bm25s's weight of every (chunk, token): a chunk's score for a query is the sum over the query's tokens."""
    m = counts.matrix
    n_docs, n_vocab = m.shape
    lengths = np.asarray(m.sum(axis=1)).ravel().astype(np.float32)
    avg = float(lengths.mean()) if n_docs else 0.0
    df = np.bincount(m.indices, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    rows = np.repeat(np.arange(n_docs), np.diff(m.indptr))
    tf = m.data.astype(np.float32)
    norm = K1 * ((1 - B) + B * lengths[rows] / max(avg, 1e-9))
    return sp.csr_matrix((idf[m.indices] * tf / (norm + tf), m.indices, m.indptr), shape=m.shape)


def bm25_from_counts(counts: TermCounts) -> bm25s.BM25:
    """The bm25s index these counts make, with bm25s's weights, computed for all chunks at once."""
    weights = bm25_weights(counts).tocsc()
    n_docs = len(counts)
    weights.sort_indices()
    bm25 = bm25s.BM25(k1=K1, b=B)
    bm25.scores = {
        "data": weights.data.astype(np.float32),
        "indices": weights.indices.astype(np.int32),
        "indptr": weights.indptr.astype(np.int32 if weights.nnz < 2**31 else np.int64),
        "num_docs": n_docs,
    }
    bm25.vocab_dict = {token: i for i, token in enumerate(counts.vocab)}
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None  # the lucene variant has none
    return bm25
