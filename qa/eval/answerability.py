"""Questions the corpus does and does not answer, asked of corpora built for it, with what the service would say.

SQuAD 2.0-style on the CMRC trial set: the passages are split by position into a training fold
(even positions) and a test fold (odd), and each fold into halves. Four corpora are built:

- ``half-a``: passages at positions 0 and 1 mod 4 (half of all); ``half-b``: 2 and 3 mod 4. Every
  question is asked of both: answerable where its passage is indexed, ``absent`` where not (its
  passage left out; a question whose gold answer occurs in the indexed half anyway is skipped).
- ``full``: all passages, every question answerable (the cost of refusing on questions it answers).
- ``redacted``: all passages, but in those at positions 0 and 1 mod 4 the sentences holding one
  question's gold answer are removed: that question becomes a ``near_miss`` (its passage, its
  topic, not its fact); the passage's other questions stay answerable where their answer remains.

The judge (``qa.answering.judge``) is fitted on the training fold's records only; the figures of
``make eval`` are on the test fold and on the news-page questions of set B (``news_questions.jsonl``,
set A trains). Each record holds the judge's features, the confidence, the rules' refusal reason
and whether the drafted answer holds a gold answer (``right``).
"""

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.answering.service import QAService
from qa.answering.slots import Slot
from qa.embedders.protocol import Embedder
from qa.eval.metrics import contains_answer
from qa.eval.near_miss_pages import load_news_pages
from qa.eval.runner import build_articles_index
from qa.eval.squad import EvalSet
from qa.models import Article
from qa.text.segmentation import Tokenizer
from qa.text.sentences import sentence_spans

NEWS_QUESTIONS = Path(__file__).resolve().parent / "news_questions.jsonl"
# A passage keeps its redacted copy only if at least this share of its text is left.
MIN_KEPT_SHARE = 0.5


@dataclass(frozen=True)
class Probe:
    """One question to ask of one corpus: its gold answers (none: the corpus cannot answer it)."""

    corpus: str  # half-a, half-b, redacted, news
    split: str  # train or test
    kind: str  # answerable, absent, near_miss
    question: str
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalCorpus:
    name: str
    articles: list[Article]
    probes: list[Probe]


def _split(position: int) -> str:
    return "train" if position % 2 == 0 else "test"


