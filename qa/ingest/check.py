"""What the parser makes of corpus files, without building: ``python -m qa.ingest FILE...``.

Per file: the articles found (kicker / title / subtitle, authors, date, dateline, paper and page,
paragraph count, first and last characters), the lines set aside as page furniture, and the problems.
``build_index.py --check FILE...`` prints the same.
"""

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from qa.errors import IngestError
from qa.ingest import FileRead, corpus_files, read_file
from qa.models import Article
from qa.settings import Settings

EDGE_CHARS = 15  # characters shown of the start and the end of an article's text


def _or_dash(value: str | None) -> str:
    return value if value else "—"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def describe_article(number: int, article: Article) -> list[str]:
    """The report lines of one article."""
    body = article.body
    first, last = article.paragraphs[0], article.paragraphs[-1]
    page = f"第 {article.page} 版" if article.page else None
    where = ", ".join(part for part in (article.paper, page, article.section) if part)
    return [
        f"  {number}. {article.title}",
        f"     kicker: {_or_dash(article.kicker)} | subtitle: {_or_dash(article.subtitle)}",
        f"     authors: {'、'.join(article.authors) or '—'} | date: {_or_dash(article.date)} | "
        f"dateline: {_or_dash(article.dateline)}" + (f" | {where}" if where else ""),
        f"     {_count(len(article.paragraphs), 'paragraph')}, {_count(len(body), 'character')}: "
        f"「{first[:EDGE_CHARS]}」 … 「{last[-EDGE_CHARS:]}」",
    ]


def describe_file(source: str, read: FileRead) -> list[str]:
    """The report lines of one file that could be read."""
    lines = [
        f"{source}: {_count(len(read.articles), 'article')}, {_count(len(read.furniture), 'furniture line')} set aside"
    ]
    for number, article in enumerate(read.articles, start=1):
        lines.extend(describe_article(number, article))
    undated = sum(1 for article in read.articles if article.date is None)
    if undated:
        lines.append(
            f"  {_count(undated, 'article')} without a date: the file prints none; give one in a sidecar "
            f"({source}.json), the file name (name_20260428.txt) or QA_DEFAULT_DATE"
        )
    if read.furniture:
        lines.append("  furniture (not article text):")
        lines.extend(f"     line {number}: {text}" for number, text in read.furniture)
    if read.problems:
        lines.append("  problems:")
        lines.extend(f"     {problem}" for problem in read.problems)
    return lines


def _paths(arguments: list[Path]) -> Iterator[Path]:
    for path in arguments:
        if path.is_dir():
            yield from corpus_files(path)
        else:
            yield path


def check(paths: list[Path], default_date: str | None = None) -> tuple[list[str], bool]:
    """The report on ``paths`` (files, or folders read as a corpus) and whether every file read cleanly."""
    report: list[str] = []
    clean = True
    for path in _paths(paths):
        source = path.as_posix()
        try:
            read = read_file(path, source, default_date)
        except IngestError as exc:
            report.extend([f"{source}: cannot be read: {exc.message}", ""])
            clean = False
            continue
        report.extend([*describe_file(source, read), ""])
        clean = clean and not read.problems
    return report, clean


def main(argv: list[str] | None = None, prog: str = "python -m qa.ingest") -> int:
    """Print the report; exit status 1 when a file cannot be read or has problems."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="corpus files or folders")
    return run(parser.parse_args(argv).files)


def run(paths: list[Path]) -> int:
    settings = Settings()
    default_date = settings.default_date.isoformat() if settings.default_date else None
    report, clean = check(paths, default_date)
    print("\n".join(report).rstrip())
    if not clean:
        print("\nsome files could not be read or have problems (see above)", file=sys.stderr)
    return 0 if clean else 1
