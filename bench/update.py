"""Incremental update: 10 new articles into a 100k-chunk index, embedded by the real model.

The base index is composed (``bench.context.Context.composed_index``: real text, composed vectors
and tokens seeded in the cache, built by the ordinary build). Each round writes 10 new recombined
articles as a new JSON Lines file and runs the ordinary incremental build, which must read the new
file, chunk and embed the new articles, take everything else over from the previous version,
rebuild BM25 and FAISS and write the new version. Embedding time is measured apart.
"""

import statistics
import time
from typing import Any

import numpy as np

from bench.context import Context
from bench.corpus import new_articles, write_corpus
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.indexing.previous import VersionMemory

ARTICLES = 10


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent embedding."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.space, self.dimension = inner, inner.name, inner.space, inner.dimension
        self.seconds = 0.0

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode(texts, show_progress)
        finally:
            self.seconds += time.perf_counter() - started


def run(ctx: Context, base_chunks: int, rounds: int) -> dict[str, Any]:
    s = ctx.settings
    corpus, index, base, seeded = ctx.composed_index(base_chunks)
    embedder = TimedEmbedder(ctx.embedder)
    rows = []
    # The first update reads the previous version from disk, as `build_index.py` does in a new process; later
    # ones take it from memory, as the server's admin API does (the version it wrote last). Rounds alternate.
    memory = VersionMemory()
    for r in range(2 * rounds):
        fresh = r % 2 == 0
        if fresh:
            memory.forget()
        write_corpus(corpus / f"new-{r}", new_articles(ctx.pool, ARTICLES, seed=100 + r))
        embedder.seconds = 0.0
        started = time.perf_counter()
        summary = build_index(
            corpus,
            index,
            embedder,
            ctx.tokenizer,
            BuildOptions.from_settings(s, keep_versions=2),
            memory=memory,
        )
        seconds = time.perf_counter() - started
        if summary.added != ARTICLES:
            raise RuntimeError(f"update {r} added {summary.added} articles, expected {ARTICLES}")
        rows.append(
            {
                "seconds": seconds,
                "embed_s": embedder.seconds,
                "embedded": summary.embedded,
                "chunks": summary.chunks,
                "fresh": fresh,
            }
        )
    warm = [r for r in rows if not r["fresh"]]
    cold = [r for r in rows if r["fresh"]]
    return {
        "base_chunks": base.chunks,
        "base_articles": base.articles,
        "base_build_s": base.seconds,
        "seed_s": seeded,
        "dense_kind": _dense_kind(index),
        "rounds": rows,
        "update_s": statistics.median(r["seconds"] for r in warm),
        "embed_s": statistics.median(r["embed_s"] for r in warm),
        "other_s": statistics.median(r["seconds"] - r["embed_s"] for r in warm),
        "embedded": statistics.median(r["embedded"] for r in warm),
        "cold_update_s": statistics.median(r["seconds"] for r in cold),
        "cold_other_s": statistics.median(r["seconds"] - r["embed_s"] for r in cold),
    }


def _dense_kind(index) -> str:
    from qa.index.store import current_version_dir, read_manifest

    return read_manifest(current_version_dir(index)).get("dense_index", "?")


def render(r: dict[str, Any]) -> str:
    lines = [
        f"Base: {r['base_articles']:,} articles, {r['base_chunks']:,} chunks (dense index {r['dense_kind']}), "
        f"built from seeded vectors and tokens in {r['base_build_s']:.1f} s "
        f"(seeding {r['seed_s']:.1f} s; neither timed below).",
        "",
        "Odd updates read the previous version from disk, as `build_index.py` does in a new process (its model",
        "loading, 2-3 s, not counted); even ones find it in memory, as the server's admin API does after its",
        "own last update (`POST /articles`, `POST /admin/reindex`).",
        "",
        "| update | previous version | seconds | of which embedding | chunks embedded | chunks after |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for n, row in enumerate(r["rounds"], start=1):
        where = "read from disk" if row["fresh"] else "in memory"
        lines.append(
            f"| {n}: +{ARTICLES} articles | {where} | {row['seconds']:.2f} | {row['embed_s']:.2f} | {row['embedded']} "
            f"| {row['chunks']:,} |"
        )
    lines.append(
        f"| **median, in memory** | | **{r['update_s']:.2f}** | {r['embed_s']:.2f} | {r['embedded']:.0f} "
        "| target <= 3 s |"
    )
    lines.append(f"| median, read from disk | | {r['cold_update_s']:.2f} | | | |")
    lines += [
        "",
        f"Everything but embedding (read, carry over, BM25, FAISS, write): median {r['other_s']:.2f} s "
        f"(in memory), {r['cold_other_s']:.2f} s (read from disk).",
    ]
    return "\n".join(lines)
