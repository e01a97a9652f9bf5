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
