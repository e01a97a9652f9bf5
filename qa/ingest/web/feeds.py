"""Parse RSS and Atom files (``.xml``, ``.rss``, ``.atom``): each item is one article.

feedparser reads every RSS and Atom dialect and tolerates much broken XML. Per item: the title (an
e-paper feed's ``[04版：要闻]`` prefix gives page and section), the HTML body (``content``, else the
summary) through the same extraction as a web page, the authors, the date (printed in the body, else
the item's timestamp in the feed's own time zone, else the link's date), the link as url, the first
category as section and the feed title as paper (a paper named in the text wins). The id comes from
the guid (else the link), so it stays the same however often the feed is read again.

An item without title or text is reported with its number and skipped; the others are kept. A file
that is no feed at all is reported whole; a feed broken part way is reported, and the items read
before the break are kept.
"""

import io
import logging
import re
from typing import Any
from xml.sax import SAXParseException

import feedparser

from qa.errors import IngestError
from qa.ingest.web.article import build_article, split_headline, stable_id, without_headline
from qa.ingest.web.credits import page_number, read_credits
from qa.ingest.web.dates import timestamp_date, url_date
from qa.ingest.web.extract import Extracted, extract, fragment_lines
from qa.ingest.web.names import split_names
from qa.models import Article

logger = logging.getLogger(__name__)

_PAGE_PREFIX = re.compile(r"^\s*[\[【]\s*(?P<page>[A-Za-z]?\d{1,3})\s*版\s*[：:]\s*(?P<section>[^\]】]{1,12})[\]】]\s*")


def _feed_bytes(text: str) -> dict[str, Any]:
    # Bytes in a stream: feedparser treats a str as a URL or file name to open. The text is already
    # decoded (qa.ingest.web.charset), so the header says UTF-8 over whatever the XML declaration says.
    return feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )


def _authors(entry: Any) -> list[str]:
    names: list[str] = []
    for person in entry.get("authors") or []:
        found = split_names(person.get("name") or "")
        names.extend(found or [])
    if not names and entry.get("author"):
        names = split_names(entry["author"]) or []
    return list(dict.fromkeys(names))


def _body_html(entry: Any) -> str:
    for content in entry.get("content") or []:
        if (content.get("value") or "").strip():
            return content["value"]
    return entry.get("summary") or ""


def _extracted(html: str, title: str) -> Extracted:
    """The item body as text lines: the page extractor, or the body's own blocks when it is too short
    for the extractor to call it an article (a two-paragraph brief, a summary)."""
    found = extract(f"<html><body><div>{html}</div></body></html>", title, fast=True)
    if found is None or not found.lines:
        return Extracted(lines=fragment_lines(html))
    return found


def _item(entry: Any, source: str, paper: str | None) -> Article:
    """One item's article. Raises ``ValueError`` saying what is missing."""
    title = " ".join((entry.get("title") or "").split())
    page = section = None
    if match := _PAGE_PREFIX.match(title):
        page, section = page_number(match["page"]), match["section"].strip()
        title = title[match.end() :]
    found = _extracted(_body_html(entry), title)
    title, subtitle, lines = split_headline(title, without_headline(found.lines, found.kicker, title, found.subtitle))
    credits = read_credits(lines, _authors(entry))
    link = entry.get("link")
    key = entry.get("id") or link
    if not key:
        raise ValueError("no guid or link to identify it")
    categories = [t.get("term") for t in entry.get("tags") or [] if (t.get("term") or "").strip()]
    date = timestamp_date(entry.get("published") or entry.get("updated")) or url_date(link)
    return build_article(
        article_id=stable_id(key),
        source=source,
        title=title,
        credits=credits,
        kicker=found.kicker,
        subtitle=found.subtitle or subtitle,
        url=link,
        date=date,
        paper=paper,
        page=page,
        section=section or (categories[0].strip() if categories else None),
    )


def _problem(exc: BaseException) -> str:
    """A feed parser error in words: ``malformed XML at line 74: mismatched tag``."""
    if isinstance(exc, SAXParseException):
        return f"malformed XML at line {exc.getLineNumber()}: {exc.getMessage()}"
    return f"malformed feed: {exc}"


def parse_feed(text: str, source: str) -> tuple[list[Article], list[IngestError]]:
    """Every item of an RSS or Atom feed; a bad item is reported with its number and the rest kept.

    Raises ``IngestError`` when the file is not a feed or holds no items.
    """
    feed = _feed_bytes(text)
    error = feed.get("bozo_exception") if feed.get("bozo") else None
    if isinstance(error, feedparser.CharacterEncodingOverride):
        error = None  # the text was decoded before (qa.ingest.web.charset): not a problem of the file
    if not feed.get("version") and not feed.entries:
        raise IngestError(source, "not an RSS or Atom feed" + (f" ({_problem(error)})" if error else ""))
    if not feed.entries:
        raise IngestError(source, "the feed has no items" + (f" ({_problem(error)})" if error else ""))
    problems: list[IngestError] = []
    if error is not None:
        kept = f"kept the {len(feed.entries)} items that could be read"
        problems.append(IngestError(source, f"{_problem(error)}; {kept}"))
    paper = " ".join((feed.feed.get("title") or "").split()) or None
    articles: list[Article] = []
    for number, entry in enumerate(feed.entries, start=1):
        try:
            articles.append(_item(entry, source, paper))
        except ValueError as exc:
            title = " ".join((entry.get("title") or "").split())
            named = f" ({title[:40]})" if title else ""
            problems.append(IngestError(source, f"item {number}{named}: {exc}; skipped"))
    return articles, problems
