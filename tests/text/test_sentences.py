"""Sentence splitting: every word of a text is in a sentence, at a cost linear in the text's length."""

import time

from qa.indexing.chunking import chunk_article
from qa.models import Article
from qa.text.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_a_paragraph_without_a_final_mark_is_a_sentence_when_another_follows():
    assert sentences("第一段没有句号\n第二段也没有") == ["第一段没有句号", "第二段也没有"]
    assert sentences("一、总体要求\n全文在这里。最后一句没有句号\n\n电头 北京5月1日") == [
        "一、总体要求",
        "全文在这里。",
        "最后一句没有句号",
        "电头 北京5月1日",
    ]


def test_headings_list_items_and_datelines_are_chunked():
    paragraphs = ("一、长江大桥维修工程", "（一）总体要求", "本报北京5月1日电", "工程将于明年完工。")
    article = Article(id="a", title="标题", paragraphs=paragraphs, source="s")
    chunks = chunk_article(article, 240, 60)
    text = "".join(chunk.text for chunk in chunks)
    assert all(paragraph in text for paragraph in paragraphs)
    assert all(article.body[c.start : c.end] == c.text for c in chunks)


def test_closing_quotes_stay_with_their_sentence():
    assert sentences("他说：“好。”然后走了。\n  标题  \n最后！！”尾巴") == [
        "他说：“好。”",
        "然后走了。",
        "标题",
        "最后！！”",
        "尾巴",
    ]


def test_a_long_unpunctuated_paragraph_costs_its_length():
    # 1 MiB without a mark, then another paragraph: the old pattern retried the run from every character.
    text = "字" * (1 << 20) + "\n" + "尾"
    started = time.process_time()
    spans = sentence_spans(text)
    assert time.process_time() - started < 1.0
    assert spans == [(0, 1 << 20), ((1 << 20) + 1, (1 << 20) + 2)]
