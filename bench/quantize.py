"""int8 dynamic quantisation of the embedding model: speed against what it does to retrieval and answers.

The CMRC passages and the sample page are indexed with the float model, and again with the int8 one;
the CMRC questions are then answered three ways: float index + float questions (the default),
float index + int8 questions, int8 index + int8 questions. Reported: question embedding time (one
thread), build embedding speed, the question's own passage first (dense only and hybrid), answer hit
(the answer text contains a gold answer) and how many of the top 5 chunks match the float model's.
"""

import statistics
import time
from typing import Any

from bench.context import Context
from bench.corpus import write_corpus
from qa.build import build_index
from qa.embedding import load_embedder
from qa.index.store import load_index
from qa.runtime import limit_threads
from qa.service import QAService

QUANTIZE = {"float": "none", "int8": "int8"}


def _question_ms(embedder, questions: list[str]) -> float:
    limit_threads(1)
    times = []
    for q in questions:
        started = time.perf_counter()
        embedder.encode([q])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(ctx: Context, questions: int) -> dict[str, Any]:
    import torch

    threads = torch.get_num_threads()
    corpus = ctx.work / "corpus-cmrc"
    write_corpus(corpus, ctx.pool.articles)
    models = {kind: load_embedder(ctx.model, ctx.settings.batch_size, quantize=q) for kind, q in QUANTIZE.items()}
    indexes, build_cps = {}, {}
    for kind, embedder in models.items():
        torch.set_num_threads(threads)
        started = time.perf_counter()
        summary = build_index(corpus, ctx.work / f"index-cmrc-{kind}", embedder, ctx.tokenizer, full=True)
        build_cps[kind] = summary.chunks / (time.perf_counter() - started)
        indexes[kind] = load_index(ctx.work / f"index-cmrc-{kind}", ctx.model)
    asked = list(zip(ctx.pool.questions, ctx.pool.answers))[:questions]
    timing = {kind: _question_ms(e, [q for q, _ in asked[:100]]) for kind, e in models.items()}
    setups = {
        "float index, float questions": ("float", "float"),
        "float index, int8 questions": ("float", "int8"),
        "int8 index, int8 questions": ("int8", "int8"),
    }
    rows = {}
    reference: list[list[str]] = []
    for label, (index_kind, query_kind) in setups.items():
        service = QAService(indexes[index_kind], models[query_kind], ctx.tokenizer, ctx.settings.candidates)
        dense_first = hybrid_first = hit = overlap = 0
        tops = []
        for n, (question, (article_id, gold)) in enumerate(asked):
            timed = service.ask(question)
            query = service.retriever.prepare(question)
            rows_dense, _ = service.data.dense.search(query.vector, 1)
            dense_first += bool(len(rows_dense)) and service.data.chunks[rows_dense[0]].article_id == article_id
            hybrid_first += bool(timed.hits) and timed.hits[0].chunk.article_id == article_id
            hit += not timed.answer.no_answer and any(g in timed.answer.text for g in gold)
            top = [h.chunk.id for h in timed.hits]
            tops.append(top)
            if reference:
                overlap += len(set(top) & set(reference[n])) / max(len(reference[n]), 1)
        if not reference:
            reference = tops
        total = len(asked)
        rows[label] = {
            "question_ms": timing[query_kind],
            "build_cps": build_cps[index_kind],
            "dense_r1": dense_first / total,
            "hybrid_r1": hybrid_first / total,
            "answer_hit": hit / total,
            "top5_overlap": overlap / total if label != "float index, float questions" else 1.0,
        }
    torch.set_num_threads(threads)
    return {"questions": len(asked), "chunks": len(indexes["float"].chunks), "rows": rows}


def render(r: dict[str, Any]) -> str:
    lines = [
        f"{r['chunks']} chunks (CMRC passages and the sample page), {r['questions']} CMRC questions.",
        "",
        "| setup | question embedding ms | build chunks/s | passage R@1 dense | passage R@1 hybrid | answer hit "
        "| top-5 chunks as float |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row in r["rows"].items():
        lines.append(
            f"| {label} | {row['question_ms']:.1f} | {row['build_cps']:.1f} | {row['dense_r1']:.3f} "
            f"| {row['hybrid_r1']:.3f} | {row['answer_hit']:.3f} | {row['top5_overlap']:.3f} |"
        )
    return "\n".join(lines)
