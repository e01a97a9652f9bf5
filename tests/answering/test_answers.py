"""Questions about the sample page, answered with the real model and a real index."""

import pytest

from qa.answering.compose import MAX_ANSWER_CHARS
from qa.testing.samples import RONG_TITLE

pytestmark = pytest.mark.model

QUESTIONS = [
    ("荣氏家族向江南大学捐资多少？", RONG_TITLE, "1.1亿元"),
    ("荣氏家族给无锡市人民医院捐了多少钱？", RONG_TITLE, "4000万元"),
    ("谁主持召开了全市集成电路产业集群建设工作推进会？", "市政府召开集成电路产业集群建设工作推进会", "赵建军"),
    ("无锡力争用几年时间完成全国商业秘密保护创新试点任务？", "无锡市召开", "三年"),
    ("产改第五次联席会议是哪天召开的？", "我市召开产改第五次联席会议暨工作推进会", "4月7日"),
    ("荣智健担任什么职务？", RONG_TITLE, "董事局主席"),
]


@pytest.mark.parametrize("question,title,expected", QUESTIONS)
def test_right_article_first_and_answer_in_the_answer(sample_service, question, title, expected):
    answer = sample_service.ask(question).answer
    assert not answer.no_answer
    assert answer.citations[0].article.title.startswith(title)
    assert expected in answer.text
    assert len(answer.text) <= MAX_ANSWER_CHARS + 10  # markers included


def test_citation_offsets_point_at_the_sentence_that_answers(sample_service):
    answer = sample_service.ask("荣氏家族向江南大学捐资多少？").answer
    assert "[1]" in answer.text
    cited = answer.citations[0]
    assert cited.article.title == RONG_TITLE
    assert cited.article.body[cited.start : cited.end] == cited.text
    assert "1.1亿元" in cited.text and len(cited.text) < 200
    assert answer.text.startswith(cited.text)


def test_every_citation_points_into_its_article(sample_service):
    answer = sample_service.ask("集成电路产业有哪些重点工作？", top_k=8).answer
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        assert citation.article.body[citation.start : citation.end] == citation.text


@pytest.mark.parametrize(
    "question",
    ["量子计算机的工作原理是什么？", "巴黎奥运会中国队获得多少金牌？", "今天天气怎么样", "苹果公司的CEO是谁？"],
)
def test_questions_outside_the_corpus_are_refused(sample_service, question):
    answer = sample_service.ask(question).answer
    assert answer.no_answer and answer.text == ""
    assert answer.citations  # the closest passages are still shown
