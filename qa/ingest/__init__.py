"""Turn corpus files into ``Article`` records: newspaper pages (.txt), JSON Lines (.jsonl), saved web
pages (.html, .htm) and RSS/Atom feeds (.xml, .rss, .atom).

A file's date, paper, page and section, when it does not print them, come from a sidecar, its name or
``QA_DEFAULT_DATE`` (``qa.ingest.defaults``). ``python -m qa.ingest FILE...`` shows what is found.
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qa.errors import IngestError
from qa.ingest.decode import decode_bytes
from qa.ingest.defaults import FileDefaults, file_defaults, is_sidecar
from qa.ingest.jsonl import parse_jsonl
from qa.ingest.page import read_page
from qa.ingest.result import FileRead
from qa.ingest.web.charset import decode_markup
from qa.ingest.web.feeds import parse_feed
from qa.ingest.web.html import parse_html
from qa.models import Article

logger = logging.getLogger(__name__)


def _read_jsonl(text: str, source: str, defaults: FileDefaults) -> FileRead:
    articles, problems = parse_jsonl(text, source, defaults)
    return FileRead(articles, [], problems)


def _with_defaults(parse: Callable[[str, str], tuple[list[Article], list[IngestError]]]) -> "Parser":
    """A parser of pages or feeds whose articles take what they do not say from the file's defaults."""

    def read(text: str, source: str, defaults: FileDefaults) -> FileRead:
        articles, problems = parse(text, source)
        filled = [
            replace(
                article,
                date=article.date or defaults.date,
                paper=article.paper or defaults.paper,
                page=article.page or defaults.page,
                section=article.section or defaults.section,
            )
            for article in articles
        ]
        return FileRead(filled, [], problems)

    return read


Parser = Callable[[str, str, FileDefaults], FileRead]
PARSERS: dict[str, Parser] = {
    ".txt": read_page,
    ".jsonl": _read_jsonl,
    ".html": _with_defaults(parse_html),
    ".htm": _with_defaults(parse_html),
    ".xml": _with_defaults(parse_feed),
    ".rss": _with_defaults(parse_feed),
    ".atom": _with_defaults(parse_feed),
}
# How a file's bytes become text, by suffix: pages and feeds declare their own charset (<meta charset>,
# <?xml encoding?>), which decides before any guessing; other files are detected (qa/ingest/decode.py).
Decoder = Callable[[bytes, str], str]
DECODERS: dict[str, Decoder] = {suffix: decode_markup for suffix in (".html", ".htm", ".xml", ".rss", ".atom")}


# A file is read whole into memory (and decoded, and parsed): larger ones are refused with a report.
MAX_FILE_BYTES = 128 * 1024 * 1024


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Article files under ``corpus_dir`` in a stable order; hidden files and folders are left out.

    Symbolic links are listed too (links to folders are not followed): ``check_path`` decides on them.
    Sidecars (``page.txt.json``) are read with their file, not listed.
    """
    if not corpus_dir.is_dir():
        raise IngestError(str(corpus_dir), "corpus folder does not exist")
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if (path.is_file() or path.is_symlink())
        and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
        and not is_sidecar(path, PARSERS.keys())
    )


def display_name(source: str) -> str:
    """``source`` fit for a report: bytes of a file name that are not UTF-8 shown as U+FFFD."""
    return source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_path(corpus_dir: Path, path: Path, source: str) -> None:
    """Raise ``IngestError`` for a corpus entry that must not be read.

    A build reads only inside the corpus folder: a symbolic link that leads outside it (or to a
    folder, or nowhere) is skipped, and so is a file whose name is not UTF-8 (it could not be recorded).
    """
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise IngestError(display_name(source), "file name is not valid UTF-8; rename the file") from None
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise IngestError(source, "broken symbolic link; skipped") from None
    if not target.is_relative_to(corpus_dir.resolve()):
        raise IngestError(source, "symbolic link pointing outside the corpus folder; skipped")
    if target.is_dir():
        raise IngestError(source, "symbolic link to a folder (links to folders are not followed); skipped")
    if not target.is_file():
        raise IngestError(source, "symbolic link to something that is not a regular file; skipped")


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 2**10:.1f} KiB"


def read_file(path: Path, source: str, default_date: str | None = None) -> FileRead:
    """Read and parse one file. Raises ``IngestError`` when the whole file is unusable.

    ``default_date`` (``QA_DEFAULT_DATE``) dates articles nothing else dates (see ``qa.ingest.defaults``).
    """
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        expected = ", ".join(PARSERS)
        raise IngestError(
            source,
            f"unsupported file type {path.suffix or '(none)'!r}; expected one of {expected} "
            "(a sidecar is named after its file: page.txt.json)",
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestError(
                source,
                f"file is too large ({_size(size)}, the limit is {_size(MAX_FILE_BYTES)}): split it into smaller files",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"cannot read file: {exc.strerror or exc}") from exc
    text = DECODERS.get(path.suffix.lower(), decode_bytes)(data, source)
    defaults, problems = file_defaults(path, source, default_date)
    read = parser(text, source, defaults)
    read.problems[:0] = problems
    return read


def parse_file(path: Path, source: str, default_date: str | None = None) -> tuple[list[Article], list[IngestError]]:
    """The articles of one file and the problems found. Raises ``IngestError`` when the whole file is unusable."""
    read = read_file(path, source, default_date)
    return read.articles, read.problems
