"""The answerability evaluation: the corpora it builds, the news pages it reads, the figures and the fit."""

import json
from pathlib import Path

import numpy as np
import pytest

from qa.answering.features import FEATURES
from qa.answering.judge import ConfidenceModel
from qa.eval.answerability import _redact, half_corpora, redacted_corpus
from qa.eval.judge_report import (
    curve_table,
    gold_phrase,
    refused,
    reliability_table,
    short_answer_table,
    short_exact,
    short_right,
)
from qa.eval.near_miss_pages import load_news_pages
from qa.eval.squad import parse_squad
from qa.eval.train_judge import BAGS, TREES, _bootstrap, fit, training_rows, write_model
from qa.models import Article
from qa.text.entities import EntityTagger

PAGES = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "news_pages"
QUESTIONS = Path(__file__).resolve().parents[2] / "qa" / "eval" / "news_questions.jsonl"


def squad(n: int) -> dict:
    """n passages, each with one question whose answer is the passage's number."""
    paragraphs = [
        {
            "context": f"第{i}篇讲的是城市{i}。城市{i}的人口是{1000 + i}人。它位于河边。",
            "qas": [{"question": f"城市{i}的人口是多少？", "answers": [{"text": f"{1000 + i}人"}]}],
        }
        for i in range(n)
    ]
    return {"data": [{"title": "城市", "paragraphs": paragraphs}]}


def test_half_corpora_ask_every_question_of_each_half():
    evalset = parse_squad(squad(8), "test")
    first, second = half_corpora(evalset)
    assert len(first.articles) == len(second.articles) == 4
    assert {p.kind for p in first.probes} == {"answerable", "absent"} and len(first.probes) == 8
    indexed = "\n".join(a.body for a in first.articles)
    for probe in first.probes:
        city = probe.question.replace("的人口是多少？", "")
        assert (probe.kind == "answerable") == (city + "的" in indexed)
        assert (probe.kind == "answerable") == bool(probe.answers)
    # Train and test folds alternate by position, so both halves hold both.
    assert {p.split for p in first.probes} == {"train", "test"}


def test_redaction_removes_the_answer_sentence_and_keeps_the_topic():
    article = Article("a", "城市", ("城市1的人口是1001人。它位于河边，风景很好，历史悠久。",), "test")
    redacted = _redact(article, ["1001人"])
    assert redacted is not None and "1001" not in redacted.body and "河边" in redacted.body
    assert _redact(article, ["城市1", "河边"]) is None  # nothing would be left
    corpus = redacted_corpus(parse_squad(squad(8), "test"))
    near = [p for p in corpus.probes if p.kind == "near_miss"]
    assert near and all(not p.answers for p in near)
    bodies = "\n".join(a.body for a in corpus.articles)
    assert all(q.question.replace("的人口是多少？", "") in bodies for q in near)  # the topic stays


@pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/eval/news_pages is not here")
def test_news_pages_become_whole_articles_and_every_answerable_question_is_answerable():
    pages = load_news_pages(PAGES)
    expected = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
    assert len(pages) == sum(len(v["articles"]) for v in expected.values() if isinstance(v, dict) and "articles" in v)
    by_file: dict[str, str] = {}
    for page in pages:
        by_file[page.file] = by_file.get(page.file, "") + page.article.body
    rongcheng = next(p.article for p in pages if p.article.title == "中东部大范围降雨过程持续")
    assert rongcheng.authors == ("蒋雪鸿", "刘温馨", "吴君", "庞革平") and rongcheng.paper == "人民日报"
    assert rongcheng.page == "15" and rongcheng.date == "2026-05-19"
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    kinds = {(q["set"], q["kind"]) for q in questions}
    assert kinds == {("A", "answerable"), ("A", "near_miss"), ("B", "answerable"), ("B", "near_miss")}
    assert sum(q["set"] == "B" and q["kind"] == "near_miss" for q in questions) >= 60
    for q in questions:
        if q["kind"] == "answerable":
            assert any(a in by_file[q["file"]] for a in q["answers"]), q["question"]


def record(kind: str, right: bool, confidence: float, rule=None, check=None, corpus="half-a") -> dict:
    return {
        "corpus": corpus,
        "split": "test",
        "kind": kind,
        "right": right,
        "confidence": confidence,
        "rule": rule,
        "check": check,
        "question": "给人民医院捐了多少？",
        "answers": ["4000万元"],
        "short": None,
        "slot": None,
    }


def test_refusals_follow_the_rules_the_checks_and_the_threshold():
    assert refused(record("answerable", True, 0.9, rule="not_found"), 0.0)
    assert not refused(record("answerable", True, 0.9, check="slot_unfilled"), -1)  # the rules alone
    assert refused(record("answerable", True, 0.9, check="slot_unfilled"), 0.0)
    assert refused(record("answerable", True, 0.3), 0.5) and not refused(record("answerable", True, 0.3), 0.2)
    rows = [record("answerable", True, 0.9), record("answerable", False, 0.2), record("absent", False, 0.3)]
    table = curve_table(rows, (0.0, 0.5))
    assert "| 0.00 | 0.500 | 0.000 | 0.000 |" in table and "| 0.50 | 0.500 | 0.500 | 1.000 |" in table
    assert "| 0.9-1.0 | 1 | 0.90 | 1.000 |" in reliability_table(rows)