def half_corpora(evalset: EvalSet, block: int = 2) -> list[EvalCorpus]:
    """``half-a`` and ``half-b``: each half indexed alone, every question asked of it. The halves take
    alternate runs of ``block`` passages (2: positions 0,1 and 2,3 mod 4), so each holds both folds; another
    ``block`` (4, 8) pairs other passages as distractors (``half-a4``, ``half-b4``: more training questions)."""
    if block < 2 or block % 2:
        raise ValueError(f"block must be an even number of passages, got {block}")
    position = {article.id: i for i, article in enumerate(evalset.articles)}
    suffix = "" if block == 2 else str(block)
    corpora = []
    for name, side in ((f"half-a{suffix}", 0), (f"half-b{suffix}", 1)):
        articles = [a for a in evalset.articles if position[a.id] // block % 2 == side]
        indexed = {a.id for a in articles}
        text = "\n".join(a.title + "\n" + a.body for a in articles)
        probes = []
        for q in evalset.questions:
            split = _split(position[q.article_id])
            if q.article_id in indexed:
                probes.append(Probe(name, split, "answerable", q.question, q.answers))
            elif not any(answer in text for answer in q.answers):
                probes.append(Probe(name, split, "absent", q.question))
        corpora.append(EvalCorpus(name, articles, probes))
    return corpora


def full_corpus(evalset: EvalSet) -> EvalCorpus:
    """Every passage, every question answerable: what answering costs on questions the corpus does answer."""
    position = {article.id: i for i, article in enumerate(evalset.articles)}
    probes = [
        Probe("full", _split(position[q.article_id]), "answerable", q.question, q.answers) for q in evalset.questions
    ]
    return EvalCorpus("full", list(evalset.articles), probes)


def _redact(article: Article, answers: Iterable[str]) -> Article | None:
    """``article`` without the sentences holding any of ``answers``; None when too little would be left."""
    answers = tuple(answers)
    kept = []
    for paragraph in article.paragraphs:
        pieces = [paragraph[s:e] for s, e in sentence_spans(paragraph, "。！？!?")]
        left = "".join(p for p in pieces if not any(a in p for a in answers)).strip()
        if left:
            kept.append(left)
    body = "\n".join(kept)
    if not kept or len(body) < MIN_KEPT_SHARE * len(article.body) or any(a in body for a in answers):
        return None
    return replace(article, paragraphs=tuple(kept))


def redacted_corpus(evalset: EvalSet) -> EvalCorpus:
    """Every passage; in half of them one question's answer sentences removed (that question: a near miss)."""
    position = {article.id: i for i, article in enumerate(evalset.articles)}
    by_article: dict[str, list] = {}
    for q in evalset.questions:
        by_article.setdefault(q.article_id, []).append(q)
    articles, probes = [], []
    for article in evalset.articles:
        questions = by_article.get(article.id, [])
        split = _split(position[article.id])
        redacted, target = None, None
        if position[article.id] % 4 in (0, 1):
            for q in questions:
                redacted = _redact(article, q.answers)
                if redacted is not None:
                    target = q
                    break
        articles.append(redacted or article)
        body = (redacted or article).body
        for q in questions:
            if q is target:
                probes.append(Probe("redacted", split, "near_miss", q.question))
            elif any(answer in body for answer in q.answers):
                probes.append(Probe("redacted", split, "answerable", q.question, q.answers))
    return EvalCorpus("redacted", articles, probes)


def news_corpus(pages: Path, questions: Path = NEWS_QUESTIONS) -> EvalCorpus:
    """The news pages as articles; set A's questions train, set B's test."""
    articles = [page.article for page in load_news_pages(pages)]
    probes = []
    for line in questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            split = "train" if record["set"] == "A" else "test"
            answers = tuple(record.get("answers") or ())
            probes.append(Probe("news", split, record["kind"], record["question"], answers))
    return EvalCorpus("news", articles, probes)


def ask_all(service: QAService, probes: list[Probe], top_k: int = 5) -> list[dict[str, Any]]:
    """Each probe through the service: the judge's features, confidence, the rules' reason, and whether the
    drafted answer (shown or not) holds a gold answer."""
    records = []
    for probe in probes:
        timed = service.ask(probe.question, top_k)
        draft, answer = timed.draft, timed.answer
        drafted = "".join(s.text for s in draft.chosen) if draft else ""
        right = bool(probe.answers) and contains_answer(drafted, probe.answers)
        short = answer.short_answer
        records.append(
            {
                "corpus": probe.corpus,
                "split": probe.split,
                "kind": probe.kind,
                "question": probe.question,
                "answers": list(probe.answers),
                "drafted": drafted,
                "right": right,
                # The composer's refusal the judge keeps (a low-coverage draft is left to the model), and any refusal
                # of the composer's: the service before issue 16.
                "rule": service.judge.rule(draft) if draft else "not_found",
                "composer": draft.reason if draft else "not_found",
                "check": timed.failed_check,
                "confidence": answer.confidence,
                "features": answer.evidence,
                "short": short.text if short else None,
                "short_kind": short.kind if short else None,
                "slot": Slot.of(probe.question).kind,
                "ms": round(timed.took_ms, 2),
            }
        )
    return records


def collect(
    corpora: list[EvalCorpus],
    embedder: Embedder,
    tokenizer: Tokenizer,
    chunk_size: int,
    chunk_overlap: int,
    make_service: Any,
    top_k: int = 5,
) -> list[dict[str, Any]]:
    """Build each corpus in a temporary folder and ask its probes; ``make_service(data)`` gives the service."""
    records: list[dict[str, Any]] = []
    for corpus in corpora:
        with tempfile.TemporaryDirectory(prefix=f"qa-eval-{corpus.name}-") as workdir:
            data = build_articles_index(corpus.articles, embedder, tokenizer, chunk_size, chunk_overlap, Path(workdir))
        records.extend(ask_all(make_service(data), corpus.probes, top_k))
    return records
