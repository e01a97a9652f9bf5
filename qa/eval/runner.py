"""Build a temporary index from an evaluation set and put every question through the answering pipeline."""

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa.answering.compose import Answer
from qa.answering.service import QAService
from qa.embedders.protocol import Embedder
from qa.eval.metrics import Outcome, Summary, article_ranking, contains_answer, strip_markers, summarize
from qa.eval.squad import EvalQuestion, EvalSet, OutOfCorpusQuestion
from qa.index.store import IndexData, load_index
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions, Publisher
from qa.models import Article

logger = logging.getLogger(__name__)

# Chunks searched per question: enough for ten distinct articles behind MRR@10.
RANKING_DEPTH = 40
# Candidate sentences that count for answer hit@3.
SHOWN_SENTENCES = 3
WARMUP_QUESTIONS = 5


def build_eval_index(
    evalset: EvalSet,
    embedder: Embedder,
    tokenizer: Any,
    chunk_size: int,
    chunk_overlap: int,
    workdir: Path,
    publisher: Publisher | None = None,
) -> IndexData:
    """Index the evaluation articles exactly as ``build_index.py`` indexes a corpus folder (and publish the
    version to ``publisher``, as a build with QA_INDEX_STORE=milvus does)."""
    return build_articles_index(evalset.articles, embedder, tokenizer, chunk_size, chunk_overlap, workdir, publisher)


def build_articles_index(
    articles: list[Article],
    embedder: Embedder,
    tokenizer: Any,
    chunk_size: int,
    chunk_overlap: int,
    workdir: Path,
    publisher: Publisher | None = None,
) -> IndexData:
    """Index ``articles`` through the JSON Lines reader, as a corpus folder is; the served records are then the
    given ones whole (with fields the reader does not know yet, such as ``authors`` and ``paper``)."""
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True)
    with (corpus / "eval.jsonl").open("w", encoding="utf-8") as handle:
        for article in articles:
            record = {"id": article.id, "title": article.title, "paragraphs": list(article.paragraphs)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    summary = build_index(
        corpus,
        workdir / "index",
        embedder,
        tokenizer,
        BuildOptions(chunk_size=chunk_size, chunk_overlap=chunk_overlap, publisher=publisher),
    )
    if summary.skipped:
        raise ValueError(f"evaluation articles could not be indexed: {summary.skipped[:3]}")
    logger.info(summary.render())
    return with_records(load_index(workdir / "index", embedder.name), articles)


def with_records(data: IndexData, articles: list[Article]) -> IndexData:
    """``data`` serving the given article records whole (their paragraphs as indexed)."""
    for article in articles:
        if article.id in data.articles:
            data.articles[article.id] = replace(article, paragraphs=data.articles[article.id].paragraphs)
    return data


def run_question(service: QAService, question: str, top_k: int) -> tuple[Answer, list[str], float, float]:
    """``QAService.ask``, searching deep enough for the ranking figures: the answer, the ranked article ids, the
    time taken in milliseconds and the part of it spent composing the answer."""
    timed = service.ask(question, top_k, search_depth=RANKING_DEPTH)
    ranking = article_ranking([hit.chunk.article_id for hit in timed.hits])
    return timed.answer, ranking, timed.took_ms, timed.compose_ms


@dataclass
class ModeResult:
    mode: str
    summary: Summary
    refused_by_kind: dict[str, float]
    records: list[dict[str, Any]] = field(default_factory=list)


def _outcome(question: EvalQuestion, answer: Answer, ranking: list[str], ms: float, answer_ms: float) -> Outcome:
    shown = strip_markers(answer.text)
    hit1 = not answer.no_answer and contains_answer(shown, question.answers)
    candidates = [] if answer.no_answer else [s.text for s in answer.sentences[:SHOWN_SENTENCES]]
    hit3 = hit1 or any(contains_answer(text, question.answers) for text in candidates)
    rank = ranking.index(question.article_id) + 1 if question.article_id in ranking else None
    return Outcome(rank, answer.no_answer, hit1, hit3, 0 if answer.no_answer else len(shown), ms, answer_ms)


def evaluate(
    service: QAService,
    questions: list[EvalQuestion],
    out_of_corpus: list[OutOfCorpusQuestion],
    top_k: int = 5,
) -> ModeResult:
    """Every answerable and every out-of-corpus question through one service; the summary and per-question records."""
    for question in questions[:WARMUP_QUESTIONS]:  # first calls pay for lazy initialisation
        run_question(service, question.question, top_k)
    outcomes: list[Outcome] = []
    records: list[dict[str, Any]] = []
    mode = service.retriever.mode
    for question in questions:
        answer, ranking, ms, answer_ms = run_question(service, question.question, top_k)
        outcome = _outcome(question, answer, ranking, ms, answer_ms)
        outcomes.append(outcome)
        records.append(
            {
                "mode": mode,
                "id": question.id,
                "question": question.question,
                "answers": list(question.answers),
                "article_id": question.article_id,
                "rank": outcome.rank,
                "top": ranking[0] if ranking else None,
                "hit1": outcome.hit1,
                "hit3": outcome.hit3,
                "refused": outcome.refused,
                "ms": round(ms, 2),
                "answer": answer.text,
                "candidates": [s.text for s in answer.sentences[:SHOWN_SENTENCES]],
            }
        )
    refused: dict[str, list[bool]] = {}
    for question in out_of_corpus:
        answer, _, _, _ = run_question(service, question.question, top_k)
        refused.setdefault(question.kind, []).append(answer.no_answer)
        records.append(
            {
                "mode": mode,
                "question": question.question,
                "kind": question.kind,
                "refused": answer.no_answer,
                "answer": answer.text,
            }
        )
    rates = {kind: sum(flags) / len(flags) for kind, flags in refused.items()}
    return ModeResult(mode, summarize(outcomes), rates, records)
