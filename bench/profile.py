"""Where the time of one /ask goes, at 100k chunks: each stage timed, and a pyinstrument profile.

In process, with the server's settings (one compute thread, no question cache): the stages the
route runs (tokenise, embed the question, dense search, BM25 search, fusion, the extractive answer,
the JSON response), each timed over the same questions, then the whole path under pyinstrument.
"""

import statistics
import time
from typing import Any

from bench.context import Context
from qa.answering.service import QAService
from qa.api.runtime import limit_threads
from qa.api.schemas.ask import AskResponse
from qa.embedders.factory import embedder_from_settings
from qa.index.store import load_index


def run(ctx: Context, chunks: int, questions: int) -> dict[str, Any]:
    from pyinstrument import Profiler

    _, index, _, _ = ctx.composed_index(chunks)
    limit_threads(ctx.settings.serve_threads)
    data = load_index(index, ctx.model)
    data.dense.set_nprobe(ctx.settings.dense_nprobe)
    # The model the index was built with (--model), loaded as the server loads it: runtime, weights, threads.
    s = ctx.settings.model_copy(update={"model": ctx.model})
    embedder = embedder_from_settings(s, threads=s.serve_threads)
    service = QAService(data, embedder, ctx.tokenizer, ctx.settings.candidates)
    retriever, composer = service.retriever, service.composer
    asked = ctx.pool.questions[-questions:]
    for q in asked[:5]:
        service.ask(q)
    stages: dict[str, list[float]] = {}

    def timed(name: str, fn, *args):
        started = time.perf_counter()
        out = fn(*args)
        stages.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return out

    k = ctx.settings.candidates
    for q in asked:
        tokens = timed("jieba tokens", ctx.tokenizer.tokens, q)
        vector = timed("embed the question", embedder.encode, [q])[0]
        timed("dense search", data.dense.search, vector, k)
        timed("BM25 search", data.sparse.search, tokens, k)
        query = _query(q, tokens, vector)
        hits = timed("fusion (both searches again + RRF)", retriever.search, query, 5)
        answer = timed("extractive answer", composer.compose, query, hits, data.articles)
        timed("response JSON", _json, answer)
    whole = []
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for q in asked:
        started = time.perf_counter()
        timed_answer = service.ask(q)
        AskResponse.of(timed_answer.answer, timed_answer.took_ms).model_dump_json()
        whole.append((time.perf_counter() - started) * 1000)
    profiler.stop()
    return {
        "chunks": len(data.chunks),
        "questions": len(asked),
        "dense_kind": data.dense.kind,
        "stages": {name: statistics.median(ms) for name, ms in stages.items()},
        "whole_p50": statistics.median(whole),
        "profile": profiler.output_text(unicode=False, color=False, show_all=False),
    }


def _json(answer) -> str:
    return AskResponse.of(answer, 1.0).model_dump_json()


def _query(text, tokens, vector):
    from qa.answering.retrieval import Query

    return Query(text, tokens, vector)


def render(r: dict[str, Any]) -> str:
    lines = [
        f"{r['chunks']:,} chunks (dense index {r['dense_kind']}), {r['questions']} CMRC questions, in process, "
        "one thread; medians:",
        "",
        "| stage | ms |",
        "| --- | ---: |",
    ]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in r["stages"].items()]
    lines += [
        f"| **whole `QAService.ask` + response JSON** | **{r['whole_p50']:.2f}** |",
        "",
        "<details><summary>pyinstrument profile of the whole path</summary>",
        "",
        "```",
        r["profile"].strip(),
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)
