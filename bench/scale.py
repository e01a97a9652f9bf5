"""Search side at 1M chunks: dense (FAISS, type chosen by size) + BM25 + fusion, without embedding.

A million chunks are composed straight from pool sentences (no article files, no chunking): each is
five sentences, most from one real article (as ``bench.corpus.recombined``). Its vector is the
normalised sum of its sentences' real-model vectors and its term counts the sum of theirs, so one
sparse matrix product each gives all vectors and all counts. Questions are real CMRC questions
embedded by the real model; only the search is timed (one thread, as the server runs it), and the
approximate index's top 10 are compared with an exact flat index's (recall@10).
"""

import statistics
import time
from collections.abc import Sequence
from typing import Any

import faiss
import numpy as np
import scipy.sparse as sp

from bench.context import Context
from qa.answering.retrieval import Query, Retriever
from qa.api.runtime import limit_threads
from qa.index.dense import DenseConfig, DenseIndex
from qa.index.sparse import SparseIndex
from qa.index.store import IndexData
from qa.index.terms import TermCounts
from qa.models import Chunk

SENTENCES_PER_CHUNK = 5
OWN_SHARE = 0.85


class SyntheticChunks(Sequence):
    """Chunk objects made on demand (fusion reads a few per question), four per article."""

    def __init__(self, size: int) -> None:
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, row):  # type: ignore[override]
        start = (row % 4) * 150
        return Chunk(f"c{row}", f"a{row // 4}", start, start + 200, f"chunk {row}")


def compose(ctx: Context, size: int, seed: int = 0) -> tuple[np.ndarray, TermCounts]:
    pool, sentence_row = ctx.pool, {s: i for i, s in enumerate(ctx.pool.sentences)}
    own = [
        np.array([sentence_row[s] for s in ss if s in sentence_row], dtype=np.int64) for ss in pool.article_sentences
    ]
    own = [o if len(o) else np.arange(len(pool.sentences)) for o in own]
    rng = np.random.default_rng(seed)
    source = rng.integers(len(own), size=size)
    picks = np.empty((size, SENTENCES_PER_CHUNK), dtype=np.int64)
    lengths = np.array([len(o) for o in own])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.concatenate(own)
    for slot in range(SENTENCES_PER_CHUNK):
        local = (rng.random(size) * lengths[source]).astype(np.int64)
        picks[:, slot] = flat[offsets[source] + local]
        stray = rng.random(size) > OWN_SHARE
        picks[stray, slot] = rng.integers(len(pool.sentences), size=int(stray.sum()))
    rows = np.repeat(np.arange(size), SENTENCES_PER_CHUNK)
    mix = sp.csr_matrix(
        (np.ones(rows.size, dtype=np.float32), (rows, picks.ravel())), shape=(size, len(pool.sentences))
    )
    vectors = mix @ ctx.composer.vectors
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sentence_counts = TermCounts.from_tokens([ctx.composer.tokens(s) for s in pool.sentences])
    counts = (mix.astype(np.int32) @ sentence_counts.matrix).tocsr()
    return np.ascontiguousarray(vectors, dtype=np.float32), TermCounts(sentence_counts.vocab, counts)


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(ctx: Context, size: int, queries: int, nprobes: list[int]) -> dict[str, Any]:
    started = time.perf_counter()
    vectors, counts = compose(ctx, size)
    compose_s = time.perf_counter() - started
    questions = ctx.pool.questions[:queries]
    query_vectors = ctx.embedder.encode(questions)
    query_tokens = [ctx.tokenizer.tokens(q) for q in questions]
    started = time.perf_counter()
    sparse = SparseIndex.from_counts(counts)
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    dense = DenseIndex.build(vectors, DenseConfig.from_settings(ctx.settings))
    dense_s = time.perf_counter() - started
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    del vectors
    _, truth = exact.search(query_vectors, 10)
    limit_threads(1)
    result: dict[str, Any] = {
        "chunks": size,
        "vocabulary": len(counts.vocab),
        "postings": int(counts.matrix.nnz),
        "compose_s": compose_s,
        "bm25_build_s": bm25_s,
        "dense_build_s": dense_s,
        "dense_kind": dense.kind,
        "queries": len(questions),
    }
    flat_ms = _timed(lambda v: exact.search(v[None, :], 30), query_vectors[:20])
    result["flat_ms"] = statistics.median(flat_ms)
    probes = []
    for nprobe in nprobes:
        dense.set_nprobe(nprobe)
        found = [dense.search(v, 10)[0] for v in query_vectors]
        recall = statistics.mean(len(set(f.tolist()) & set(t.tolist())) / 10 for f, t in zip(found, truth))
        ms = _timed(lambda v: dense.search(v, 30), query_vectors)
        probes.append({"nprobe": nprobe, "recall": recall, "p50": statistics.median(ms), "p95": _p95(ms)})
    result["probes"] = probes
    dense.set_nprobe(ctx.settings.dense_nprobe)
    result["nprobe"] = ctx.settings.dense_nprobe
    data = IndexData({}, SyntheticChunks(size), dense, sparse)  # type: ignore[arg-type]
    retriever = Retriever(data, ctx.embedder, ctx.tokenizer, ctx.settings.candidates)
    prepared = [Query(q, t, v) for q, t, v in zip(questions, query_tokens, query_vectors)]
    parts = {
        "dense": _timed(lambda q: dense.search(q.vector, ctx.settings.candidates), prepared),
        "bm25": _timed(lambda q: sparse.search(q.tokens, ctx.settings.candidates), prepared),
        "search (dense + BM25 + fusion)": _timed(lambda q: retriever.search(q, 5), prepared),
    }
    result["parts"] = {name: {"p50": statistics.median(ms), "p95": _p95(ms)} for name, ms in parts.items()}
    return result


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def render(r: dict[str, Any]) -> str:
    lines = [
        f"{r['chunks']:,} composed chunks, {r['vocabulary']:,} distinct tokens, {r['postings']:,} postings; "
        f"{r['queries']} CMRC questions, one thread. Composing took {r['compose_s']:.0f} s, BM25 weights "
        f"{r['bm25_build_s']:.0f} s, the {r['dense_kind']} index {r['dense_build_s']:.0f} s (k-means and adding).",
        "",
        "| step | p50 ms | p95 ms |",
        "| --- | ---: | ---: |",
    ]
    for name, v in r["parts"].items():
        lines.append(f"| {name} | {v['p50']:.1f} | {v['p95']:.1f} |")
    lines += [
        f"| (exact flat index, for comparison) | {r['flat_ms']:.1f} | |",
        "",
        f"Target: search side p50 <= 50 ms. The {r['dense_kind']} index against the exact one "
        f"(served with `QA_DENSE_NPROBE={r['nprobe']}`):",
        "",
        "| nprobe | recall@10 vs flat | p50 ms | p95 ms |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for p in r["probes"]:
        lines.append(f"| {p['nprobe']} | {p['recall']:.3f} | {p['p50']:.2f} | {p['p95']:.2f} |")
    return "\n".join(lines)
