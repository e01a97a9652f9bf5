"""The answer composer on hand-made articles: which sentence answers, and how it is cited. No model."""

import numpy as np
import pytest

from qa.answering.compose import MAX_ANSWER_CHARS, Composer
from qa.answering.retrieval import Hit, Query
from qa.indexing.chunking import chunk_article
from qa.models import Article
from qa.text.segmentation import Tokenizer, term_weight


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def article(article_id: str, title: str, *paragraphs: str) -> Article:
    return Article(id=article_id, title=title, paragraphs=paragraphs, source="test")


def ask(tokenizer: Tokenizer, question: str, articles: list[Article], hit_chunks: list[int] | None = None, size=240):
    """Compose over the given articles as if retrieval returned their chunks in this order."""
    chunks = [chunk for a in articles for chunk in chunk_article(a, size, 0)]
    by_article: dict[str, list] = {}
    for chunk in chunks:
        by_article.setdefault(chunk.article_id, []).append(chunk)
    picked = [chunks[i] for i in (hit_chunks if hit_chunks is not None else range(len(chunks)))]
    hits = [Hit(chunk, row, 1 / (60 + row), 0.0, 0.0) for row, chunk in enumerate(picked)]
    query = Query(question, tokenizer.tokens(question), np.zeros(4, dtype=np.float32))
    answer = Composer(term_weight, by_article).compose(query, hits, {a.id: a for a in articles})
    for citation in answer.citations:
        assert citation.article.body[citation.start : citation.end] == citation.text
    return answer


FISH = article(
    "fish",
    "蓝线裸顶鲷",
    "蓝线裸顶鲷，又称蓝线白𫚭，俗名龙尖，为辐鳍鱼纲鲈形目龙占鱼科的其中一个种。"
    "本鱼分布于印度太平洋区，包括东非、红海、日本及澳洲等海域。本鱼体长可达80公分。"
    "栖息在岩礁附近的沙质海域，以甲壳类、头足类和小鱼为食。",
)


def test_the_sentence_with_the_asked_detail_wins_over_the_one_naming_the_topic(tokenizer):
    answer = ask(tokenizer, "蓝线裸顶鲷的体长可达多少公分？", [FISH])
    assert not answer.no_answer
    assert answer.text == "本鱼体长可达80公分。[1]"
    assert answer.citations[0].text == "本鱼体长可达80公分。"


def test_a_fact_just_outside_the_retrieved_passage_is_found_and_cited_with_its_own_chunk(tokenizer):
    # Small chunks: only the first is retrieved; the diet is two chunks further on.
    answer = ask(tokenizer, "蓝线裸顶鲷以什么为食？", [FISH], hit_chunks=[0], size=60)
    [cited] = [c for c in answer.citations if "以甲壳类、头足类和小鱼为食" in c.text]
    assert f"{cited.text}[{cited.n}]" in answer.text
    chunks = chunk_article(FISH, 60, 0)
    holder = next(c for c in chunks if c.start <= cited.start and cited.end <= c.end)
    assert cited.chunk_id == holder.id != chunks[0].id


def test_a_consequence_comes_with_its_cause(tokenizer):
    tree = article(
        "tree",
        "猴面包树",
        "猴面包树是一种大型落叶乔木。钙含量比菠菜高50％以上，维生素C含量是单个橙子的三倍。"
        "因此它有时也被称为笨蛋水果。它的树干可以储水。",
    )
    answer = ask(tokenizer, "为什么称猴面包树为笨蛋水果？", [tree])
    assert answer.text.startswith("钙含量比菠菜高50％以上")
    assert "因此它有时也被称为笨蛋水果。" in answer.text


def test_a_question_asking_for_a_description_gets_the_next_sentence_too(tokenizer):
    plant = article(
        "plant",
        "天门冬",
        "天门冬是天门冬科天门冬属的植物。天门冬的块根呈纺锤状，长4至10厘米。外皮灰黄色，质地柔润。",
        "天门冬分布于中国大陆的河北、山西等地。",
    )
    answer = ask(tokenizer, "天门冬的块根有什么特点？", [plant])
    assert answer.text == "天门冬的块根呈纺锤状，长4至10厘米。外皮灰黄色，质地柔润。[1]"
    simple = ask(tokenizer, "天门冬分布在哪里？", [plant])
    assert simple.text == "天门冬分布于中国大陆的河北、山西等地。[1]"  # a plain question: one sentence


def test_a_year_the_passages_never_mention_is_refused(tokenizer):
    finals = article(
        "nba", "2008年NBA总决赛", "2008年NBA总决赛由波士顿凯尔特人与洛杉矶湖人对决。凯尔特人以4比2夺得总冠军。"
    )
    assert "凯尔特人" in ask(tokenizer, "2008年NBA总决赛的总冠军是哪支球队？", [finals]).text
    refused = ask(tokenizer, "2016年NBA总决赛的总冠军是哪支球队？", [finals])
    assert refused.no_answer and refused.text == "" and refused.citations


def test_a_question_the_passages_do_not_address_is_refused(tokenizer):
    answer = ask(tokenizer, "特斯拉公司的首席执行官是谁？", [FISH])
    assert answer.no_answer and answer.text == ""
    assert [c.chunk_id for c in answer.citations] == [c.id for c in chunk_article(FISH, 240, 0)]


def test_long_sentences_are_cut_to_the_clauses_that_answer(tokenizer):
    long = article(
        "long",
        "五月艾",
        "五月艾是菊科蒿属的植物，"
        + "，".join(f"在第{i}个山谷中也有少量生长" for i in range(12))
        + "，花期在八月至十月。",
    )
    answer = ask(tokenizer, "五月艾的花期在几月？", [long])
    assert "花期在八月至十月" in answer.text
    assert len(answer.citations[0].text) <= MAX_ANSWER_CHARS
