"""One ``Article`` from what a page or feed item said: ids, headline clean-up, the field rules."""

import hashlib
import re

from qa.ingest.jsonl import MAX_TITLE_CHARS
from qa.ingest.web.credits import Credits
from qa.models import Article

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")
ID_TAIL_CHARS = 48
HEADLINE_SEARCH_LINES = 8


def stable_id(key: str) -> str:
    """An article id for a URL, feed guid or file name: its last part, readable, plus a hash of all of it.

    The scheme and a trailing slash are left out of the hash, so ``http://`` and ``https://`` copies of one
    article (a saved page and a feed item, say) get one id and are indexed once. Always a valid id
    (``qa.ingest.jsonl.ARTICLE_ID_RE``).
    """
    normalised = _SCHEME.sub("", key.strip()).rstrip("/")
    digest = hashlib.sha1(normalised.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    tail = _NOT_ID.sub("-", normalised.rsplit("/", 1)[-1]).strip("-_")[:ID_TAIL_CHARS].rstrip("-_")
    return f"{tail}-{digest}" if tail else digest  # at most 48 + 1 + 12 characters: under ARTICLE_ID_MAX


def _squeeze(text: str) -> str:
    return "".join(text.split())


def without_headline(lines: list[str], *headings: str | None) -> list[str]:
    """``lines`` from after the kicker, title or subtitle, which extractors keep among the first lines.

    What stands above the headline (a breadcrumb, a navigation line) is not the article either.
    """
    known = {_squeeze(h) for h in headings if h}
    last = -1
    for position, line in enumerate(lines[:HEADLINE_SEARCH_LINES]):
        if _squeeze(line) in known:
            last = position
    return lines[last + 1 :]


def split_headline(title: str, lines: list[str]) -> tuple[str, str | None, list[str]]:
    """(title, subtitle, body) when the first lines spell out ``title`` as title and 副题 lines.

    Feeds give the whole headline as one title (``标题 —— 副题``) while the body prints it on two lines:
    then the first line is the title and the ``——`` line the subtitle.
    """
    key = _squeeze(title)
    for count in (2, 3):
        head = lines[:count]
        if len(head) == count and _squeeze("".join(head)) == key and head[-1].startswith(("——", "—", "--")):
            return head[0], head[-1], lines[count:]
    return title, None, lines


def build_article(
    *,
    article_id: str,
    source: str,
    title: str | None,
    credits: Credits,
    kicker: str | None = None,
    subtitle: str | None = None,
    url: str | None = None,
    date: str | None = None,
    paper: str | None = None,
    page: str | None = None,
    section: str | None = None,
) -> Article:
    """The article; ``credits`` (what the text itself printed) win over the other, structural, values.

    Raises ``ValueError`` saying what is missing when there is no title or no body text.
    """
    title = " ".join((title or "").split())
    if not title:
        raise ValueError("no title")
    if len(title) > MAX_TITLE_CHARS:
        raise ValueError(f"title is longer than {MAX_TITLE_CHARS} characters")
    if not credits.body:
        raise ValueError("no article text")
    authors = tuple(dict.fromkeys(credits.authors))
    return Article(
        id=article_id,
        title=title,
        paragraphs=tuple(credits.body),
        source=source,
        subtitle=subtitle or None,
        kicker=kicker or None,
        author="、".join(authors) or None,
        date=credits.date or date,
        url=url or None,
        authors=authors,
        dateline=credits.dateline,
        paper=credits.paper or paper or None,
        page=credits.page or page or None,
        section=credits.section or section or None,
    )
