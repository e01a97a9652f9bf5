"""The real newspaper pages of ``../shared/eval/news_pages/`` as article records, for answering questions on them.

The page parser is being rewritten (issue 14), so the answering figures do not wait for it: each
article of ``expected.json`` becomes a record with its expected title, kicker, subtitle, authors,
date, dateline, paper and page, and as body the page's lines from the one starting with its
expected ``first`` characters to the one ending with its ``last`` ones. The JSON Lines file of the
set is read as it is.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.decode import decode_bytes
from qa.models import Article

DEFAULT_PAGES = Path("../shared/eval/news_pages")
_SPACES = " \t\u00a0\u3000\r\ufeff"
_FILE_NAME = re.compile(r"^(?P<paper>[a-z]+)_(?P<date>\d{8})_(?P<page>\d+)")


@dataclass(frozen=True)
class PageArticle:
    """An article of the set, and the file it came from (questions are grouped by file)."""

    file: str
    article: Article


def _page_number(name: str) -> str | None:
    match = _FILE_NAME.match(name)
    return str(int(match["page"])) if match else None


def _bodies(lines: list[str], expected: list[dict], name: str) -> list[list[str]]:
    """Each expected article's body lines, found in page order by its first and last characters."""
    stripped = [line.strip(_SPACES) for line in lines]
    bodies: list[list[str]] = []
    cursor = 0
    for item in expected:
        first, last = item["first"].strip(_SPACES), item["last"].strip(_SPACES)
        start = next((i for i in range(cursor, len(lines)) if stripped[i].startswith(first)), None)
        if start is None:
            raise ValueError(f"{name}: no line starts with {first!r} (article {item['title']!r})")
        end = next((i for i in range(start, len(lines)) if stripped[i].endswith(last)), None)
        if end is None:
            raise ValueError(f"{name}: no line ends with {last!r} (article {item['title']!r})")
        bodies.append([line for line in stripped[start : end + 1] if line])
        cursor = end + 1
    return bodies


def _from_page(path: Path, entry: dict) -> list[PageArticle]:
    text = decode_bytes(path.read_bytes(), path.name)
    lines = text.splitlines()
    out = []
    for i, (item, body) in enumerate(zip(entry["articles"], _bodies(lines, entry["articles"], path.name))):
        authors = tuple(item.get("authors") or ())
        article = Article(
            id=f"{path.stem}-{i + 1:02d}",
            title=" ".join(item["title"].split()),
            paragraphs=tuple(body),
            source=path.name,
            subtitle=item.get("subtitle"),
            kicker=item.get("kicker"),
            author="、".join(authors) or None,
            date=item.get("date") or entry.get("date"),
            authors=authors,
            dateline=item.get("dateline"),
            paper=entry.get("paper"),
            page=_page_number(path.name),
        )
        out.append(PageArticle(path.name, article))
    return out


def _from_jsonl(path: Path, entry: dict) -> list[PageArticle]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        paragraphs = tuple(p.strip(_SPACES) for p in record["body"].split("\n") if p.strip(_SPACES))
        authors = tuple(record.get("author", "").split())
        article = Article(
            id=record["id"],
            title=record["title"],
            paragraphs=paragraphs,
            source=path.name,
            author="、".join(authors) or None,
            date=record.get("date") or entry.get("date"),
            authors=authors,
            paper=record.get("source") or entry.get("paper"),
            page=_page_number(path.name),
        )
        out.append(PageArticle(path.name, article))
    return out


def load_news_pages(folder: Path = DEFAULT_PAGES) -> list[PageArticle]:
    """Every article of the set, file by file in ``expected.json`` order."""
    try:
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{folder}/expected.json: cannot read: {exc}") from None
    articles: list[PageArticle] = []
    for name, entry in expected.items():
        if not isinstance(entry, dict) or "articles" not in entry:
            continue  # "copies", "not_copies": about the parser's duplicate detection
        path = folder / name
        articles.extend(_from_jsonl(path, entry) if path.suffix == ".jsonl" else _from_page(path, entry))
    return articles
