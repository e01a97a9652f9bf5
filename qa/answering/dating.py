"""Dates in answers: a day the cited article names relative to itself gets its absolute date (昨天 -> 昨天（4月27日）),
and a reply can say where and when its source was published (（人民日报，2026年4月28日）).

A report counts its days from its dateline (新华社北京5月3日电: 今天 is 3 May even in the paper of 4 May), else from
its publication date.
"""

import re
from datetime import date

from qa.answering.compose import Answer
from qa.answering.scope import paper_of
from qa.models import Article
from qa.text.when import parse_day, with_absolute_days

_CITED = re.compile(r"(.*?)(\[(\d+)\])", re.DOTALL)
_DATELINE = re.compile(r"(\d{1,2})月(\d{1,2})日电")
# How far into the body a dateline may stand (本报华沙、首尔、柏林6月23日电 opens it, or closes a short item).
DATELINE_CHARS = 40


def reference_day(article: Article) -> date | None:
    """The day an article's 昨天 and 今天 count from: its dateline's day, else its publication date."""
    published = parse_day(article.date)
    if published is None:
        return None
    match = _DATELINE.search(article.dateline or "") or _DATELINE.search(article.body[:DATELINE_CHARS])
    if match is None:
        return published
    # A dateline of 12月31日 in the paper of 1 January is last year's.
    for year in (published.year, published.year - 1):
        try:
            day = date(year, int(match[1]), int(match[2]))
        except ValueError:  # 2月30日, or 2月29日 of a year without one
            continue
        if day <= published:
            return day
    return published


def with_dates(answer: Answer) -> str:
    """The answer text, each cited sentence's relative days (昨天, 今日) followed by their date in its article."""
    articles = {c.n: c.article for c in answer.citations}

    def dated(match: re.Match[str]) -> str:
        article = articles.get(int(match[3]))
        day = reference_day(article) if article is not None else None
        return with_absolute_days(match[1], day) + match[2]

    return _CITED.sub(dated, answer.text)


def source_note(article: Article) -> str:
    """（人民日报，2026年4月28日）: the paper and day an article was published, as far as they are known."""
    day = parse_day(article.date)
    parts = [p for p in (paper_of(article), f"{day.year}年{day.month}月{day.day}日" if day else None) if p]
    return f"（{'，'.join(parts)}）" if parts else ""
