"""Main text and metadata of one news web page (or a feed item's HTML), through trafilatura.

trafilatura finds the article among the page furniture and reads title, author, date and site name from
the markup. Around it, what Chinese news pages need:

- the headline block: the heading just above the title heading is the 引题 (kicker: people.com.cn's
  ``h3.pre``, the e-paper's ``h3``), the one just below is the 副题 (``h4.sub``, ``h2``);
- e-paper pages of the Founder (方正) system mark the article with ``<founder-title>``,
  ``<founder-author>`` and ``<founder-content>`` inside a layout table, which a generic extractor
  reads as a table of navigation: those tags are used directly;
- the site name and channel from a ``<title>`` like ``标题--经济·科技--人民网``;
- the page's URL from ``<link rel=canonical>``/``og:url``, or from the ``<!-- saved from url=… -->``
  comment a browser writes into a saved page;
- furniture blocks marked with pinyin class names (``ewm`` 二维码, ``xglj`` 相关链接, …) pruned.
"""

import copy
import logging
import re
from dataclasses import dataclass, field

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError

from qa.ingest.web.credits import page_number
from qa.ingest.web.dates import iso_date

logger = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s*(?:--|－－|_|\||｜|-|－|—)\s*")
# Class/id tokens Chinese news sites give furniture blocks (tested as whole tokens, so "ad" never
# matches "head"): QR codes, related links/news, recommendations, share bars, ads, correction links.
_FURNITURE_TOKENS = (
    "ewm erweima qrcode xglj xgxw xgwz tuijian share fenxiang adv ad_pic guanggao jiucuo "
    "tiyi1 nextpage page-share pageShare bdsharebuttonbox"
).split()
PRUNE_XPATH = [
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {token} ') or @id='{token}']"
    for token in _FURNITURE_TOKENS
]
_PAGE_BANNER = re.compile(r"第\s*(?P<page>[A-Za-z]?\d{1,3})\s*版\s*[：:]\s*(?P<section>[\u4e00-\u9fff]{1,8})")
_EPAPER_SUFFIX = re.compile(r"(?:数字报|电子版|数字版|电子报)$")
MAX_SITE_CHARS = 20
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MAX_HEADLINE_CHARS = 80


@dataclass
class Extracted:
    """What a page says about its one article, before credits are sorted out of the lines."""

    title: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    lines: list[str] = field(default_factory=list)
    author: str | None = None
    date: str | None = None
    site: str | None = None
    section: str | None = None
    page: str | None = None
    url: str | None = None


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def parse_tree(markup: str) -> lxml_html.HtmlElement | None:
    """The document tree of ``markup``, or None when it holds no HTML at all."""
    try:
        # An XML declaration naming an encoding makes lxml refuse an already decoded string.
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (ParserError, ValueError):
        return None


def _sibling(element: lxml_html.HtmlElement, forward: bool) -> lxml_html.HtmlElement | None:
    """The nearest element beside ``element`` that has text (comments and empty elements skipped)."""
    current = element.getnext() if forward else element.getprevious()
    while current is not None and (not isinstance(current.tag, str) or not _text(current)):
        current = current.getnext() if forward else current.getprevious()
    return current


def _headline(tree: lxml_html.HtmlElement, title: str | None) -> tuple[str | None, str | None, str | None]:
    """(kicker, title, subtitle) from the element holding ``title`` (or the first ``h1``) and its neighbours.

    The title may sit in a ``<p>`` right after an emptied ``<h1>``: e-paper pages write ``<h1><p>…</p></h1>``,
    which an HTML parser splits that way.
    """
    key = _squeeze(title or "")
    main = next((e for e in tree.iter("h1", "h2", "h3", "p") if key and _squeeze(_text(e)) == key), None)
    if main is None:
        main = next((h for h in tree.iter("h1") if _text(h)), None)
    if main is None:
        return None, title, None

    def heading(element: lxml_html.HtmlElement | None) -> str | None:
        if element is None or element.tag not in _HEADINGS or element.tag == "h1":
            return None
        text = _text(element)
        return text if len(text) <= MAX_HEADLINE_CHARS else None

    return heading(_sibling(main, False)), _text(main), heading(_sibling(main, True))


