"""How the embedding model runs: torch or ONNX Runtime, float or int8, against what it does to answers.

The CMRC passages and the sample page are indexed with each variant; the CMRC questions are then
answered with the same variant (and once with the float index and ONNX int8 questions). Reported:
question embedding time (one thread), build speed, the question's own passage first (dense only and
hybrid), answer hit (the answer text contains a gold answer) and how many of the top 5 chunks match
the float torch model's (the reference). A variant is worth making the default only if its answer
hit rate is within one point of the reference.
"""

import statistics
import time
from typing import Any

import numpy as np

from bench.context import Context
from bench.corpus import write_corpus
from qa.answering.service import QAService
from qa.api.runtime import limit_threads
from qa.embedders.factory import load_embedder
from qa.index.store import load_index
from qa.indexing.build import build_index

VARIANTS = {  # name: (backend, quantize)
    "torch float": ("torch", "none"),
    "torch int8": ("torch", "int8"),
    "onnx int8": ("onnx", "int8"),
}
TIMED_ONLY = {"onnx float": ("onnx", "none")}  # the same vectors as torch float: only its speed is news
REFERENCE = "torch float"


def _question_ms(embedder, questions: list[str]) -> float:
    times = []
    for q in questions:
        started = time.perf_counter()
        embedder.encode([q])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(ctx: Context, questions: int) -> dict[str, Any]:
    import torch

    threads = ctx.threads  # the process's default (earlier benchmarks may have limited it)
    corpus = ctx.work / "corpus-cmrc"
    write_corpus(corpus, ctx.pool.articles)
    asked = list(zip(ctx.pool.questions, ctx.pool.answers))[:questions]
    builds, query_models, timing = {}, {}, {}
    for name, (backend, quantize) in VARIANTS.items():
        torch.set_num_threads(threads)
        embedder = load_embedder(ctx.model, batch_size=ctx.settings.batch_size, quantize=quantize, backend=backend)
        started = time.perf_counter()
        summary = build_index(corpus, ctx.work / f"index-cmrc-{backend}-{quantize}", embedder, ctx.tokenizer, full=True)
        builds[name] = (load_index(ctx.work / f"index-cmrc-{backend}-{quantize}", ctx.model), summary.chunks)
        builds[name] += (summary.chunks / (time.perf_counter() - started),)
        query_models[name] = load_embedder(
            ctx.model, batch_size=ctx.settings.batch_size, quantize=quantize, backend=backend, threads=1
        )
        limit_threads(1)
        timing[name] = _question_ms(query_models[name], [q for q, _ in asked[:100]])
    for name, (backend, quantize) in TIMED_ONLY.items():
        limit_threads(1)
        timing[name] = _question_ms(
            load_embedder(ctx.model, batch_size=32, quantize=quantize, backend=backend, threads=1),
            [q for q, _ in asked[:100]],
        )
    torch.set_num_threads(threads)
    setups = {name: (name, name) for name in VARIANTS}
    setups["torch float index, onnx int8 questions"] = (REFERENCE, "onnx int8")
    rows: dict[str, dict[str, float]] = {}
    reference: list[list[str]] = []
    for label, (index_variant, query_variant) in setups.items():
        data = builds[index_variant][0]
        model = query_models[query_variant]
        service = QAService(data, model, ctx.tokenizer, ctx.settings.candidates)
        vectors = model.encode([q for q, _ in asked])
        dense_first = hybrid_first = hit = 0
        overlap: list[float] = []
        tops = []
        for n, ((question, (article_id, gold)), vector) in enumerate(zip(asked, vectors)):
            timed = service.ask(question)
            rows_dense, _ = data.dense.search(vector, 1)
            dense_first += bool(len(rows_dense)) and data.chunks[rows_dense[0]].article_id == article_id
            hybrid_first += bool(timed.hits) and timed.hits[0].chunk.article_id == article_id
            hit += not timed.answer.no_answer and any(g in timed.answer.text for g in gold)
            top = [h.chunk.id for h in timed.hits]
            tops.append(top)
            if reference:
                overlap.append(len(set(top) & set(reference[n])) / max(len(reference[n]), 1))
        if not reference:
            reference = tops
        total = len(asked)
        rows[label] = {
            "question_ms": timing[query_variant],
            "build_cps": builds[index_variant][2],
            "dense_r1": dense_first / total,
            "hybrid_r1": hybrid_first / total,
            "answer_hit": hit / total,
            "top5_overlap": float(np.mean(overlap)) if overlap else 1.0,
        }
    return {
        "questions": len(asked),
        "chunks": builds[REFERENCE][1],
        "rows": rows,
        "threads": threads,
        "timed_only": {name: timing[name] for name in TIMED_ONLY},
    }


def render(r: dict[str, Any]) -> str:
    base = r["rows"][f"{REFERENCE}"]["answer_hit"]
    lines = [
        f"{r['chunks']} chunks (CMRC passages and the sample page), {r['questions']} CMRC questions; questions "
        f"embedded one at a time on one thread, builds with {r['threads']} threads.",
        "",
        "| index and questions | question ms | build chunks/s | passage R@1 dense | passage R@1 hybrid "
        "| answer hit | vs torch float | top-5 chunks as torch float |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row in r["rows"].items():
        lines.append(
            f"| {label} | {row['question_ms']:.1f} | {row['build_cps']:.1f} | {row['dense_r1']:.3f} "
            f"| {row['hybrid_r1']:.3f} | {row['answer_hit']:.3f} | {(row['answer_hit'] - base) * 100:+.1f} pt "
            f"| {row['top5_overlap']:.3f} |"
        )
    for name, ms in r["timed_only"].items():
        lines.append(f"| {name} (same vectors as torch float: timed only) | {ms:.1f} | | | | | | |")
    return "\n".join(lines)
