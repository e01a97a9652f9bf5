"""Parse ``.html``/``.htm`` files: a saved news web page or e-paper article page is one article."""

import logging

from qa.errors import IngestError
from qa.ingest.web.article import build_article, stable_id, without_headline
from qa.ingest.web.credits import read_credits
from qa.ingest.web.dates import url_date
from qa.ingest.web.extract import extract
from qa.ingest.web.names import split_names
from qa.models import Article

logger = logging.getLogger(__name__)


def parse_html(text: str, source: str) -> tuple[list[Article], list[IngestError]]:
    """The page's article. Raises ``IngestError`` when the file holds no article (not HTML, no text, no title).

    The id comes from the page's URL when it names one (so a page and a feed item of the same article
    are one article), else from the file name (so editing the file keeps the id).
    """
    found = extract(text)
    if found is None:
        raise IngestError(source, "no article text found in this HTML page")
    known = split_names(found.author) if found.author else None
    lines = without_headline(found.lines, found.kicker, found.title, found.subtitle)
    credits = read_credits(lines, known)
    try:
        article = build_article(
            article_id=stable_id(found.url or source),
            source=source,
            title=found.title,
            credits=credits,
            kicker=found.kicker,
            subtitle=found.subtitle,
            url=found.url,
            date=found.date or url_date(found.url),
            paper=found.site,
            page=found.page,
            section=found.section,
        )
    except ValueError as exc:
        raise IngestError(source, f"{exc} in this HTML page") from None
    if credits.furniture:
        logger.debug("%s: set aside as furniture: %s", source, credits.furniture)
    return [article], []
