"""Parse JSON Lines files: one article per line.

Fields: ``title`` and ``body`` (or ``paragraphs``) are required; ``id``, ``subtitle``, ``date``,
``author``, ``authors``, ``dateline``, ``paper``, ``page``, ``section``, ``source`` and ``url`` are
optional. A given ``id`` is the article's id everywhere. ``date`` must carry a year (``2026-04-28``,
``2026年4月28日``) and is stored as ISO; ``authors`` is a list of names or one string
(``曲哲涵 刘温馨``), and ``author`` alone is split the same way. Without a ``dateline``, the first one the
text prints (``本报天津8月18日电``, leading or closing a paragraph) is taken.
"""

import json
import re
from typing import Any

from qa.errors import IngestError, InvalidInput
from qa.ingest.dates import iso_date
from qa.ingest.defaults import FileDefaults, page_label
from qa.ingest.names import split_authors, unique
from qa.ingest.page.datelines import first_dateline, reporters
from qa.models import Article, content_id

# Letters, digits, '.', '_', '-', starting with a letter or digit, never two dots in a row (so an id
# can never be or contain '..'); written without look-ahead so JSON Schema, Python and pydantic's
# regex engine all read it alike. At most ARTICLE_ID_MAX characters.
ARTICLE_ID_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.[A-Za-z0-9_-])*\.?$")
ARTICLE_ID_MAX = 128
ARTICLE_ID_RULE = f"1-{ARTICLE_ID_MAX} letters, digits, '.', '_' or '-', starting with a letter or digit, no '..'"
OPTIONAL_FIELDS = ("subtitle", "date", "author", "url", "dateline", "paper", "page", "section")
MAX_TITLE_CHARS = 500


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def validate_article_id(value: Any) -> str:
    """Return ``value`` if it is a safe article id (letters, digits, ``.``, ``_``, ``-``; no path parts)."""
    # fullmatch: with re.match, '$' would also accept a trailing newline.
    if not isinstance(value, str) or len(value) > ARTICLE_ID_MAX or not ARTICLE_ID_RE.fullmatch(value):
        raise InvalidInput(f"'id' must be {ARTICLE_ID_RULE}; got {_shorten(repr(value))}")
    return value


def _text(name: str, value: str) -> str:
    """``value``, unless it holds a lone surrogate (a JSON escape like \\ud800): such text cannot be stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"'{name}' contains an invalid character (lone surrogate U+{ord(value[exc.start]):04X}) "
            f"at position {exc.start}"
        ) from None
    return value


def _paragraphs(record: dict[str, Any]) -> tuple[str, ...]:
    if "paragraphs" in record and record["paragraphs"] is not None:
        value = record["paragraphs"]
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ValueError("'paragraphs' must be a list of strings")
        pieces = [_text("paragraphs", p) for p in value]
    elif "body" in record:
        if not isinstance(record["body"], str):
            raise ValueError(f"'body' must be a string, got {type(record['body']).__name__}")
        pieces = _text("body", record["body"]).splitlines()
    else:
        raise ValueError("missing 'body' (or 'paragraphs')")
    paragraphs = tuple(p.strip() for p in pieces if p.strip())
    if not paragraphs:
        raise ValueError("'body' is empty")
    return paragraphs


def _authors(record: dict[str, Any]) -> tuple[str, ...] | None:
    """The ``authors`` field as names (a list of strings, or one string split like ``author``), or None."""
    value = record.get("authors")
    if value is None:
        return None
    if isinstance(value, str):
        return split_authors(_text("authors", value))
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValueError(f"'authors' must be a list of strings (or one string), got {_shorten(repr(value))}")
    return unique([name.strip() for name in value if _text("authors", name).strip()])


def _optional(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if name == "page" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # "page": 10
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string, got {type(value).__name__}")
    text = _text(name, value).strip() if isinstance(value, str) else ""
    if not text:
        return None
    if name == "date":
        try:
            return iso_date(text)
        except ValueError as exc:
            raise ValueError(f"'date' {exc}") from None
    return page_label(text) if name == "page" else text


def article_from_record(record: Any, source: str, defaults: FileDefaults | None = None) -> Article:
    """Build an article from one decoded JSON record. Raises ``ValueError`` naming the bad field.

    ``defaults`` fill a missing date, paper, page or section (see ``qa.ingest.defaults``).
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing or empty 'title'")
    if len(title) > MAX_TITLE_CHARS:
        raise ValueError(f"'title' is longer than {MAX_TITLE_CHARS} characters")
    title = " ".join(_text("title", title).split())
    paragraphs = _paragraphs(record)
    optional = {name: _optional(record, name) for name in (*OPTIONAL_FIELDS, "source")}
    authors = _authors(record)
    if authors is None:
        author = optional["author"]
        authors = split_authors(author) if author else unique(reporters(list(paragraphs)))
    defaults = defaults or FileDefaults()
    if record.get("id") is not None:
        article_id = validate_article_id(record["id"])
    else:
        article_id = content_id(title, "\n".join(paragraphs))
    return Article(
        id=article_id,
        title=title,
        paragraphs=paragraphs,
        source=optional["source"] or source,
        subtitle=optional["subtitle"],
        author="、".join(authors) or None,
        date=optional["date"] or defaults.date,
        url=optional["url"],
        authors=authors,
        dateline=optional["dateline"] or first_dateline(list(paragraphs)),
        paper=optional["paper"] or defaults.paper,
        page=optional["page"] or defaults.page,
        section=optional["section"] or defaults.section,
    )


def parse_jsonl(
    text: str, source: str, defaults: FileDefaults | None = None
) -> tuple[list[Article], list[IngestError]]:
    """Parse every line; a bad line is reported with its number and the others are kept."""
    articles: list[Article] = []
    problems: list[IngestError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(IngestError(source, f"invalid JSON: {exc.msg} (column {exc.colno})", number))
            continue
        except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting too deep
            reason = "nested too deeply" if isinstance(exc, RecursionError) else _shorten(str(exc))
            problems.append(IngestError(source, f"invalid JSON: {reason}", number))
            continue
        try:
            articles.append(article_from_record(record, source, defaults))
        except ValueError as exc:
            problems.append(IngestError(source, str(exc), number))
    return articles, problems
