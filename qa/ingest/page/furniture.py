"""Page furniture: lines that describe the page or an article rather than being its text.

- the folio, once per page or under each headline: ``《人民日报》（2026年04月28日 第 10 版）``,
  ``《 学习时报 》（ 2026年05月01日  第 09 版 ）``;
- an article's metadata line: ``（ 2026-04-28 ） 稿件来源：新华每日电讯 要闻``, ``张勇 字数: 1676``;
- credit lines: ``本版责编：…``, ``版式设计：…``, ``本版邮箱：…``.

They never become an article or body text; their date, paper, page, section and authors are kept.
"""

import re
from dataclasses import dataclass

from qa.ingest.dates import DATE_TEXT_RE, find_date
from qa.ingest.defaults import page_label
from qa.ingest.names import parse_names
from qa.text.sentences import ends_sentence

MAX_FURNITURE_CHARS = 160
FOLIO_PAPER_RE = re.compile(r"^《\s*(?P<paper>[^》]{1,20}?)\s*》(?P<rest>.*)$")
PAGE_RE = re.compile(r"(?:第\s*)?(?<![0-9A-Za-z])(?P<page>[0-9A-Za-z]{1,4})\s*版(?P<after>.*)$")
# A page header without a date (第 05 版：国际), or a date line alone (2026年5月19日 星期二 农历四月初三).
PAGE_ONLY_RE = re.compile(r"^第\s*(?P<page>[0-9A-Za-z]{1,4})\s*版\s*[:：]?\s*(?P<section>[\u4e00-\u9fff]{0,10})$")
DATE_ONLY_RE = re.compile(r"^\s*(?:星期.|周.|农历\S{2,8}|[（(]?[\u4e00-\u9fff]{2,3}年[)）]?|\s)*$")
META_RE = re.compile(
    r"^(?:[（(]\s*(?P<date>[^）)]{6,20}?)\s*[)）])?\s*(?:稿件|本文|文章)?来源[:：]\s*(?P<rest>\S.{0,40})$"
)
WORDCOUNT_RE = re.compile(r"^(?P<names>.*?)\s*字数\s*[:：]?\s*\d+\s*字?$")
CREDIT_RE = re.compile(
    r"^[（(]?(?:[一二三四五六七八九十\d]{1,3}版|本版|本期|本刊)?"
    r"(?:责编|责任编辑|编辑|美编|校对|版式设计|版式|设计|制图|图表制作|统筹|策划|邮箱|电子邮箱)\s*[:：]"
)


@dataclass(frozen=True)
class Furniture:
    """One furniture line and what it says."""

    kind: str  # "folio", "meta" (an article's metadata line), "credit"
    date: str | None = None
    paper: str | None = None
    page: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()


def _folio(text: str) -> Furniture | None:
    """A date with a year, and a 《paper》 or a 第 N 版: ``《人民日报》（2026年04月28日 第 10 版）``,
    ``人民日报 2026年05月19日 第05版 要闻``, ``《人民日报》（2026年05月19日）``."""
    page_only = PAGE_ONLY_RE.match(text)
    if page_only:
        return Furniture("folio", page=page_label(page_only.group("page")), section=page_only.group("section") or None)
    date = find_date(text)
    if date is None or re.search("[，。；！？]", text):  # running text that happens to name a page
        return None
    date_match = DATE_TEXT_RE.search(text)
    if date_match and DATE_ONLY_RE.match(text[: date_match.start()] + text[date_match.end() :]):
        return Furniture("folio", date=date)
    named = FOLIO_PAPER_RE.match(text)
    page = PAGE_RE.search(text)
    if page is None and (named is None or not re.fullmatch(r"\s*[（(][^（）()]*[)）]\s*", named.group("rest"))):
        return None
    if named:
        paper = named.group("paper")
    else:
        before = text[: DATE_TEXT_RE.search(text).start()].strip(" （(")  # type: ignore[union-attr]
        paper = before if re.fullmatch(r"[\u4e00-\u9fff]{2,12}", before) else None
    return Furniture(
        "folio",
        date=date,
        paper=paper,
        page=page_label(page.group("page")) if page else None,
        section=(page.group("after").strip(" ）)：:") or None) if page else None,
    )


def _meta(text: str) -> Furniture | None:
    match = META_RE.match(text)
    if match:
        date = find_date(match.group("date") or "")
        parts = match.group("rest").split()
        return Furniture("meta", date=date, paper=parts[0], section=" ".join(parts[1:]) or None)
    match = WORDCOUNT_RE.match(text)
    if match:
        parsed = parse_names(match.group("names"), bare_surnames=False) if match.group("names") else None
        return Furniture("meta", authors=tuple(parsed[0]) if parsed else ())
    return None


def classify(text: str) -> Furniture | None:
    """What furniture line ``text`` is, or None for a line of the articles."""
    if len(text) > MAX_FURNITURE_CHARS:
        return None
    if CREDIT_RE.match(text) and not re.search("[。？！，]", text):
        return Furniture("credit")
    if ends_sentence(text):
        return None
    return _meta(text) or _folio(text)
