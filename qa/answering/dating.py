"""Dates in answers: a day the cited article names relative to itself gets its absolute date (昨天 -> 昨天（4月27日）),
and a reply can say where and when its source was published (（人民日报，2026年4月28日）)."""

import re

from qa.answering.compose import Answer
from qa.answering.scope import paper_of
from qa.models import Article
from qa.text.when import parse_day, with_absolute_days

_CITED = re.compile(r"(.*?)(\[(\d+)\])", re.DOTALL)


def with_dates(answer: Answer) -> str:
    """The answer text, each cited sentence's relative days (昨天, 今日) followed by their date in its article."""
    articles = {c.n: c.article for c in answer.citations}

    def dated(match: re.Match[str]) -> str:
        article = articles.get(int(match[3]))
        day = parse_day(article.date) if article is not None else None
        return with_absolute_days(match[1], day) + match[2]

    return _CITED.sub(dated, answer.text)


def source_note(article: Article) -> str:
    """（人民日报，2026年4月28日）: the paper and day an article was published, as far as they are known."""
    day = parse_day(article.date)
    parts = [p for p in (paper_of(article), f"{day.year}年{day.month}月{day.day}日" if day else None) if p]
    return f"（{'，'.join(parts)}）" if parts else ""