def _founder(tree: lxml_html.HtmlElement) -> Extracted | None:
    """The article of a Founder e-paper page, or None when the page is not one."""
    content = tree.find(".//founder-content")
    title = tree.find(".//founder-title")
    if content is None or title is None:
        return None
    paragraphs = content.findall(".//p") or [content]
    author = tree.find(".//founder-author")
    subtitle = tree.find(".//founder-subtitle")
    # The page's banner (date, 第A05版：城事) is the text above the article in the layout table.
    body = tree.find(".//body")
    page_text = _text(body if body is not None else tree)
    banner = page_text[: page_text.find(_text(title))]
    page = _PAGE_BANNER.search(banner)
    return Extracted(
        title=_text(title) or None,
        date=iso_date(banner),
        page=page_number(page["page"]) if page else None,
        section=page["section"] if page else None,
        subtitle=_text(subtitle) or None if subtitle is not None else None,
        lines=[line for p in paragraphs if (line := _text(p))],
        author=_text(author) or None if author is not None else None,
    )


def _title_parts(tree: lxml_html.HtmlElement, title: str | None) -> tuple[str | None, str | None]:
    """(site, section) from ``<title>``: ``标题--频道--站名`` or, on e-paper pages, ``江南晚报数字报-标题``."""
    element = tree.find(".//title")
    if element is None or not title:
        return None, None
    parts = [p for p in _TITLE_SEPARATORS.split(_text(element)) if p]
    key = _squeeze(title)
    if len(parts) >= 2 and key.startswith(_squeeze(parts[0])):
        site = parts[-1]
        section = parts[-2] if len(parts) >= 3 else None
    elif len(parts) >= 2 and key.endswith(_squeeze(parts[-1])):
        site, section = parts[0], None
    else:
        return None, None
    site = _EPAPER_SUFFIX.sub("", site)
    return (site if len(site) <= MAX_SITE_CHARS else None), (section if section and len(section) <= 12 else None)


def _meta(tree: lxml_html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for element in tree.xpath(f"//meta[@name='{name}' or @property='{name}']"):
            if value := (element.get("content") or "").strip():
                return value
    return None


def _url(tree: lxml_html.HtmlElement, markup: str, found: str | None) -> str | None:
    if found and found.startswith(("http://", "https://")):
        return found
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        if href.startswith(("http://", "https://")):
            return href.strip()
    saved = _SAVED_FROM.search(markup[:2000])
    return saved.group(1) if saved and saved.group(1).startswith(("http://", "https://")) else None


_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _lines(text: str | None) -> list[str]:
    """Non-empty lines, spaces squeezed; a table row (``| a | b |``, as trafilatura writes one) is one line per cell."""
    lines: list[str] = []
    for line in (text or "").split("\n"):
        line = line.strip()
        cells = _CELL_SEPARATOR.split(line[1:-1]) if len(line) > 1 and line[0] == line[-1] == "|" else [line]
        lines.extend(squeezed for cell in cells if (squeezed := " ".join(cell.replace("\\|", "|").split())))
    return lines


_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "figcaption", "blockquote")


def fragment_lines(markup: str) -> list[str]:
    """The text of an HTML fragment, one line per block element (and per ``<br>``)."""
    tree = parse_tree(f"<html><body><div>{markup}</div></body></html>")
    if tree is None:
        return []
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in tree.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
        block.text = "\n" + (block.text or "")
    for gone in tree.xpath("//script|//style"):
        gone.drop_tree()
    return _lines(tree.text_content())


def extract(markup: str, title: str | None = None, fast: bool = False) -> Extracted | None:
    """The article of one HTML document, or None when no article text is found in it.

    ``title``, when known (a feed item's), tells which heading is the article's. ``fast`` skips the
    second-opinion extractors (jusText, readability), which cost about 10 ms a document: for a feed item,
    whose HTML the publisher already cut down to the article.
    """
    tree = parse_tree(markup)
    if tree is None:
        return None
    found = _founder(tree)
    document = None
    if found is None:
        document = trafilatura.bare_extraction(
            copy.deepcopy(tree),
            fast=fast,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            prune_xpath=PRUNE_XPATH,
            # Only dates the page states in its markup or URL: a guess from the text (a copyright year,
            # a date in the sidebar) is worse than no date.
            date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"},
        )
        if document is None or not (document.text or "").strip():
            return None
        kicker, heading, subtitle = _headline(tree, title or document.title)
        found = Extracted(
            title=heading or document.title,
            kicker=kicker,
            subtitle=subtitle,
            lines=_lines(document.text),
            author=document.author,
            date=iso_date(document.date),
        )
    site, section = _title_parts(tree, found.title)
    # trafilatura falls back to the host name; the name the site gives itself in <title> reads better.
    found.site = _meta(tree, "og:site_name") or site or (document.sitename if document is not None else None)
    found.section = found.section or _meta(tree, "article:section") or section
    found.url = _url(tree, markup, document.url if document is not None else None)
    found.date = found.date or iso_date(_meta(tree, "publishdate", "pubdate", "article:published_time"))
    return found