def test_short_answers_are_right_when_they_are_the_gold_answer_or_its_numbers():
    assert short_exact("4000万元", ["4000万元"]) and not short_exact("4000万", ["4000万元"])
    assert short_right("4000万", ["4000万元"])
    assert short_right("2010年", ["2010年法国网球公开赛后"])
    assert not short_right("8名", ["第3名"]) and not short_right("1", ["约为1：7（男：女）"])
    rows = [{**record("answerable", True, 0.9, corpus="full"), "slot": "amount", "short": "4000万元"}]
    assert "| amount | 1 | 1 (100%) | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in short_answer_table(rows)


def test_a_short_answer_is_right_when_it_is_the_one_phrase_of_its_kind_in_a_gold_clause():
    tagger = EntityTagger()
    # CMRC gold answers are often clauses: the phrase of the asked kind in them is the answer.
    assert short_right("潘佩珠", ["越南革命家潘佩珠"], "《越南亡国史》的作者是谁？", tagger)
    assert short_right("1694人", ["2006年人口统计数据为1694人"], "在2006年，阿尔坎塔拉地区的人口数量是多少？", tagger)
    assert not short_right("1694人", ["2006年人口统计数据为1694人"])  # without the question: too long to count
    # A clause holding several phrases of that kind does not say which one was meant.
    assert not short_right("15人", ["共计15人，其中运动员9人，教练4人"], "花样游泳队有多少人参赛？", tagger)
    assert gold_phrase("花样游泳队有多少人参赛？", "共计15人，其中运动员9人，教练4人", tagger) is None
    # A cut name is not the name.
    assert not short_right("熊谷元", ["武田家的先锋熊谷元直"], "毛利元就首先击杀了谁？", tagger)
    rows = [
        {
            **record("answerable", True, 0.9, corpus="full"),
            "question": "《越南亡国史》的作者是谁？",
            "answers": ["越南革命家潘佩珠"],
            "slot": "person",
            "short": "潘佩珠",
        }
    ]
    assert "| person | 1 | 1 (100%) | 0.000 | 0.000 | 0.000 | 1.000 | 1.000 |" in short_answer_table(rows, tagger)


def test_the_fit_is_deterministic_agrees_with_scikit_learn_and_needs_right_and_wrong_answers(tmp_path):
    rng = np.random.default_rng(0)
    records = []
    for i in range(400):
        features = {name: float(rng.random()) for name in FEATURES}
        right = features["article_words"] > 0.5
        question = f"q{i % 150}"
        records.append(
            {"split": "train", "rule": None, "check": None, "features": features, "right": right, "question": question}
        )
    x, y, questions = training_rows(records)
    # A question asked of several corpora keeps one key (one calibration fold, one bootstrap draw): its copies
    # never calibrate a model that saw them.
    by_question = {}
    for record, key in zip(records, questions.tolist()):
        assert by_question.setdefault(record["question"], key) == key
    assert len(set(questions.tolist())) == 150
    first, second = fit(x, y, questions), fit(x, y, questions)
    assert first == second
    assert len(first["trees"]) == BAGS * TREES["max_iter"]
    path = tmp_path / "model.json"
    write_model(first, path)
    model = ConfidenceModel.load(path)
    # The trees read back give the answers the fit saw: the feature that decides weighs most, both ways.
    pushes = model.contributions(records[0]["features"])
    assert max(pushes, key=lambda name: abs(pushes[name])) == "article_words"
    right = [model.probability(r["features"]) for r in records if r["right"]]
    wrong = [model.probability(r["features"]) for r in records if not r["right"]]
    assert min(right) > 0.5 > max(wrong)
    calibration = first["calibration"]
    assert calibration["x"] == sorted(calibration["x"]) and calibration["y"] == sorted(calibration["y"])
    with pytest.raises(ValueError, match="both"):
        fit(x, np.ones_like(y))


def test_a_bootstrap_sample_draws_questions_with_all_their_answers_and_is_the_same_each_time():
    questions = np.array([7, 7, 7, 3, 3, 9, 1, 1, 1, 1])
    rows = _bootstrap(questions, seed=4)
    assert rows.tolist() == _bootstrap(questions, seed=4).tolist()
    times = {}  # how often each question was drawn: every one of its rows comes that often
    for key in set(questions.tolist()):
        counts = {rows.tolist().count(r) for r in np.flatnonzero(questions == key).tolist()}
        assert len(counts) == 1
        times[key] = counts.pop()
    assert sum(times.values()) == 4  # as many draws as questions
    assert len(rows) == sum(n * int((questions == key).sum()) for key, n in times.items())
    assert rows.tolist() != _bootstrap(questions, seed=5).tolist()
