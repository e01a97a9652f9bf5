"""Turn corpus files into ``Article`` records: newspaper pages (.txt) and JSON Lines (.jsonl)."""

import logging
from collections.abc import Callable
from pathlib import Path

from qa.errors import IngestError
from qa.ingest.decode import decode_bytes
from qa.ingest.jsonl import parse_jsonl
from qa.ingest.page import parse_page
from qa.models import Article, IngestReport

logger = logging.getLogger(__name__)

Parser = Callable[[str, str], tuple[list[Article], list[IngestError]]]
PARSERS: dict[str, Parser] = {".txt": parse_page, ".jsonl": parse_jsonl}


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Article files under ``corpus_dir`` in a stable order; hidden files and folders are left out."""
    if not corpus_dir.is_dir():
        raise IngestError(str(corpus_dir), "corpus folder does not exist")
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
    )


def parse_file(path: Path, source: str) -> tuple[list[Article], list[IngestError]]:
    """Read and parse one file. Raises ``IngestError`` when the whole file is unusable."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise IngestError(source, f"unsupported file type {path.suffix or '(none)'!r}; expected .txt or .jsonl")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"cannot read file: {exc.strerror or exc}") from exc
    return parser(decode_bytes(data, source), source)


def load_corpus(corpus_dir: Path) -> IngestReport:
    """Parse every article file; problems are collected per file and line, never fatal for the rest."""
    report = IngestReport()
    seen: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        report.files += 1
        try:
            articles, problems = parse_file(path, source)
        except IngestError as exc:
            report.problems.append(str(exc))
            continue
        report.problems.extend(str(p) for p in problems)
        for article in articles:
            if article.id in seen:
                report.problems.append(
                    f"{source}: duplicate article id {article.id!r} (first in {seen[article.id]}); kept the first"
                )
                continue
            seen[article.id] = source
            report.articles.append(article)
    for problem in report.problems:
        logger.warning("skipped %s", problem)
    return report
