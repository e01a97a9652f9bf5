"""Questions about an article's record (谁写的, 哪天发表, 哪家报纸, 第几版) answered from it. No model."""

import numpy as np
import pytest

from qa.answering.compose import Composer
from qa.answering.metadata import asked_field, compose_metadata, metadata_answer
from qa.answering.retrieval import Hit, Query
from qa.indexing.chunking import chunk_article
from qa.models import Article
from qa.text.segmentation import Tokenizer, term_weight

REPORT = Article(
    id="rain",
    title="中东部大范围降雨过程持续",
    paragraphs=(
        "本报北京5月18日电\u00a0\u00a0（记者蒋雪鸿）气象监测显示，5月18日白天，山东、湖南等地出现暴雨。",
        "本报北京5月18日电\u00a0\u00a0（记者刘温馨）国家防总办公室继续组织联合会商。",
    ),
    source="rmrb_20260519_15.txt",
    author="蒋雪鸿、刘温馨",
    date="2026-05-19",
    authors=("蒋雪鸿", "刘温馨"),
    dateline="本报北京5月18日电",
    paper="人民日报",
    page="15",
)


def answer(question: str, article: Article = REPORT):
    chunks = chunk_article(article, 240, 0)
    hits = [Hit(c, i, 1 / (60 + i), 0.8, 5.0, i + 1, i + 1) for i, c in enumerate(chunks)]
    tokenizer = Tokenizer()
    query = Query(question, tokenizer.tokens(question), np.zeros(4, dtype=np.float32))
    draft = Composer(term_weight, {article.id: chunks}).draft(query, hits, {article.id: article})
    meta = metadata_answer(draft, {article.id: article})
    return meta and compose_metadata(meta, draft, {article.id: article}, question)


@pytest.mark.parametrize(
    "question,field",
    [
        ("中东部降雨这篇报道是谁写的？", "authors"),
        ("这篇降雨报道的记者是谁？", "authors"),
        ("降雨的报道是哪天发表的？", "date"),
        ("降雨的报道哪天发表？", "date"),
        ("降雨的报道登在哪家报纸上？", "paper"),
        ("降雨的报道在第几版？", "page"),
        ("5月18日哪些地方出现暴雨？", None),
    ],
)
def test_which_field_a_question_asks_for(question, field):
    assert asked_field(question) == field


def test_who_wrote_it_is_answered_from_the_record_citing_the_byline():
    result = answer("中东部降雨这篇报道是谁写的？")
    assert result is not None and not result.no_answer
    assert result.text == "《中东部大范围降雨过程持续》的作者：蒋雪鸿、刘温馨。[1]"
    cited = result.citations[0]
    assert REPORT.body[cited.start : cited.end] == cited.text and "蒋雪鸿" in cited.text
    short = result.short_answer
    assert short is not None and REPORT.body[short.start : short.end] == "蒋雪鸿" and short.citation == 1


@pytest.mark.parametrize(
    "question,text",
    [
        ("降雨的报道哪天发表？", "《中东部大范围降雨过程持续》发表于2026-05-19。[1]"),
        ("降雨的报道登在哪家报纸上？", "《中东部大范围降雨过程持续》刊登在人民日报。[1]"),
        ("降雨的报道在第几版？", "《中东部大范围降雨过程持续》刊登在第15版。[1]"),
    ],
)
def test_date_paper_and_page_from_the_record(question, text):
    result = answer(question)
    assert result is not None and result.text == text
    cited = result.citations[0]
    assert REPORT.body[cited.start : cited.end] == cited.text


def test_without_the_field_in_the_record_the_question_is_left_to_the_answerer():
    bare = Article("bare", REPORT.title, REPORT.paragraphs, "x")
    assert answer("降雨的报道在第几版？", bare) is None
