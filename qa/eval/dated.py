"""``python -m qa.eval --dated``: dated questions and copies of one story, on the real news pages.

The corpus is ``qa.eval.dated_corpus`` (the pages of ``../shared/eval/news_pages/`` plus editions of recurring
reports, edited copies and follow-ups), indexed as ``build_index.py`` indexes a folder. The questions
(``dated_questions.jsonl``) carry the ``today`` they are asked on and, some, a request's ``date_from`` /
``date_to`` / ``paper``. Reported: the right article first, the answer holding the fact, refusals where the dates
exclude every match, top-5 citations holding two copies of one story, the recency prior's effect on 最新 and
recurring-report questions, and the copy finder's pairwise precision and recall against the true groups.
"""

import itertools
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qa.answering.scope import Scope
from qa.answering.service import QAService
from qa.embedders.protocol import Embedder
from qa.eval.dated_corpus import build_corpus
from qa.eval.metrics import strip_markers
from qa.eval.news_pages import load_pages, to_record
from qa.index.store import IndexData, load_index
from qa.indexing.build import build_index
from qa.indexing.copies import sign
from qa.text.segmentation import Tokenizer

QUESTIONS = Path(__file__).with_name("dated_questions.jsonl")
TOP_K = 5


@dataclass(frozen=True)
class DatedQuestion:
    id: str
    kind: str  # explicit, relative, latest, recurring, filter, refuse
    question: str
    scope: Scope
    expect: tuple[str, ...]  # article ids that answer it (any copy of them too); empty: must be refused
    answers: tuple[str, ...]


def load_questions(path: Path = QUESTIONS) -> list[DatedQuestion]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)

        def day(name: str, record: dict[str, Any] = r) -> date | None:
            return date.fromisoformat(record[name]) if record.get(name) else None

        scope = Scope(date.fromisoformat(r["today"]), day("date_from"), day("date_to"), r.get("paper"))
        questions.append(
            DatedQuestion(r["id"], r["kind"], r["question"], scope, tuple(r["expect"]), tuple(r["answers"]))
        )
    return questions


