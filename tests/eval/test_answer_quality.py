"""Answer quality on a slice of the CMRC 2018 trial set (every 10th passage), with the real model.

Guards the answer hit rate in ``make test``. When written, this slice measured answer hit@1 0.91,
hit@3 0.95, passage R@1 1.00, no false refusals and 95% of out-of-corpus questions refused; the
composer before issue 3 reached hit@1 0.73 and hit@3 0.84 here. The full figures come from
``make eval`` (docs/EVAL.md).
"""

import tempfile
from pathlib import Path

import pytest

from qa.answering.compose import MAX_ANSWER_CHARS
from qa.answering.service import QAService
from qa.eval.metrics import strip_markers
from qa.eval.runner import ModeResult, build_eval_index, evaluate, run_question
from qa.eval.squad import DEFAULT_OUT_OF_CORPUS, EvalSet, load_out_of_corpus, load_squad
from qa.index.store import IndexData
from qa.settings import Settings
from qa.testing.samples import ROOT

pytestmark = pytest.mark.model

TRIAL_SET = ROOT.parent / "shared" / "eval" / "cmrc2018_trial.json"
EVERY = 10


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    if not TRIAL_SET.is_file():
        pytest.skip(f"{TRIAL_SET} is not there (it ships beside the repository in ../shared)")
    full = load_squad(TRIAL_SET)
    articles = full.articles[::EVERY]
    kept = {article.id for article in articles}
    return EvalSet(articles, [q for q in full.questions if q.article_id in kept])


@pytest.fixture(scope="module")
def slice_index(evalset: EvalSet, model, tokenizer) -> IndexData:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="qa-eval-slice-") as workdir:
        return build_eval_index(evalset, model, tokenizer, settings.chunk_size, settings.chunk_overlap, Path(workdir))


@pytest.fixture(scope="module")
def service(slice_index: IndexData, model, tokenizer) -> QAService:
    return QAService(slice_index, model, tokenizer)


@pytest.fixture(scope="module")
def result(service: QAService, evalset: EvalSet) -> ModeResult:
    return evaluate(service, evalset.questions, load_out_of_corpus(DEFAULT_OUT_OF_CORPUS))


def test_the_slice_is_a_real_sample(evalset: EvalSet):
    assert len(evalset.articles) == 26 and len(evalset.questions) >= 90


def test_answers_hold_the_gold_answer(result: ModeResult):
    summary = result.summary
    assert summary.hit1 >= 0.85, summary
    assert summary.hit3 >= 0.90, summary
    assert summary.median_chars <= 100, summary


def test_the_question_s_article_comes_first_and_answerable_questions_are_answered(result: ModeResult):
    assert result.summary.r1 >= 0.95, result.summary
    assert result.summary.false_refusals <= 0.03, result.summary


def test_questions_about_things_outside_the_corpus_are_refused(result: ModeResult):
    assert result.refused_by_kind["absent"] >= 0.85, result.refused_by_kind
    assert result.refused_by_kind["near_miss"] >= 0.8, result.refused_by_kind


def test_every_citation_points_at_its_text(service: QAService, evalset: EvalSet):
    for question in evalset.questions:
        answer, _, _, _ = run_question(service, question.question, 5)
        assert len(strip_markers(answer.text)) <= MAX_ANSWER_CHARS
        for citation in answer.citations:
            assert citation.article.body[citation.start : citation.end] == citation.text, question.question
        for n, citation in enumerate(answer.citations, start=1):
            assert citation.n == n
        # The answer is its cited sentences, each followed by its marker, in order.
        cited = [c for c in answer.citations if f"[{c.n}]" in answer.text]
        assert answer.text == "".join(f"{c.text}[{c.n}]" for c in cited), question.question
