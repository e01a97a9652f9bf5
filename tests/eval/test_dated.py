"""The dated evaluation: its question set, and a guard on what the real model achieves on it."""

from pathlib import Path

import pytest

from qa.answering.service import QAService
from qa.eval.dated import ask, build, copy_scores, load_questions
from qa.eval.news_pages import DEFAULT_PAGES

PAGES = Path(__file__).resolve().parents[2] / DEFAULT_PAGES
KINDS = {"explicit", "relative", "latest", "recurring", "filter", "refuse"}


def test_the_question_set_covers_every_kind_of_dated_question():
    questions = load_questions()
    assert len(questions) >= 60 and {q.kind for q in questions} == KINDS
    assert all(bool(q.expect) == (q.kind != "refuse") for q in questions)
    assert all(q.answers for q in questions if q.expect)
    assert sum(1 for q in questions if q.kind == "refuse") >= 10


def test_copy_scores_count_pairs():
    truth = [["a", "b", "c"], ["d", "e"]]
    assert copy_scores(truth, truth) == (1.0, 1.0, 4, 4)
    precision, recall, found, true = copy_scores([["a", "b"], ["d", "e", "f"]], truth)
    assert (found, true) == (4, 4) and precision == 0.5 and recall == 0.5


@pytest.mark.model
@pytest.mark.skipif(not PAGES.is_dir(), reason=f"the news pages are not at {PAGES}")
def test_dated_questions_find_their_article_and_refuse_what_the_dates_exclude(model, tokenizer, tmp_path):
    data, truth = build(PAGES, model, tokenizer, tmp_path)
    group_of = {a: n for n, group in enumerate(truth) for a in group}
    service = QAService(data, model, tokenizer)
    outcomes = [ask(service, q, group_of) for q in load_questions()]
    answerable = [o for o in outcomes if o.question.expect]
    assert sum(o.right_first for o in answerable) >= 0.9 * len(answerable)  # 55 of 57 when written
    assert sum(o.holds_fact for o in answerable) >= 0.9 * len(answerable)
    assert all(o.refused for o in outcomes if not o.question.expect)
    assert not any(o.two_copies for o in outcomes)
    assert copy_scores(data.stories.groups, truth)[:2] == (1.0, 1.0)
