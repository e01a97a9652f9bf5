"""Parse a newspaper page text file (.txt) into its articles.

A page holds several articles, laid out by conventions that differ from paper to paper and are
measured on each page (``lines.measure_layout``), never assumed from a paper's name. The steps:

1. clean the lines and mark page furniture (``furniture``: folio, metadata and credit lines);
2. split the lines into articles (``segment``): headline, header (bylines, metadata) and body;
3. per article, split the headline (``headline``), join broken paragraphs (``paragraphs``) and find
   its authors and dateline (``byline``, ``datelines``) and its date, paper, page and section.
"""

from qa.errors import IngestError
from qa.ingest.dates import date_from_name
from qa.ingest.defaults import FileDefaults
from qa.ingest.page.assemble import assemble, furniture_values
from qa.ingest.page.furniture import classify
from qa.ingest.page.lines import measure_layout, read_lines
from qa.ingest.page.segment import segment
from qa.ingest.result import FileRead
from qa.models import Article


def read_page(text: str, source: str, defaults: FileDefaults | None = None) -> FileRead:
    """Split one page into articles, keeping its furniture apart. Never raises for content."""
    if defaults is None:
        defaults = FileDefaults(date=date_from_name(source))
    lines = read_lines(text)
    for line in lines:
        line.furniture = classify(line.text)
    layout = measure_layout(lines)
    segments = segment(lines, layout)
    page = furniture_values(segments.furniture).under(defaults)
    result = FileRead(furniture=[(line.number, line.text) for line in lines if line.furniture is not None])
    for draft in segments.drafts:
        if not draft.body:
            headline = " / ".join(line.text for line in draft.headline + draft.bylines)
            where = draft.headline[0].number if draft.headline else None
            result.problems.append(IngestError(source, f"headline {headline!r} has no text below it", where))
            continue
        result.articles.append(assemble(draft, layout, page, source))
    if not result.articles and not result.problems:
        result.problems.append(IngestError(source, "no articles found (only page furniture)"))
    return result


def parse_page(text: str, source: str, defaults: FileDefaults | None = None) -> tuple[list[Article], list[IngestError]]:
    """The articles of one page and the problems found (never raises for content)."""
    read = read_page(text, source, defaults)
    return read.articles, read.problems
