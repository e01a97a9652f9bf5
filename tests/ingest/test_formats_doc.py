"""The HTML and feed examples of docs/formats.md parse as the page says."""

import re
from pathlib import Path

from qa.ingest.web.feeds import parse_feed
from qa.ingest.web.html import parse_html

DOC = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")


def example(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOC, re.DOTALL).group(1)


def test_the_html_example_gives_the_fields_the_doc_lists():
    [article], _ = parse_html(example("html"), "example.html")
    assert (article.kicker, article.author) == ("海关总署发布最新数据", "王云杉、罗珊珊")
    assert (article.dateline, article.date) == ("本报北京4月27日电", "2024-04-28")
    assert (article.paper, article.page, article.section) == ("人民日报", "3", "经济·科技")
    assert article.paragraphs == ("本报北京4月27日电 （记者王云杉、罗珊珊）海关总署27日发布数据……",)


def test_the_feed_example_gives_one_article_without_the_editor_line():
    [article], problems = parse_feed(example("xml"), "example.xml")
    assert problems == [] and article.body == "本报讯（记者 周明）4月29日，省政府召开常务会议……"
    assert (article.authors, article.date) == (("周明",), "2024-04-30")
    assert (article.section, article.paper) == ("时政", "江南新闻网")
