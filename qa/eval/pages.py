"""The parse table: how the corpus parsers read real newspaper pages, against ``expected.json``. No model.

Each file of the folder (``../shared/eval/news_pages``) is parsed as a build parses it, but without the
date its file name carries, so a date counts only when the page prints it. An expected article is
found when an article with its title (whitespace ignored) comes next in page order; a found article's
fields are then compared: kicker, subtitle, authors (exactly, in order), date, dateline (whitespace
ignored), and the first and last characters of its text. Any furniture line (folio, metadata, credits)
inside an article's headline or text counts as a leak.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import IngestError
from qa.ingest import PARSERS
from qa.ingest.decode import decode_bytes
from qa.ingest.defaults import FileDefaults
from qa.models import Article

DEFAULT_PAGES = Path("../shared/eval/news_pages")
FIELDS = ("kicker", "subtitle", "authors", "date", "dateline", "first", "last")


def squeeze(text: str | None) -> str:
    return "".join((text or "").split())


@dataclass
class FileScore:
    """One file's figures."""

    name: str
    expected: int
    parsed: int = 0
    found: int = 0  # expected articles found by title, in page order
    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    complete: int = 0  # found articles with every field exact
    leaks: int = 0  # furniture lines inside an article
    error: str | None = None  # why the file could not be read


def _same(name: str, article: Article, want: dict[str, Any]) -> bool:
    if name == "authors":
        return list(article.authors) == want["authors"]
    if name == "first":
        return squeeze(article.paragraphs[0]).startswith(squeeze(want["first"]))
    if name == "last":
        return squeeze(article.paragraphs[-1]).endswith(squeeze(want["last"]))
    return squeeze(getattr(article, name)) == squeeze(want[name])


def score_file(path: Path, entry: dict[str, Any]) -> FileScore:
    """Parse ``path`` and compare it with its ``expected.json`` entry."""
    score = FileScore(path.name, len(entry["articles"]))
    try:
        text = decode_bytes(path.read_bytes(), path.name)
        articles = PARSERS[path.suffix.lower()](text, path.name, FileDefaults()).articles
    except (OSError, KeyError, IngestError) as exc:
        score.error = str(exc)
        return score
    score.parsed = len(articles)
    position = 0
    for want in entry["articles"]:
        titles = [squeeze(a.title) for a in articles[position:]]
        if squeeze(want["title"]) not in titles:
            continue
        index = position + titles.index(squeeze(want["title"]))
        article, position = articles[index], index + 1
        score.found += 1
        same = {name: _same(name, article, want) for name in FIELDS}
        for name, ok in same.items():
            score.exact[name] += ok
        score.complete += all(same.values())
    furniture = [squeeze(line) for line in entry.get("furniture", [])]
    for article in articles:
        shown = squeeze("\n".join([article.kicker or "", article.title, article.subtitle or "", article.body]))
        score.leaks += sum(1 for line in furniture if line and line in shown)
    return score


def score_pages(folder: Path) -> list[FileScore]:
    """Every file ``folder/expected.json`` describes. Raises ``ValueError`` if there is no such file."""
    try:
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{folder / 'expected.json'}: cannot read ({exc})") from None
    names = sorted(name for name, entry in expected.items() if isinstance(entry, dict) and "articles" in entry)
    return [score_file(folder / name, expected[name]) for name in names]


def _cell(count: int, total: int) -> str:
    return f"{count}/{total}"


def render_parse_table(scores: list[FileScore]) -> str:
    """The figures as a Markdown table, a total row last."""
    columns = ["file", "articles found / expected (parsed)", *FIELDS, "all exact", "furniture in text"]
    header = "| " + " | ".join(columns) + " |"
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    total = FileScore("**total**", sum(s.expected for s in scores))
    for score in scores:
        total.parsed += score.parsed
        total.found += score.found
        total.complete += score.complete
        total.leaks += score.leaks
        for name in FIELDS:
            total.exact[name] += score.exact[name]
    for score in [*scores, total]:
        if score.error:
            lines.append(f"| {score.name} | cannot be read: {score.error} |" + " |" * (len(FIELDS) + 2))
            continue
        cells = [f"{score.found}/{score.expected} ({score.parsed})"]
        cells += [_cell(score.exact[name], score.found) for name in FIELDS]
        cells += [_cell(score.complete, score.expected), str(score.leaks)]
        lines.append(f"| {score.name} | " + " | ".join(cells) + " |")
    checks = total.found * len(FIELDS)
    exact = sum(total.exact.values())
    lines.append("")
    lines.append(
        f"{total.found} of {total.expected} expected articles found in page order ({total.parsed} parsed); "
        f"{exact} of {checks} fields of the found ones exact; {total.leaks} furniture lines in article text."
    )
    return "\n".join(lines)
