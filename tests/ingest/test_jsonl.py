import json

import pytest

from qa.ingest.jsonl import parse_jsonl, validate_article_id


def line(**record) -> str:
    return json.dumps(record, ensure_ascii=False)


def test_valid_lines_become_articles_with_their_ids():
    text = "\n".join(
        [
            line(id="a-1", title="标题", body="第一段。\n\n第二段。", author="张三", date="2024-01-02", url="http://x"),
            line(title="无编号", paragraphs=["段落一。", " ", "段落二。"]),
        ]
    )
    articles, problems = parse_jsonl(text, "news.jsonl")
    assert problems == []
    first, second = articles
    assert (first.id, first.paragraphs, first.author, first.date, first.url) == (
        "a-1",
        ("第一段。", "第二段。"),
        "张三",
        "2024-01-02",
        "http://x",
    )
    assert second.paragraphs == ("段落一。", "段落二。")
    again, _ = parse_jsonl(text, "other.jsonl")
    assert again[1].id == second.id  # derived from the content, not the file


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_kept():
    text = "\n".join(
        [
            line(id="ok", title="好", body="正文。"),
            "{not json",
            line(title="", body="x"),
            line(title="无正文"),
            line(title="坏类型", body=3),
            "[1, 2]",
            line(id="../etc/passwd", title="越界", body="正文。"),
            "",
            line(id="ok2", title="也好", body="正文二。"),
        ]
    )
    articles, problems = parse_jsonl(text, "news.jsonl")
    assert [a.id for a in articles] == ["ok", "ok2"]
    messages = [str(p) for p in problems]
    assert [p.line for p in problems] == [2, 3, 4, 5, 6, 7]
    assert messages[0].startswith("news.jsonl:2: invalid JSON")
    assert "'title'" in messages[1]
    assert "'body'" in messages[2]
    assert "'body' must be a string" in messages[3]
    assert "JSON object" in messages[4]
    assert "'id'" in messages[5]


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "a\\b", ".hidden", "x" * 129, 5, None, "a..b"])
def test_unsafe_ids_are_rejected(bad):
    with pytest.raises(ValueError, match="'id'"):
        validate_article_id(bad)


def test_authors_dateline_paper_page_and_section_are_read():
    text = "\n".join(
        [
            line(
                title="甲",
                body="本报天津8月18日电  （记者李家鼎）记者获悉。",
                authors=["李家鼎", "王曦"],
                paper="人民日报",
                page="第 14 版",
                section="生态",
                date="2026年8月19日",
            ),
            line(title="乙", body="正文。", author="曲哲涵 刘温馨", page=9, dateline="本报北京8月18日电"),
            line(title="丙", body="正文。", authors="记者 张三、李四"),
            line(title="丁", body="本报北京8月18日电（记者曲哲涵、刘温馨）近期，多地受灾。"),
        ]
    )
    articles, problems = parse_jsonl(text, "news.jsonl")
    assert problems == []
    first, second, third, fourth = articles
    assert (first.authors, first.author, first.date) == (("李家鼎", "王曦"), "李家鼎、王曦", "2026-08-19")
    assert (first.paper, first.page, first.section, first.dateline) == ("人民日报", "14", "生态", "本报天津8月18日电")
    assert (second.authors, second.author, second.page, second.dateline) == (
        ("曲哲涵", "刘温馨"),
        "曲哲涵、刘温馨",
        "9",
        "本报北京8月18日电",
    )
    assert third.authors == ("张三", "李四")
    assert (fourth.authors, fourth.dateline) == (("曲哲涵", "刘温馨"), "本报北京8月18日电")  # from the text


def test_an_author_that_is_not_names_is_kept_whole():
    articles, _ = parse_jsonl(line(title="甲", body="正文。", author="Reuters staff") + "\n", "news.jsonl")
    assert (articles[0].authors, articles[0].author) == (("Reuters staff",), "Reuters staff")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "4月6日"}, "'date' must be a real date with a year, like 2026-04-28; got '4月6日'"),
        ({"date": "昨天"}, "'date' must be a real date with a year, like 2026-04-28; got '昨天'"),
        ({"authors": [1, 2]}, "'authors' must be a list of strings (or one string), got [1, 2]"),
        ({"paper": 3}, "'paper' must be a string, got int"),
        ({"section": ["要闻"]}, "'section' must be a string, got list"),
    ],
)
def test_bad_new_fields_are_reported_with_the_line(fields, message):
    text = line(title="好", body="正文。") + "\n" + line(title="坏", body="正文。", **fields) + "\n"
    articles, problems = parse_jsonl(text, "news.jsonl")
    assert [a.title for a in articles] == ["好"]
    assert [str(p) for p in problems] == [f"news.jsonl:2: {message}"]


def test_a_missing_date_comes_from_the_file_defaults():
    from qa.ingest.defaults import FileDefaults

    text = line(title="甲", body="正文。") + "\n" + line(title="乙", body="正文。", date="2026-01-02") + "\n"
    articles, _ = parse_jsonl(text, "news.jsonl", FileDefaults(date="2026-08-19", paper="人民日报"))
    assert [(a.date, a.paper) for a in articles] == [("2026-08-19", "人民日报"), ("2026-01-02", "人民日报")]


def test_articles_stored_before_the_new_fields_still_load_and_round_trip():
    from qa.models import Article

    old = {"id": "a", "title": "标题", "paragraphs": ["正文。"], "source": "x.txt", "author": "张三", "date": None}
    article = Article.from_dict(old)
    assert (article.authors, article.dateline, article.paper, article.page, article.section) == (
        (),
        None,
        None,
        None,
        None,
    )
    new = Article(id="b", title="t", paragraphs=("p。",), source="s", authors=("张三", "李四"), author="张三、李四")
    assert new.to_dict()["authors"] == ["张三", "李四"]
    assert Article.from_dict(new.to_dict()) == new
    assert new.fingerprint != Article(**{**new.__dict__, "page": "3"}).fingerprint