def build(pages: Path, embedder: Embedder, tokenizer: Tokenizer, workdir: Path) -> tuple[IndexData, list[list[str]]]:
    """The dated corpus indexed in ``workdir``, and its true groups of copies."""
    articles, groups = build_corpus(load_pages(pages))
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True)
    lines = [json.dumps(to_record(a), ensure_ascii=False) for a in articles]
    (corpus / "dated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_index(corpus, workdir / "index", embedder, tokenizer)
    return load_index(workdir / "index", embedder.name), groups


@dataclass
class Outcome:
    question: DatedQuestion
    first: str | None  # article of the first citation
    refused: bool
    right_first: bool
    holds_fact: bool
    two_copies: bool  # the top-5 citations hold two copies of one story
    answer: str


def ask(service: QAService, question: DatedQuestion, group_of: dict[str, int]) -> Outcome:
    timed = service.ask(question.question, TOP_K, scope=question.scope)
    answer = timed.answer
    cited = [c.article.id for c in answer.citations]
    first = cited[0] if cited else None
    accepted = {question_id for question_id in question.expect}
    accepted |= {a for a, g in group_of.items() if any(group_of.get(e) == g for e in question.expect)}
    stories = [group_of[a] for a in dict.fromkeys(cited) if a in group_of]
    text = strip_markers(answer.text)
    return Outcome(
        question,
        first,
        answer.no_answer,
        not answer.no_answer and first in accepted,
        not answer.no_answer and any(fact in text for fact in question.answers),
        len(stories) != len(set(stories)),
        answer.text,
    )


def _share(flags: Sequence[bool]) -> str:
    return f"{sum(flags)}/{len(flags)}" if flags else "-"


def render(outcomes: Sequence[Outcome]) -> str:
    """Per kind of question: right article first, answer holds the fact, refused (as expected or not)."""
    lines = [
        "| questions | n | right article first | answer holds the fact | refused | top-5 with two copies |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    kinds = list(dict.fromkeys(o.question.kind for o in outcomes)) + ["all answerable"]
    for kind in kinds:
        rows = [o for o in outcomes if (o.question.kind == kind if kind != "all answerable" else o.question.expect)]
        answerable = [o for o in rows if o.question.expect]
        lines.append(
            f"| {kind} | {len(rows)} | {_share([o.right_first for o in answerable])} "
            f"| {_share([o.holds_fact for o in answerable])} | {_share([o.refused for o in rows])} "
            f"| {_share([o.two_copies for o in rows])} |"
        )
    return "\n".join(lines)


def copy_scores(found: Sequence[Sequence[str]], truth: Sequence[Sequence[str]]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of ``found`` groups against ``truth``, and both pair counts."""

    def pairs(groups: Sequence[Sequence[str]]) -> set[tuple[str, ...]]:
        return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}

    got, true = pairs(found), pairs(truth)
    both = len(got & true)
    return both / max(1, len(got)), both / max(1, len(true)), len(got), len(true)


def minhash_ms(data: IndexData) -> float:
    """Milliseconds to sign one article (shingles + MinHash), over the corpus."""
    bodies = [a.body for a in data.articles.values()]
    started = time.perf_counter()
    sign(bodies)
    return (time.perf_counter() - started) * 1000 / max(1, len(bodies))


def run(pages: Path, embedder: Embedder, searcher: Embedder, candidates: int = 30, dump: Path | None = None) -> str:
    """The whole report as Markdown. ``embedder`` builds the index (it may be cached), ``searcher`` embeds questions;
    ``dump`` gets every question's outcome as JSON Lines."""
    tokenizer = Tokenizer()
    with tempfile.TemporaryDirectory(prefix="qa-dated-") as workdir:
        data, truth = build(pages, embedder, tokenizer, Path(workdir))
    questions = load_questions()
    group_of = {a: n for n, group in enumerate(truth) for a in group}
    service = QAService(data, searcher, tokenizer, candidates)
    outcomes = [ask(service, q, group_of) for q in questions]
    if dump is not None:
        _dump(outcomes, dump)
    service.retriever.recency_weight = 0.0
    without = [ask(service, q, group_of) for q in questions if q.expect]
    answerable = [o for o in outcomes if o.question.expect]
    precision, recall, found, true = copy_scores(data.stories.groups if data.stories else [], truth)
    official = [g for g in truth if all(not a.startswith(("copy-", "edition-")) for a in g)]
    lines = [
        f"{pages}: {len(data.articles)} articles ({len(truth)} stories printed more than once), "
        f"{len(data.chunks)} chunks, {len(questions)} questions, top_k {TOP_K}",
        "",
        render(outcomes),
        "",
        "Recency prior: 最新 / 最近 / 近期 questions and recurring reports asked without a date, and every other",
        "answerable question:",
        "",
        "| | newest wanted: right article first | fact | others: right article first | fact |",
        "| --- | ---: | ---: | ---: | ---: |",
        _prior_row("with the prior", answerable),
        _prior_row("without (weight 0)", without),
        "",
        f"Copies: {found} pairs found, {true} true; pairwise precision {precision:.3f}, recall {recall:.3f}. "
        f"Groups of expected.json found whole: {sum(1 for g in official if _grouped(g, data))}/{len(official)}. "
        f"MinHash signing: {minhash_ms(data):.2f} ms per article.",
    ]
    return "\n".join(lines)


def _prior_row(label: str, outcomes: Sequence[Outcome]) -> str:
    cells = []
    for newest in (True, False):
        part = [o for o in outcomes if (o.question.kind in ("latest", "recurring")) == newest]
        cells += [_share([o.right_first for o in part]), _share([o.holds_fact for o in part])]
    return f"| {label} | {' | '.join(cells)} |"


def _grouped(group: Sequence[str], data: IndexData) -> bool:
    return data.stories is not None and set(group) <= set(data.stories.group(group[0]))


def _dump(outcomes: Sequence[Outcome], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for o in outcomes:
            record = {"id": o.question.id, "question": o.question.question, "first": o.first, "answer": o.answer}
            record |= {"right_first": o.right_first, "holds_fact": o.holds_fact, "refused": o.refused}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
