"""Which articles a question is about in time and place: the dates it names (or the request's ``date_from`` /
``date_to``), the paper the request names, and whether newer articles should come first.

``Scope`` is what a request brings (its reference day and filters); ``read_scope`` reads the question against it
(``qa.text.when``) into a ``Plan`` for retrieval: the publication days allowed, the paper, and the question
without its time words. ``Catalog`` holds, per chunk row of one version, its article's publication day, paper and
group of copies, so a plan becomes the rows a search may return.
"""

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from qa.index.store import IndexData
from qa.models import Article
from qa.text.when import DateRange, parse_day, question_time

NO_DAY = -1
# A question naming a number (第一百六十六次, 2025年) is about that one: newer editions must not come first.
_NAMES_A_NUMBER = re.compile(r"\d|第[〇零一二三四五六七八九十百千]+[次届期批轮]")


def paper_of(article: Article) -> str | None:
    """The paper an article was printed in. JSON Lines records written before ``paper`` existed name it as their
    ``source`` (人民日报), where parsed files have a file name (``rmrb_20260430_04.txt``)."""
    if article.paper:
        return article.paper
    source = article.source or ""
    return source if source and not re.search(r"[./\\]", source) else None


@dataclass(frozen=True)
class Scope:
    """What a request narrows the search to, and the day its relative dates (昨天, 上周) count from."""

    today: date
    date_from: date | None = None
    date_to: date | None = None
    paper: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from.isoformat()} is after date_to {self.date_to.isoformat()}")


@dataclass(frozen=True)
class Plan:
    """A question read against its scope: what retrieval searches for and among which articles."""

    query: str  # the question, without the time words that became a date filter
    published: DateRange | None  # publication days allowed (None: any day, undated articles included)
    paper: str | None
    recent: bool  # newer articles first (最新, 最近, 近期)
    recurring: bool  # no date and no number: if several editions of one report match, the newest first
    nothing: bool = False  # the question's dates and the request's have no day in common


def read_scope(question: str, scope: Scope | None) -> Plan:
    """The retrieval plan of ``question`` within ``scope`` (None: no dates understood, no filter)."""
    if scope is None:
        return Plan(question, None, None, False, False)
    asked = question_time(question, scope.today)
    published = asked.range.published() if asked.range else None
    if scope.date_from or scope.date_to:
        requested = DateRange(scope.date_from or date.min, scope.date_to or date.max)
        published = requested if published is None else published.intersect(requested)
        if published is None:
            return Plan(question, None, scope.paper, asked.recent, False, nothing=True)
    query = asked.without_time(question) if asked.range else question
    recurring = asked.range is None and not asked.recent and not _NAMES_A_NUMBER.search(question)
    return Plan(query, published, scope.paper, asked.recent, recurring)


class Catalog:
    """Per chunk row of one version: its article's publication day (an ordinal, ``NO_DAY`` when undated), paper
    and story (its group of copies; -1: none)."""

    def __init__(self, data: IndexData) -> None:
        article_day = {a.id: parse_day(a.date) for a in data.articles.values()}
        papers = sorted({p for a in data.articles.values() if (p := paper_of(a))})
        self.paper_codes = {paper: code for code, paper in enumerate(papers)}
        article_paper = {a.id: self.paper_codes.get(paper_of(a) or "", -1) for a in data.articles.values()}
        stories = data.stories.groups if data.stories is not None else []
        self.primary = [group[0] for group in stories]  # per story, the article id of its primary copy
        article_story = {article_id: n for n, group in enumerate(stories) for article_id in group}
        n = len(data.chunks)
        self.day = np.full(n, NO_DAY, dtype=np.int64)
        self.paper = np.full(n, -1, dtype=np.int64)
        self.story = np.full(n, -1, dtype=np.int64)
        if not (any(article_day.values()) or self.paper_codes or article_story):
            return  # nothing dated, no papers, no copies (benchmarks' synthetic chunks too): nothing to look up
        for row in range(n):
            chunk = data.chunks[row]
            day = article_day.get(chunk.article_id)
            self.day[row] = day.toordinal() if day else NO_DAY
            self.paper[row] = article_paper.get(chunk.article_id, -1)
            self.story[row] = article_story.get(chunk.article_id, -1)

    def rows(self, plan: Plan) -> np.ndarray | None:
        """The rows a search under ``plan`` may return (None: every row)."""
        if plan.nothing:
            return np.zeros(0, dtype=np.int64)
        mask = None
        if plan.published is not None:
            lo, hi = plan.published.start.toordinal(), plan.published.end.toordinal()
            mask = (self.day >= lo) & (self.day <= hi)
        if plan.paper is not None:
            code = self.paper_codes.get(plan.paper)
            same = self.paper == code if code is not None else np.zeros(len(self.paper), dtype=bool)
            mask = same if mask is None else mask & same
        return None if mask is None else np.flatnonzero(mask)
