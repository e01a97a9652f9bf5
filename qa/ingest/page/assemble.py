"""One article from its draft: headline split, paragraphs, authors, dateline, date, paper, page, section.

Authors come from the first of: the bylines (and a metadata line's names), the reporters named after
the datelines, a closing credit (removed from the text), the photographers of a photo item.
"""

from qa.ingest.defaults import FileDefaults
from qa.ingest.names import unique
from qa.ingest.page import byline, datelines
from qa.ingest.page.headline import split_headline
from qa.ingest.page.lines import Layout, Line
from qa.ingest.page.paragraphs import paragraphs
from qa.ingest.page.segment import Draft
from qa.models import Article, content_id

FALLBACK_TITLE_CHARS = 30


def _bylines(draft: Draft) -> list[str]:
    names: list[str] = []
    for line in draft.bylines:
        names.extend(byline.byline(line.text) or byline.bare_names(line.text) or [])
    for line in draft.meta:
        names.extend(line.furniture.authors if line.furniture else ())
    return names


def furniture_values(lines: list[Line]) -> FileDefaults:
    """What furniture ``lines`` say of date, paper, page and section (the first line saying it wins)."""
    values = FileDefaults()
    for line in lines:
        if line.furniture is not None:
            found = line.furniture
            values = values.under(FileDefaults(found.date, found.paper, found.page, found.section))
    return values


def assemble(draft: Draft, layout: Layout, page: FileDefaults, source: str) -> Article:
    """The article ``draft`` holds; ``page`` gives what the article's own lines do not."""
    texts = paragraphs(draft.body, layout)
    credit = byline.closing_credit(texts[-1])
    if credit:
        rest, credited = credit
        texts = texts[:-1] + ([rest] if rest else [])
    if not texts:  # nothing but a credit: keep it as the text
        texts, credit = paragraphs(draft.body, layout), None
    authors = (
        _bylines(draft)
        or datelines.reporters(texts)
        or (credit[1] if credit else [])
        or [name for text in texts for name in byline.photographers(text)]
    )
    if draft.headline:
        kicker, title, subtitle = split_headline([line.text for line in draft.headline])
    else:  # text before the page's first headline: titled by its first words
        kicker, title, subtitle = None, texts[0][:FALLBACK_TITLE_CHARS], None
    values = furniture_values(draft.meta).under(page)
    names = unique(authors)
    body = "\n".join(texts)
    return Article(
        id=content_id(title, body),
        title=title,
        paragraphs=tuple(texts),
        source=source,
        subtitle=subtitle,
        kicker=kicker,
        author="、".join(names) or None,
        date=values.date,
        authors=names,
        dateline=datelines.first_dateline(texts),
        paper=values.paper,
        page=values.page,
        section=values.section,
    )
