"""Parse JSON Lines files: one article per line.

Fields: ``title`` and ``body`` (or ``paragraphs``) are required; ``id``, ``subtitle``, ``date``,
``author``, ``source`` and ``url`` are optional. A given ``id`` is the article's id everywhere.
"""

import json
import re
from typing import Any

from qa.errors import IngestError
from qa.models import Article, content_id

ARTICLE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
OPTIONAL_FIELDS = ("subtitle", "date", "author", "url")
MAX_TITLE_CHARS = 500


def validate_article_id(value: Any) -> str:
    """Return ``value`` if it is a safe article id (letters, digits, ``.``, ``_``, ``-``; no path parts)."""
    if not isinstance(value, str) or not ARTICLE_ID_RE.match(value) or ".." in value:
        raise ValueError(
            f"'id' must be 1-128 letters, digits, '.', '_' or '-' (starting with a letter or digit), got {value!r}"
        )
    return value


def _paragraphs(record: dict[str, Any]) -> tuple[str, ...]:
    if "paragraphs" in record and record["paragraphs"] is not None:
        value = record["paragraphs"]
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ValueError("'paragraphs' must be a list of strings")
        pieces = value
    elif "body" in record:
        if not isinstance(record["body"], str):
            raise ValueError(f"'body' must be a string, got {type(record['body']).__name__}")
        pieces = record["body"].splitlines()
    else:
        raise ValueError("missing 'body' (or 'paragraphs')")
    paragraphs = tuple(p.strip() for p in pieces if p.strip())
    if not paragraphs:
        raise ValueError("'body' is empty")
    return paragraphs


def article_from_record(record: Any, source: str) -> Article:
    """Build an article from one decoded JSON record. Raises ``ValueError`` naming the bad field."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing or empty 'title'")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        raise ValueError(f"'title' is longer than {MAX_TITLE_CHARS} characters")
    paragraphs = _paragraphs(record)
    optional: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS + ("source",):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{name}' must be a string, got {type(value).__name__}")
        optional[name] = value.strip() or None if isinstance(value, str) else None
    if record.get("id") is not None:
        article_id = validate_article_id(record["id"])
    else:
        article_id = content_id(title, "\n".join(paragraphs))
    return Article(
        id=article_id,
        title=title,
        paragraphs=paragraphs,
        source=optional.pop("source") or source,
        **optional,
    )


def parse_jsonl(text: str, source: str) -> tuple[list[Article], list[IngestError]]:
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
        try:
            articles.append(article_from_record(record, source))
        except ValueError as exc:
            problems.append(IngestError(source, str(exc), number))
    return articles, problems
