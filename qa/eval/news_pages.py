"""The real newspaper pages of ``../shared/eval/news_pages/`` as dated articles, for the dated evaluation.

The page files are parsed by hand here, from ``expected.json``: each article's body runs from its ``first`` to its
``last`` characters in the decoded page, and its paper and date are the page's. That keeps the evaluation of
dates and copies apart from the page parser's own accuracy. Article ids are ``<file stem>-<n>`` (n from 1, in
page order); the JSON Lines file of the set keeps its own ids.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.decode import decode_bytes
from qa.models import Article

DEFAULT_PAGES = Path("../shared/eval/news_pages")


@dataclass(frozen=True)
class PageSet:
    articles: list[Article]
    copies: list[list[str]]  # article ids of each group of copies in expected.json
    not_copies: list[tuple[str, str]]  # pairs on one topic and day that are different stories


def _cut(text: str, first: str, last: str, after: int, name: str) -> tuple[str, int]:
    start = text.find(first, after)
    end = text.find(last, start)
    if start < 0 or end < 0:
        raise ValueError(f"{name}: article starting {first!r} not found after offset {after}")
    return text[start : end + len(last)], end + len(last)


def _page_articles(path: Path, page: dict) -> list[Article]:
    text = decode_bytes(path.read_bytes(), path.name)
    articles, after = [], 0
    for n, item in enumerate(page["articles"], start=1):
        body, after = _cut(text, item["first"], item["last"], after, path.name)
        paragraphs = tuple(line.strip() for line in body.split("\n") if line.strip())
        articles.append(
            Article(
                id=f"{path.stem}-{n}",
                title=" ".join(item["title"].split()),
                paragraphs=paragraphs,
                source=page["paper"],
                subtitle=item.get("subtitle"),
                kicker=item.get("kicker"),
                author="、".join(item["authors"]) or None,
                date=page["date"],
                authors=tuple(item["authors"]),
                dateline=item.get("dateline"),
                paper=page["paper"],
            )
        )
    return articles


def _jsonl_articles(path: Path, page: dict) -> list[Article]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        paragraphs = tuple(p.strip() for p in record["body"].split("\n") if p.strip())
        articles.append(
            Article(
                id=record["id"],
                title=record["title"],
                paragraphs=paragraphs,
                source=record.get("source") or page["paper"],
                author=record.get("author"),
                date=record.get("date") or page["date"],
                paper=page["paper"],
            )
        )
    return articles


def load_pages(folder: Path = DEFAULT_PAGES) -> PageSet:
    """Every article of the pages, and the copies and not-copies of ``expected.json`` as article ids."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    articles: list[Article] = []
    by_title: dict[tuple[str, str], str] = {}
    for name, page in expected.items():
        if name in ("copies", "not_copies"):
            continue
        path = folder / name
        found = _jsonl_articles(path, page) if path.suffix == ".jsonl" else _page_articles(path, page)
        for article, item in zip(found, page["articles"]):
            by_title[(name, "".join(item["title"].split()))] = article.id
        articles += found

    def ids(members: list[dict]) -> list[str]:
        return [by_title[(m["file"], "".join(m["title"].split()))] for m in members]

    return PageSet(
        articles,
        [ids(group["members"]) for group in expected.get("copies", [])],
        [tuple(ids(pair["members"])) for pair in expected.get("not_copies", [])],  # type: ignore[misc]
    )


def to_record(article: Article) -> dict:
    """A JSON Lines record of ``article`` as ``qa/ingest/jsonl.py`` reads it. ``source`` names the paper, which
    is how JSON Lines records without a ``paper`` field say it (``qa.answering.scope.paper_of``)."""
    record = {
        "id": article.id,
        "title": article.title,
        "paragraphs": list(article.paragraphs),
        "date": article.date,
        "author": article.author,
        "source": article.paper or article.source,
        "paper": article.paper,
    }
    return {k: v for k, v in record.items() if v is not None}
