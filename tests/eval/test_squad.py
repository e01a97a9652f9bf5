import json
from pathlib import Path

import pytest

from qa.eval.squad import DEFAULT_OUT_OF_CORPUS, load_out_of_corpus, load_squad, parse_squad


def squad(*paragraphs: dict, title: str = "尤金袋鼠") -> dict:
    return {"version": "v1.0", "data": [{"title": title, "paragraphs": list(paragraphs)}]}


PARAGRAPH = {
    "id": "TRIAL_1",
    "context": "尤金袋鼠是一种小袋鼠。\n它分布在澳洲南部。",
    "qas": [
        {"id": "Q0", "question": "尤金袋鼠分布在哪里？", "answers": [{"text": "澳洲南部"}, {"text": "澳洲南部"}]},
        {"id": "Q1", "question": "没有答案的问题？", "answers": []},
    ],
}


def test_each_paragraph_is_an_article_and_questions_keep_their_answers():
    evalset = parse_squad(squad(PARAGRAPH))
    [article] = evalset.articles
    assert (article.id, article.title, article.paragraphs) == (
        "TRIAL_1",
        "尤金袋鼠",
        ("尤金袋鼠是一种小袋鼠。", "它分布在澳洲南部。"),
    )
    [question] = evalset.questions  # a question without answers cannot be scored
    assert (question.id, question.article_id, question.answers) == ("Q0", "TRIAL_1", ("澳洲南部",))


@pytest.mark.parametrize(
    "document,message",
    [
        ({"data": "x"}, r"squad\.data: expected list"),
        ({"version": 1}, "squad: missing 'data'"),
        (squad({"id": "p", "qas": []}), r"data\[0\]\.paragraphs\[0\]: missing 'context'"),
        (squad({**PARAGRAPH, "qas": [{"question": "q?", "answers": [{}]}]}), r"qas\[0\]\.answers\[0\]: missing 'text'"),
        (squad({**PARAGRAPH, "context": "  "}), r"data\[0\]\.paragraphs\[0\]: 'body' is empty"),
        ({"data": []}, "no paragraphs"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_element(document, message):
    with pytest.raises(ValueError, match=message):
        parse_squad(document)


def test_unreadable_files_name_the_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [\n  oops\n]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json:2: invalid JSON"):
        load_squad(bad)
    with pytest.raises(ValueError, match="cannot read"):
        load_squad(tmp_path / "missing.json")


def test_out_of_corpus_questions(tmp_path: Path):
    path = tmp_path / "ooc.jsonl"
    path.write_text(json.dumps({"question": " 甲是谁？ "}, ensure_ascii=False) + "\n\n{oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ooc\.jsonl:3: invalid JSON"):
        load_out_of_corpus(path)
    path.write_text(json.dumps({"question": " 甲是谁？ "}, ensure_ascii=False) + "\n", encoding="utf-8")
    [question] = load_out_of_corpus(path)
    assert (question.question, question.kind) == ("甲是谁？", "absent")


def test_the_shipped_out_of_corpus_set():
    questions = load_out_of_corpus(DEFAULT_OUT_OF_CORPUS)
    kinds = {q.kind for q in questions}
    assert kinds == {"absent", "near_miss"} and len(questions) >= 40
    assert len({q.question for q in questions}) == len(questions)
